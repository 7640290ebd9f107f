package org.vaadin.addons.livesync.convergence;

import org.vaadin.addons.livesync.Watched;

import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** A row of the table with REPLICA IDENTITY DEFAULT (deletes and moves carry only the id). */
@Entity
@Table(name = "row_default", schema = "conv_test")
@Watched(subscriptionKey = "tenant")
public class DefaultRow extends TenantRow {
}
