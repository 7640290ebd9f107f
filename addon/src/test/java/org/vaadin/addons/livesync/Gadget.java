package org.vaadin.addons.livesync;

import org.vaadin.addons.livesync.Watched;

import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** A tenant's row with an enum column, for rows that another program can make unreadable. */
@Entity
@Table(name = "gadget", schema = "live_view_test")
@Watched(subscriptionKey = "tenant")
public class Gadget {

    /** The kinds the application knows; an outside writer may store others. */
    public enum Kind { SMALL, LARGE }

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    private Long tenant;
    private String title;
    @Enumerated(EnumType.STRING)
    private Kind kind;

    public Long getId() {
        return id;
    }

    public Long getTenant() {
        return tenant;
    }

    public String getTitle() {
        return title;
    }

    public Kind getKind() {
        return kind;
    }

    @Override
    public String toString() {
        return "Gadget[" + id + ", tenant " + tenant + ", " + title + ", " + kind + "]";
    }
}
