package org.vaadin.addons.livesync.convergence;

import org.vaadin.addons.livesync.Watched;

import jakarta.persistence.Entity;
import jakarta.persistence.Table;

/** A row of the table with REPLICA IDENTITY FULL (old values in the WAL). */
@Entity
@Table(name = "row_full", schema = "conv_test")
@Watched(subscriptionKey = "tenant")
public class FullRow extends TenantRow {
}
