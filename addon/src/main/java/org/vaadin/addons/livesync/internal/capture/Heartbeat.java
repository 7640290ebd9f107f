package org.vaadin.addons.livesync.internal.capture;

import org.vaadin.addons.livesync.CaptureSettings;
import org.vaadin.addons.livesync.PreflightProblem;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vaadin.addons.livesync.PreflightProblem.Kind;
import org.vaadin.addons.livesync.internal.decode.Lsn;

/**
 * Writes a small non-transactional logical message at a fixed interval on a connection of its own
 * thread, and remembers when and at which position the last one was written. The message comes
 * back through the replication stream, which both lets the slot confirm past unrelated WAL and
 * proves the stream alive.
 * <p>
 * A write the server refuses (EXECUTE on {@code pg_logical_emit_message} revoked, a read-only
 * connection or a standby) turns stall detection off: it is logged at WARN once and offered as
 * {@link #problem()} until a heartbeat is written again (logged at INFO). A write that fails because
 * the server is away is only logged at DEBUG: the stream reconnects anyway. Thread-safe.
 */
final class Heartbeat implements AutoCloseable {

    static final String PREFIX = "livesync.heartbeat";
    static final String FUNCTION = "pg_logical_emit_message(boolean, text, text)";
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);

    /** A heartbeat written: when ({@link System#nanoTime()}) and where its WAL record ends. */
    record Beat(long nanos, Lsn lsn) {
    }

    private final CaptureSettings settings;
    private final BooleanSupplier active;
    private final BackgroundTask task;
    private volatile Beat last;
    private volatile PreflightProblem problem;

    Heartbeat(CaptureSettings settings, BooleanSupplier active) {
        this.settings = settings;
        this.active = active;
        this.task = new BackgroundTask("livesync-heartbeat-" + settings.slotName(), settings,
                Connections.Server.PRIMARY);
    }

    void start() {
        task.every(settings.heartbeatInterval(), this::beat);
    }

    /** The last heartbeat written; null when none yet. */
    Beat last() {
        return last;
    }

    /** Why heartbeats cannot be written (stall detection is off); null while they can. */
    PreflightProblem problem() {
        return problem;
    }

    private void beat() {
        if (!active.getAsBoolean()) {
            return;
        }
        try {
            last = new Beat(System.nanoTime(), write());
            LOG.trace("Heartbeat written for slot {}", settings.slotName());
            if (problem != null) {
                problem = null;
                LOG.info("LiveSync heartbeats are written again (slot {}): stall detection is on", settings.slotName());
            }
        } catch (SQLException e) {
            LOG.debug("LiveSync heartbeat not written: {}", e.toString());
            task.connection().close();
            if (!Preflight.isServerAway(e) && !"57014".equals(e.getSQLState())) {
                refused(e); // not a passing fault (the server away, a write that timed out)
            }
        } catch (RuntimeException e) {
            LOG.debug("LiveSync heartbeat not written: {}", e.toString());
            task.connection().close();
        }
    }

    /** Writes a heartbeat; returns where its WAL record ends. */
    private Lsn write() throws SQLException {
        try (PreparedStatement s = task.connection().get().prepareStatement(
                "SELECT pg_logical_emit_message(false, ?, ?)::text")) {
            s.setQueryTimeout((int) Math.max(1, settings.heartbeatInterval().toSeconds()));
            s.setString(1, PREFIX);
            s.setString(2, settings.slotName());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return Lsn.valueOf(rs.getString(1));
            }
        }
    }

    private void refused(SQLException e) {
        if (problem != null) {
            return;
        }
        String user = String.valueOf(settings.user());
        problem = new PreflightProblem(Kind.HEARTBEAT_FAILING,
                "LiveSync cannot write its heartbeat (" + FUNCTION + ") as " + user + ": " + e.getMessage()
                        + ". So stall detection is off: a replication connection that silently stops delivering is "
                        + "noticed only when the server drops it (wal_sender_timeout) or a write to it fails.",
                "42501".equals(e.getSQLState())
                        ? "As a superuser run GRANT EXECUTE ON FUNCTION " + FUNCTION + " TO " + Sql.quote(user) + ";"
                        : "25006".equals(e.getSQLState())
                                ? "Connect LiveSync to the primary server: heartbeats cannot be written on a standby "
                                        + "or a read-only connection (to stream from a standby, set it as "
                                        + "livesync.replication.url and keep livesync.url the primary's)."
                                : "Make " + FUNCTION + " callable for " + user + ".");
        LOG.warn("{} Fix: {}", problem.message(), problem.fix());
    }

    @Override
    public void close() {
        task.close();
    }
}
