package org.vaadin.addons.livesync;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.vaadin.addons.livesync.Watched;

import jakarta.persistence.CollectionTable;
import jakarta.persistence.Column;
import jakarta.persistence.ElementCollection;
import jakarta.persistence.Entity;
import jakarta.persistence.FetchType;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.OneToMany;
import jakarta.persistence.Table;

/**
 * A tenant's row with associations of every kind, for the association tests: an EAGER to-one
 * ({@link #getCategory()}, shared with other tenants' parts), a LAZY to-one listed in
 * {@code fetch} ({@link #getMaker()}), a LAZY to-one that is not ({@link #getSupplier()}), an EAGER
 * collection of values ({@link #getTags()}), and a LAZY collection listed in {@code fetch} whose
 * elements point back ({@link #getChildren()} → {@link #getParent()}).
 */
@Entity
@Table(name = "part", schema = "live_view_test")
@Watched(subscriptionKey = "tenant", fetch = {"maker", "children"})
public class Part {

    /** The tables of parts, their categories, makers and tags. */
    static final LiveTestEnvironment.Tables TABLES = new LiveTestEnvironment.Tables(List.of(
            "CREATE TABLE live_view_test.category (id bigint PRIMARY KEY, name text NOT NULL)",
            "CREATE TABLE live_view_test.maker (id bigint PRIMARY KEY, name text NOT NULL)",
            "CREATE TABLE live_view_test.part (id bigserial PRIMARY KEY, tenant bigint NOT NULL, title text NOT NULL,"
                    + " category_id bigint REFERENCES live_view_test.category,"
                    + " maker_id bigint REFERENCES live_view_test.maker,"
                    + " supplier_id bigint REFERENCES live_view_test.maker,"
                    + " parent_id bigint REFERENCES live_view_test.part, code text UNIQUE)",
            "CREATE TABLE live_view_test.part_tag (part_id bigint NOT NULL REFERENCES live_view_test.part"
                    + " ON DELETE CASCADE, tag text NOT NULL)"),
            List.of("part"), List.of(Part.class, Category.class, Maker.class, PartByCode.class));

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    private Long tenant;
    private String title;
    @ManyToOne(fetch = FetchType.EAGER)
    private Category category;
    @ManyToOne(fetch = FetchType.LAZY)
    private Maker maker;
    @ManyToOne(fetch = FetchType.LAZY)
    private Maker supplier;
    @ManyToOne(fetch = FetchType.LAZY)
    private Part parent;
    @OneToMany(mappedBy = "parent")
    private Set<Part> children = new HashSet<>();
    @ElementCollection(fetch = FetchType.EAGER)
    @CollectionTable(name = "part_tag", schema = "live_view_test", joinColumns = @JoinColumn(name = "part_id"))
    @Column(name = "tag")
    private Set<String> tags = new HashSet<>();

    public Long getId() {
        return id;
    }

    public Long getTenant() {
        return tenant;
    }

    public String getTitle() {
        return title;
    }

    public void setTitle(String title) {
        this.title = title;
    }

    public Category getCategory() {
        return category;
    }

    public Maker getMaker() {
        return maker;
    }

    public Maker getSupplier() {
        return supplier;
    }

    public Part getParent() {
        return parent;
    }

    public Set<Part> getChildren() {
        return children;
    }

    public Set<String> getTags() {
        return tags;
    }

    @Override
    public String toString() {
        return "Part[" + id + ", tenant " + tenant + ", " + title + "]";
    }
}
