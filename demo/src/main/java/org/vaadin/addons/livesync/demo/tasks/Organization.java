package org.vaadin.addons.livesync.demo.tasks;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A tenant: every task belongs to one. Not watched; the demo's organizations do not change. */
@Entity
@Table(name = "organization")
public class Organization {

    @Id
    private Long id;

    private String name;

    protected Organization() {
    }

    public Long getId() {
        return id;
    }

    public String getName() {
        return name;
    }
}
