package org.vaadin.addons.livesync.capture;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;

import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.postgresql.replication.ReplicationSlotInfo;
import org.vaadin.addons.livesync.decode.Lsn;

/**
 * One replication connection's life: opens it, creates (or finds) the slot, starts the pgoutput
 * stream and reads it. pgjdbc's stream is not thread-safe: only the reader thread calls this,
 * except {@link #abort()}, which may come from any thread to break it off.
 */
final class ReplicationSession implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicationSession.class);

    private final CaptureSettings settings;
    private final Connection connection;
    private final PGReplicationStream stream;
    private final Lsn startLsn;
    private Lsn flushed = Lsn.INVALID;

    private ReplicationSession(CaptureSettings settings, Connection connection, PGReplicationStream stream,
                               Lsn startLsn) {
        this.settings = settings;
        this.connection = connection;
        this.stream = stream;
        this.startLsn = startLsn;
    }

    /**
     * Connects, creates the slot when needed, and starts streaming from the slot's position. When
     * our own slot is still held by an earlier connection of ours that the server has not noticed
     * to be dead (after a network stall), that walsender is terminated and the open tried again.
     */
    static ReplicationSession open(CaptureSettings settings) throws SQLException {
        try {
            return tryOpen(settings);
        } catch (SQLException e) {
            if (!("42710".equals(e.getSQLState()) || "55006".equals(e.getSQLState()))
                    || !terminateHolder(settings)) {
                throw e;
            }
            return tryOpen(settings);
        }
    }

    /** Terminates the backend that holds our slot; returns whether there was one. */
    private static boolean terminateHolder(CaptureSettings settings) throws SQLException {
        try (Connection sql = DriverManager.getConnection(settings.jdbcUrl(), settings.sqlProperties());
             PreparedStatement s = sql.prepareStatement(
                     "SELECT pg_terminate_backend(active_pid, 5000) FROM pg_replication_slots"
                             + " WHERE slot_name = ? AND active_pid IS NOT NULL")) {
            s.setString(1, settings.slotName());
            try (ResultSet rs = s.executeQuery()) {
                boolean any = false;
                while (rs.next()) {
                    any = true;
                }
                if (any) {
                    LOG.info("Took over replication slot {} from a stale connection of ours", settings.slotName());
                }
                return any;
            }
        }
    }

    private static ReplicationSession tryOpen(CaptureSettings settings) throws SQLException {
        Connection connection = DriverManager.getConnection(settings.jdbcUrl(), settings.replicationProperties());
        try {
            PGConnection pg = connection.unwrap(PGConnection.class);
            Lsn start = settings.temporarySlot() ? createTemporarySlot(pg, settings) : ensurePermanentSlot(pg, settings);
            PGReplicationStream stream = pg.getReplicationAPI().replicationStream().logical()
                    .withSlotName(settings.slotName())
                    .withStartPosition(start.toPg())
                    .withSlotOption("proto_version", "1")
                    .withSlotOption("publication_names", Sql.quote(settings.publication()))
                    .withSlotOption("messages", "true")
                    .withStatusInterval((int) settings.statusInterval().toMillis(), TimeUnit.MILLISECONDS)
                    .withAutomaticFlush(false)
                    .start();
            return new ReplicationSession(settings, connection, stream, start);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
    }

    private static Lsn createTemporarySlot(PGConnection pg, CaptureSettings settings) throws SQLException {
        ReplicationSlotInfo slot = pg.getReplicationAPI().createReplicationSlot().logical()
                .withSlotName(settings.slotName())
                .withOutputPlugin("pgoutput")
                .withTemporaryOption()
                .make();
        return Lsn.of(slot.getConsistentPoint());
    }

    private static Lsn ensurePermanentSlot(PGConnection pg, CaptureSettings settings) throws SQLException {
        try (Connection sql = DriverManager.getConnection(settings.jdbcUrl(), settings.sqlProperties());
             PreparedStatement s = sql.prepareStatement(
                     "SELECT confirmed_flush_lsn::text FROM pg_replication_slots WHERE slot_name = ? AND database = current_database()")) {
            s.setString(1, settings.slotName());
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    String confirmed = rs.getString(1);
                    return confirmed == null ? Lsn.INVALID : Lsn.valueOf(confirmed);
                }
            }
        }
        ReplicationSlotInfo slot = pg.getReplicationAPI().createReplicationSlot().logical()
                .withSlotName(settings.slotName())
                .withOutputPlugin("pgoutput")
                .make();
        return Lsn.of(slot.getConsistentPoint());
    }

    /** Where this stream started. */
    Lsn startLsn() {
        return startLsn;
    }

    /** The next message, or null when none is waiting. Sends a due status update on the way. */
    ByteBuffer readPending() throws SQLException {
        return stream.readPending();
    }

    /** The last position the server reported: a message's start or a keep-alive's WAL end. */
    Lsn lastReceived() {
        LogSequenceNumber lsn = stream.getLastReceiveLSN();
        return lsn == null ? Lsn.INVALID : Lsn.of(lsn);
    }

    /** What was last confirmed to the server. */
    Lsn flushed() {
        return flushed;
    }

    /**
     * Confirms everything up to {@code lsn} as handled, so the server may recycle that WAL; sent with
     * the next status update (or now, when {@code now}).
     */
    void confirm(Lsn lsn, boolean now) throws SQLException {
        if (!lsn.isAfter(flushed)) {
            return;
        }
        flushed = lsn;
        stream.setFlushedLSN(lsn.toPg());
        stream.setAppliedLSN(lsn.toPg());
        if (now) {
            stream.forceUpdateStatus();
        }
    }

    /** Sends a status update now: the keep-alive while the reader waits. */
    void keepAlive() throws SQLException {
        stream.forceUpdateStatus();
    }

    /**
     * Closes the socket at once, without the goodbye that {@link #close()} waits for: for a stream
     * that stalled or must stop now. The server drops a temporary slot when it notices. Idempotent;
     * may be called from any thread.
     */
    void abort() {
        try {
            connection.abort(Runnable::run);
        } catch (SQLException | RuntimeException e) {
            // nothing more to do
        }
    }

    /** Closes the stream and the connection; a temporary slot is then dropped by the server. Idempotent. */
    @Override
    public void close() {
        try {
            if (!stream.isClosed()) {
                stream.close();
            }
        } catch (SQLException | RuntimeException e) {
            // the connection is going away anyway
        }
        closeQuietly(connection);
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException | RuntimeException e) {
            // nothing to do
        }
    }

    @Override
    public String toString() {
        return "ReplicationSession[slot " + settings.slotName() + " from " + startLsn + "]";
    }
}
