package org.vaadin.addons.livesync.internal.capture;

import org.vaadin.addons.livesync.CaptureSettings;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import org.vaadin.addons.livesync.internal.decode.Lsn;

/**
 * Asks the server, on an ordinary SQL connection, what the walsender of a stream that has been
 * silent is doing: busy (decoding a large transaction, reading WAL) or idle although our heartbeat
 * was flushed (on a standby: replayed) — then the heartbeat was sent and never arrived, and the
 * connection is dead. Asks the server the slot is on. Uses
 * {@code pg_stat_activity}, which shows a role its own backends in full (unlike
 * {@code pg_stat_replication}, whose positions only privileged roles see).
 * <p>
 * Not thread-safe: the reader thread's own.
 */
final class WalsenderProbe implements AutoCloseable {

    /** What the probe found; {@code why} says it in words for the log. */
    record Answer(boolean stalled, String why) {
    }

    private final OwnConnection connection;

    WalsenderProbe(CaptureSettings settings) {
        this.connection = new OwnConnection(settings, Connections.Server.REPLICATION_SOURCE);
    }

    /** Asks about the walsender {@code pid}, which should have sent the heartbeat ending at {@code beat}. */
    Answer ask(int pid, Lsn beat) {
        try (PreparedStatement s = connection.get().prepareStatement("""
                SELECT wait_event_type, wait_event, %s >= ?::pg_lsn
                  FROM pg_stat_activity WHERE pid = ?""".formatted(Sql.WAL_END))) {
            s.setQueryTimeout(5);
            s.setString(1, beat.toString());
            s.setInt(2, pid);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return new Answer(true, "its walsender (pid " + pid + ") is gone");
                }
                String type = rs.getString(1);
                String event = rs.getString(2);
                boolean flushed = rs.getBoolean(3);
                if ("WalSenderWriteData".equalsIgnoreCase(event)) {
                    return new Answer(true, "its walsender (pid " + pid + ") cannot write to the connection");
                }
                boolean idle = "Activity".equals(type) || "Client".equals(type);
                if (idle && flushed) {
                    return new Answer(true, "its walsender (pid " + pid + ") is idle (" + event
                            + ") although it had the heartbeat at " + beat + " to send");
                }
                return new Answer(false, "its walsender (pid " + pid + ") is busy ("
                        + (event == null ? "running" : type + "/" + event) + ")");
            }
        } catch (SQLException e) {
            close();
            return new Answer(true, "the server could not be asked about it: " + e.getMessage());
        }
    }

    /** Closes the connection; the next question opens a new one. Idempotent. */
    @Override
    public void close() {
        connection.close();
    }
}
