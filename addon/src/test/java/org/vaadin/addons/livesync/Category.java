package org.vaadin.addons.livesync;

import java.util.ArrayList;
import java.util.List;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.OneToMany;
import jakarta.persistence.Table;

/** What a {@link Part} belongs to, shared by parts of every tenant; not watched. */
@Entity
@Table(name = "category", schema = "live_view_test")
public class Category {

    @Id
    private Long id;
    private String name;
    @OneToMany(mappedBy = "category")
    private List<Part> parts = new ArrayList<>();

    public Long getId() {
        return id;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }

    /** Lazy, and loaded with no delivered row. */
    public List<Part> getParts() {
        return parts;
    }
}
