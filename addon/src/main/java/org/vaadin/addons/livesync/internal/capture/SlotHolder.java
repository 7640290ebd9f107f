package org.vaadin.addons.livesync.internal.capture;

import org.vaadin.addons.livesync.CaptureSettings;
import org.vaadin.addons.livesync.PreflightProblem;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import org.vaadin.addons.livesync.PreflightProblem.Kind;

/**
 * The backend that streams a replication slot, as {@code pg_replication_slots} and
 * {@code pg_stat_activity} show it. A walsender whose {@code application_name} carries a listener's
 * instance id is that listener's own connection. Immutable.
 *
 * @param pid             the walsender's process id
 * @param applicationName its {@code application_name}; null when this role may not see it
 * @param clientAddress   its client's address; null for a Unix socket or when hidden
 */
record SlotHolder(int pid, String applicationName, String clientAddress) {

    /** The backend streaming {@code slot}, or null when none does (the slot is free or gone). */
    static SlotHolder find(CaptureSettings settings, String slot) throws SQLException {
        try (Connection sql = Connections.sql(settings, Connections.Server.REPLICATION_SOURCE);
             PreparedStatement s = sql.prepareStatement("""
                     SELECT s.active_pid, a.application_name, host(a.client_addr)
                       FROM pg_replication_slots s LEFT JOIN pg_stat_activity a ON a.pid = s.active_pid
                      WHERE s.slot_name = ? AND s.active_pid IS NOT NULL""")) {
            s.setString(1, slot);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? new SlotHolder(rs.getInt(1), rs.getString(2), rs.getString(3)) : null;
            }
        }
    }

    /** Whether this is a connection of the listener with {@code instanceId}. */
    boolean isOurs(String instanceId) {
        return applicationName != null && applicationName.startsWith(ReplicationSession.applicationNamePrefix(instanceId));
    }

    /** Ends the walsender (waiting up to 5 s); returns whether it ended. */
    boolean terminate(CaptureSettings settings) throws SQLException {
        try (Connection sql = Connections.sql(settings, Connections.Server.REPLICATION_SOURCE);
             PreparedStatement s = sql.prepareStatement("SELECT pg_terminate_backend(?, 5000)")) {
            s.setInt(1, pid);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** The configuration problem of a slot held by another connection. */
    PreflightProblem inUse(String slot) {
        return new PreflightProblem(Kind.SLOT_IN_USE,
                "The replication slot " + slot + " is used by another connection (pid " + pid + ", application_name "
                        + (applicationName == null ? "not visible to this role" : "'" + applicationName + "'")
                        + ", client address " + (clientAddress == null ? "local or not visible" : clientAddress)
                        + "): are two nodes configured with the same slot name?",
                "Give each application node its own livesync.slot.name (CaptureSettings.withSlotName). If that "
                        + "connection is a dead one the server has not noticed yet, it ends by itself within "
                        + "wal_sender_timeout; LiveSync keeps retrying.");
    }
}
