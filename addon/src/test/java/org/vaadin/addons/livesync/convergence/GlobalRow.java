package org.vaadin.addons.livesync.convergence;

import org.vaadin.addons.livesync.Watched;

import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** Reference data without a tenant (REPLICA IDENTITY DEFAULT): every view of every tenant may see every row. */
@Entity
@Table(name = "row_global", schema = "conv_test")
@Watched(global = true)
public class GlobalRow {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    private String title;
    private String notes;

    public Long getId() {
        return id;
    }

    public String getTitle() {
        return title;
    }

    /** What a view must show of this row: id, title and the notes' hash. */
    public String fingerprint() {
        return id + "|" + title + "|" + (notes == null ? "null" : notes.length() + ":" + notes.hashCode());
    }
}
