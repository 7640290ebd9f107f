package org.vaadin.addons.livesync.internal.watch;

import org.vaadin.addons.livesync.WatchConfigurationException;
import org.vaadin.addons.livesync.Watched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.hibernate.SessionFactory;
import org.junit.jupiter.api.Test;

import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.Id;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.MappedSuperclass;
import jakarta.persistence.OneToMany;

/** {@link Watched#fetch()}: what it may name, and the message when it names something else. */
class FetchDeclarationTest {

    @Test
    void toOneAssociationsAndCollectionsAreListedInDeclarationOrder() {
        try (SessionFactory sessionFactory = HibernateFactories.offline(Valid.class, Customer.class, Line.class)) {
            WatchedEntity<Valid> entity = WatchRegistry.of(sessionFactory).find(Valid.class).orElseThrow();

            assertThat(entity.fetch()).containsExactly("customer", "lines", "returns");
        }
    }

    @Test
    void anUnknownNameListsTheEntitysAssociations() {
        assertThat(failureOf(Unknown.class)).contains(Unknown.class.getName(), "@Watched(fetch = \"supplier\")",
                "names no attribute", "[customer, lines, returns]");
    }

    @Test
    void aBasicAttributeIsNotAnAssociation() {
        assertThat(failureOf(Basic.class)).contains(Basic.class.getName(), "@Watched(fetch = \"title\")",
                "not an association", "[customer, lines, returns]");
    }

    @Test
    void thePathOfANestedAssociationIsRejected() {
        assertThat(failureOf(Path.class)).contains("@Watched(fetch = \"customer.name\")", "is a path",
                "in sync()");
    }

    @Test
    void theIdIsRejected() {
        assertThat(failureOf(IdNamed.class)).contains("@Watched(fetch = \"id\")", "always loaded");
    }

    @Test
    void twoBagsAreRejectedBeforeHibernateFailsToLoadThem() {
        assertThat(failureOf(TwoBags.class)).contains(TwoBags.class.getName(), "[lines, returns]",
                "Hibernate cannot do", "as a Set or with an @OrderColumn");
    }

    private static String failureOf(Class<?> entity) {
        try (SessionFactory sessionFactory = HibernateFactories.offline(entity, Customer.class, Line.class)) {
            WatchConfigurationException failure = catchThrowableOfType(WatchConfigurationException.class,
                    () -> WatchRegistry.of(sessionFactory));
            assertThat(failure).as("registry of " + entity.getSimpleName()).isNotNull();
            return failure.getMessage();
        }
    }

    /** An order with a to-one, a bag and a set; each subclass below declares another fetch. */
    @MappedSuperclass
    abstract static class Order {
        @Id
        Long id;
        Long organizationId;
        String title;
        @ManyToOne(fetch = FetchType.LAZY)
        Customer customer;
        @OneToMany
        List<Line> lines = new ArrayList<>();
        @OneToMany
        Set<Line> returns = new HashSet<>();
    }

    @Entity(name = "FetchValid")
    @Watched(subscriptionKey = "organizationId", fetch = {"customer", "lines", "returns", "customer"})
    static class Valid extends Order {
    }

    @Entity(name = "FetchUnknown")
    @Watched(subscriptionKey = "organizationId", fetch = {"customer", "supplier"})
    static class Unknown extends Order {
    }

    @Entity(name = "FetchBasic")
    @Watched(subscriptionKey = "organizationId", fetch = "title")
    static class Basic extends Order {
    }

    @Entity(name = "FetchPath")
    @Watched(subscriptionKey = "organizationId", fetch = "customer.name")
    static class Path extends Order {
    }

    @Entity(name = "FetchId")
    @Watched(subscriptionKey = "organizationId", fetch = "id")
    static class IdNamed extends Order {
    }

    @Entity(name = "FetchTwoBags")
    @Watched(subscriptionKey = "organizationId", fetch = {"lines", "returns"})
    static class TwoBags {
        @Id
        Long id;
        Long organizationId;
        @OneToMany
        List<Line> lines = new ArrayList<>();
        @OneToMany
        List<Line> returns = new ArrayList<>();
    }

    @Entity(name = "FetchCustomer")
    static class Customer {
        @Id
        Long id;
        String name;
    }

    @Entity(name = "FetchLine")
    static class Line {
        @Id
        Long id;
    }
}
