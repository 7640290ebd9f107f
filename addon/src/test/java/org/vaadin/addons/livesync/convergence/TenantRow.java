package org.vaadin.addons.livesync.convergence;

import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;

/** The columns both convergence tables share. */
@MappedSuperclass
public abstract class TenantRow {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    private Long tenant;
    private String title;
    private String notes;

    public Long getId() {
        return id;
    }

    public Long getTenant() {
        return tenant;
    }

    public String getTitle() {
        return title;
    }

    public String getNotes() {
        return notes;
    }

    /** For a form that binds the id (a natural key edited in the form): what a save must refuse to write. */
    public void setId(Long id) {
        this.id = id;
    }

    /** For a form that binds the subscription key: what a save must refuse to write. */
    public void setTenant(Long tenant) {
        this.tenant = tenant;
    }

    public void setTitle(String title) {
        this.title = title;
    }

    /** What a view must show of this row: id, tenant, title and the notes' hash. */
    public String fingerprint() {
        return id + "|" + tenant + "|" + title + "|" + (notes == null ? "null" : notes.length() + ":" + notes.hashCode());
    }
}
