package org.vaadin.addons.livesync.examples.plainjava;

import org.vaadin.addons.livesync.Watched;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A task of one organization: the rows this example keeps live. */
@Entity
@Table(name = "task")
@Watched(subscriptionKey = "organizationId")
public class Task {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    @Column(name = "organization_id")
    private Long organizationId;
    private String title;

    public Long getId() {
        return id;
    }

    public Long getOrganizationId() {
        return organizationId;
    }

    public String getTitle() {
        return title;
    }
}
