package org.vaadin.addons.livesync.demo.tasks;

import java.time.Instant;

import org.vaadin.addons.livesync.Watched;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.PrePersist;
import jakarta.persistence.PreUpdate;
import jakarta.persistence.Table;

/**
 * A task of one organization. Watched by LiveSync: every committed change of a {@code task} row
 * reaches the views of the row's organization, whoever made it.
 */
@Entity
@Table(name = "task")
@Watched(subscriptionKey = "organizationId")
public class Task {

    /** The statuses the form offers; outside writers may store others. */
    public static final String OPEN = "open";
    public static final String IN_PROGRESS = "in progress";
    public static final String DONE = "done";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;

    @Column(name = "organization_id", nullable = false)
    private Long organizationId;

    @Column(nullable = false)
    private String title;

    @Column(nullable = false)
    private String status = OPEN;

    private String assignee;

    private String notes;

    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    public Task() {
    }

    public Task(Long organizationId, String title) {
        this.organizationId = organizationId;
        this.title = title;
    }

    @PrePersist
    @PreUpdate
    void touch() {
        updatedAt = Instant.now();
    }

    public Long getId() {
        return id;
    }

    public Long getOrganizationId() {
        return organizationId;
    }

    public void setOrganizationId(Long organizationId) {
        this.organizationId = organizationId;
    }

    public String getTitle() {
        return title;
    }

    public void setTitle(String title) {
        this.title = title;
    }

    public String getStatus() {
        return status;
    }

    public void setStatus(String status) {
        this.status = status;
    }

    public String getAssignee() {
        return assignee;
    }

    public void setAssignee(String assignee) {
        this.assignee = assignee;
    }

    public String getNotes() {
        return notes;
    }

    public void setNotes(String notes) {
        this.notes = notes;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }

    public boolean isDone() {
        return DONE.equalsIgnoreCase(status);
    }

    @Override
    public String toString() {
        return "Task[" + id + " of " + organizationId + ": " + title + " (" + status + ")]";
    }
}
