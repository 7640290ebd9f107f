package org.vaadin.addons.livesync.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

import org.hibernate.Hibernate;
import org.hibernate.LazyInitializationException;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vaadin.addons.livesync.internal.watch.WatchRegistry;
import org.vaadin.addons.livesync.Watched;

import jakarta.persistence.Embeddable;
import jakarta.persistence.Embedded;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.OneToMany;

/**
 * {@link EntityCopier} on graphs built by hand (the pipeline tests copy loaded ones): cycles,
 * embeddables holding associations, sets of entities hashed by their attributes, and lazy proxies.
 * The mapping only; no database.
 */
class EntityCopierTest {

    private static SessionFactoryImplementor factory;
    private static EntityCopier copier;

    @BeforeAll
    static void mapping() {
        factory = new Configuration().addAnnotatedClass(Node.class)
                .setProperty("jakarta.persistence.database-product-name", "PostgreSQL")
                .setProperty("jakarta.persistence.database-major-version", "15")
                .setProperty("hibernate.boot.allow_jdbc_metadata_access", "false")
                .buildSessionFactory().unwrap(SessionFactoryImplementor.class);
        copier = new EntityCopier(factory);
    }

    @AfterAll
    static void close() {
        factory.close();
    }

    @Test
    void aCycleBecomesOneCycleOfCopiesSharingNothingWithTheSource() {
        Node root = new Node(1L, "root");
        Node child = new Node(2L, "child");
        child.parent = root;
        root.children.add(child);
        root.favourite = child;

        Node copy = copier.copy(root);

        Node childCopy = copy.children.iterator().next();
        assertThat(copy).isNotSameAs(root);
        assertThat(childCopy).isNotSameAs(child);
        assertThat(copy.children).isNotSameAs(root.children);
        assertThat(childCopy.parent).isSameAs(copy);
        assertThat(copy.favourite).as("one copy per object within one copy").isSameAs(childCopy);
        assertThat(copier.copy(root).favourite).as("nothing shared between two copies").isNotSameAs(childCopy);
    }

    @Test
    void aSetOfEntitiesHashedByTheirAttributesFindsItsCopies() {
        Node root = new Node(1L, "root");
        Node child = new Node(2L, "child");
        child.parent = root;
        root.children.add(child);

        Node copy = copier.copy(child).parent;

        assertThat(copy.children).hasSize(1);
        assertThat(copy.children).contains(copy.children.iterator().next());
    }

    @Test
    void anEmbeddableHoldingAnAssociationIsCopiedWithACopyOfIt() {
        Node owner = new Node(1L, "owner");
        Node tagged = new Node(2L, "tagged");
        tagged.label = new Label("important", owner);

        Node copy = copier.copy(tagged);

        assertThat(copy.label).isNotSameAs(tagged.label);
        assertThat(copy.label.text).isEqualTo("important");
        assertThat(copy.label.by).isNotSameAs(owner);
        assertThat(copy.label.by.name).isEqualTo("owner");
    }

    @Test
    void anUninitializedProxyBecomesAnotherUninitializedProxyWithTheSameId() {
        Node node = new Node(1L, "node");
        node.parent = (Node) factory.getMappingMetamodel().getEntityDescriptor(Node.class).createProxy(7L, null);

        Node first = copier.copy(node);
        Node second = copier.copy(node);

        assertThat(first.parent).isNotSameAs(node.parent).isNotSameAs(second.parent);
        assertThat(Hibernate.isInitialized(first.parent)).isFalse();
        assertThat(first.parent.getId()).isEqualTo(7L);
        assertThat(WatchRegistry.of(factory).find(Node.class).orElseThrow().keyOf(first))
                .as("a to-one subscription key read from the placeholder").isEqualTo(7L);
        assertThatThrownBy(first.parent::getName).isInstanceOf(LazyInitializationException.class);
    }

    /** A tree node whose hashCode reads its name, watched by its parent. */
    @Entity(name = "CopierNode")
    @Watched(subscriptionKey = "parent")
    static class Node {
        @Id
        Long id;
        String name;
        @ManyToOne(fetch = FetchType.LAZY)
        Node parent;
        @ManyToOne(fetch = FetchType.LAZY)
        Node favourite;
        @OneToMany(mappedBy = "parent")
        Set<Node> children = new HashSet<>();
        @Embedded
        Label label;

        Node() {
        }

        Node(Long id, String name) {
            this.id = id;
            this.name = name;
        }

        public Long getId() {
            return id;
        }

        public String getName() {
            return name;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Node other && Objects.equals(name, other.name);
        }

        @Override
        public int hashCode() {
            return Objects.hashCode(name);
        }
    }

    @Embeddable
    static class Label {
        String text;
        @ManyToOne(fetch = FetchType.LAZY)
        Node by;

        Label() {
        }

        Label(String text, Node by) {
            this.text = text;
            this.by = by;
        }
    }
}
