package org.vaadin.addons.livesync;

import java.util.Map;

import org.vaadin.addons.livesync.Watched;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;

/** A tenant's row with an optimistic-locking version column, for the form tests. */
@Entity
@Table(name = "versioned_item", schema = "live_view_test")
@Watched(subscriptionKey = "tenant")
public class VersionedItem {

    /** Its table, for {@link LiveTestEnvironment#LiveTestEnvironment(String, Map)}. */
    static final Map.Entry<String, String> TABLE = Map.entry("versioned_item", "(id bigserial PRIMARY KEY, "
            + "tenant bigint, title text NOT NULL, notes text, version integer NOT NULL DEFAULT 0)");

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    private Long tenant;
    private String title;
    private String notes;
    @Version
    private int version;

    public Long getId() {
        return id;
    }

    public Long getTenant() {
        return tenant;
    }

    public void setTenant(Long tenant) {
        this.tenant = tenant;
    }

    public String getTitle() {
        return title;
    }

    public void setTitle(String title) {
        this.title = title;
    }

    public String getNotes() {
        return notes;
    }

    public void setNotes(String notes) {
        this.notes = notes;
    }

    public int getVersion() {
        return version;
    }

    @Override
    public String toString() {
        return "VersionedItem[" + id + ", tenant " + tenant + ", " + title + ", v" + version + "]";
    }
}
