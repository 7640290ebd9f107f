package org.vaadin.addons.livesync.internal.capture;

import org.vaadin.addons.livesync.CaptureSettings;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;

import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.postgresql.replication.ReplicationSlotInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vaadin.addons.livesync.internal.decode.Lsn;

/**
 * One replication connection's life: opens it (to the {@linkplain Connections.Server#REPLICATION_SOURCE
 * replication source}, where the slot and its queries go), identifies the server, creates (or
 * finds) the slot, starts the pgoutput stream and reads it. The connection's {@code application_name} is
 * {@code livesync:<instance id>:<slot>} (at most 63 characters, the id first), so that the
 * listener can tell its own connections from anybody else's. pgjdbc's stream is not thread-safe:
 * only the reader thread calls this, except {@link #abort()}, which may come from any thread to
 * break it off.
 */
final class ReplicationSession implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicationSession.class);
    private static final int MAX_APPLICATION_NAME = 63;

    /**
     * Which WAL history a server writes: positions of two streams are comparable only when both are
     * the same. Immutable.
     *
     * @param systemId the cluster's system identifier (from {@code initdb}; a restore or a new
     *                 cluster has another)
     * @param timeline the timeline (a promoted standby or a point-in-time restore starts a new one)
     */
    record ServerHistory(String systemId, int timeline) {
    }

    private final CaptureSettings settings;
    private final Connection connection;
    private final PGReplicationStream stream;
    private final Lsn startLsn;
    private final ServerHistory history;
    private final String serverStarted;
    private final boolean createdSlot;
    private Lsn flushed;

    private ReplicationSession(CaptureSettings settings, Connection connection, PGReplicationStream stream,
                               Lsn startLsn, ServerHistory history, String serverStarted, boolean createdSlot) {
        this.settings = settings;
        this.connection = connection;
        this.stream = stream;
        this.startLsn = startLsn;
        this.history = history;
        this.serverStarted = serverStarted;
        this.createdSlot = createdSlot;
        this.flushed = startLsn;
    }

    /** The {@code application_name} of the listener {@code instanceId}'s connections for {@code slot}. */
    static String applicationName(String instanceId, String slot) {
        String name = applicationNamePrefix(instanceId) + slot;
        return name.length() > MAX_APPLICATION_NAME ? name.substring(0, MAX_APPLICATION_NAME) : name;
    }

    /** How every {@code application_name} of the listener {@code instanceId} begins. */
    static String applicationNamePrefix(String instanceId) {
        return "livesync:" + instanceId + ":";
    }

    /**
     * Connects, creates the slot when needed, and starts streaming from the slot's position. When the
     * slot is held by an earlier connection of this listener that the server has not noticed to be
     * dead (after a network stall), that walsender is terminated and the open tried again; a holder
     * that is not ours is left alone.
     *
     * @throws SlotInUseException when another connection holds the slot
     */
    static ReplicationSession open(CaptureSettings settings, String instanceId) throws SQLException {
        try {
            return tryOpen(settings, instanceId);
        } catch (SQLException e) {
            if (!("42710".equals(e.getSQLState()) || "55006".equals(e.getSQLState()))) {
                throw e;
            }
            SlotHolder holder = SlotHolder.find(settings, settings.slotName());
            if (holder == null) {
                throw e; // released meanwhile (e.g. a temporary slot being dropped): try again soon
            }
            if (!holder.isOurs(instanceId)) {
                throw new SlotInUseException(holder.inUse(settings.slotName()), e);
            }
            if (holder.terminate(settings)) {
                LOG.info("Took over replication slot {} from a stale connection of ours (pid {})", settings.slotName(),
                        holder.pid());
            }
            return tryOpen(settings, instanceId);
        }
    }

    private static ReplicationSession tryOpen(CaptureSettings settings, String instanceId) throws SQLException {
        Connection connection = Connections.replication(settings, applicationName(instanceId, settings.slotName()));
        try {
            PGConnection pg = connection.unwrap(PGConnection.class);
            ServerHistory history = identify(connection);
            String serverStarted = serverStarted(connection);
            Lsn start;
            boolean created;
            if (settings.temporarySlot()) {
                start = createSlot(connection, settings, true);
                created = true;
            } else {
                Lsn existing = permanentSlotPosition(settings);
                if (existing != null && !existing.isValid()) {
                    dropLostSlot(settings);
                    existing = null;
                }
                created = existing == null;
                start = created ? createSlot(connection, settings, false) : existing;
            }
            PGReplicationStream stream = pg.getReplicationAPI().replicationStream().logical()
                    .withSlotName(settings.slotName())
                    .withStartPosition(start.toPg())
                    .withSlotOption("proto_version", "1")
                    .withSlotOption("publication_names", Sql.quote(settings.publication()))
                    .withSlotOption("messages", "true")
                    .withStatusInterval((int) settings.statusInterval().toMillis(), TimeUnit.MILLISECONDS)
                    .withAutomaticFlush(false)
                    .start();
            return new ReplicationSession(settings, connection, stream, start, history, serverStarted, created);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
    }

    /** {@code IDENTIFY_SYSTEM} on the replication connection. */
    private static ServerHistory identify(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("IDENTIFY_SYSTEM")) {
            rs.next();
            return new ServerHistory(rs.getString("systemid"), rs.getInt("timeline"));
        }
    }

    /**
     * When the server's postmaster started ({@code pg_postmaster_start_time()} as text, SQL on the
     * logical replication connection), or null when it cannot be told: it changes with every
     * restart, which the WAL history does not.
     */
    private static String serverStarted(Connection connection) {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_postmaster_start_time()::text")) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            LOG.debug("Could not read when the server started: {}", e.toString());
            return null;
        }
    }

    /**
     * Creates the slot. On a standby the creation waits for the primary's next record of its running
     * transactions, which a {@link SnapshotNudge} asks for meanwhile, so that an idle primary does
     * not keep it waiting.
     */
    private static Lsn createSlot(Connection connection, CaptureSettings settings, boolean temporary)
            throws SQLException {
        var builder = connection.unwrap(PGConnection.class).getReplicationAPI().createReplicationSlot().logical()
                .withSlotName(settings.slotName())
                .withOutputPlugin("pgoutput");
        if (!Connections.separateSource(settings) || !inRecovery(connection)) {
            return Lsn.of((temporary ? builder.withTemporaryOption() : builder).make().getConsistentPoint());
        }
        try (SnapshotNudge nudge = SnapshotNudge.start(settings)) {
            ReplicationSlotInfo slot = (temporary ? builder.withTemporaryOption() : builder).make();
            return Lsn.of(slot.getConsistentPoint());
        }
    }

    /** Whether the server of this replication connection is a standby (SQL runs on a logical one). */
    private static boolean inRecovery(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT pg_is_in_recovery()")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /**
     * Where the existing permanent slot resumes; null when there is no such slot, {@link Lsn#INVALID}
     * when the server invalidated it ({@code wal_status = 'lost'}: it fell behind by more than
     * {@code max_slot_wal_keep_size}) and it can never stream again.
     */
    private static Lsn permanentSlotPosition(CaptureSettings settings) throws SQLException {
        try (Connection sql = Connections.sql(settings, Connections.Server.REPLICATION_SOURCE);
             PreparedStatement s = sql.prepareStatement("SELECT confirmed_flush_lsn::text, wal_status"
                     + " FROM pg_replication_slots WHERE slot_name = ? AND database = current_database()")) {
            s.setString(1, settings.slotName());
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                String confirmed = rs.getString(1);
                return confirmed == null || "lost".equals(rs.getString(2)) ? Lsn.INVALID : Lsn.valueOf(confirmed);
            }
        }
    }

    /**
     * Drops our permanent slot that the server invalidated, so that a new one can be made: the
     * changes it retained are gone, the new stream starts a new history and the views reload.
     */
    private static void dropLostSlot(CaptureSettings settings) throws SQLException {
        LOG.warn("LiveSync replication slot {} was invalidated by the server (it fell behind by more than"
                + " max_slot_wal_keep_size): dropping it and creating it again; open views reload",
                settings.slotName());
        try (Connection sql = Connections.sql(settings, Connections.Server.REPLICATION_SOURCE);
             PreparedStatement s = sql.prepareStatement("SELECT pg_drop_replication_slot(slot_name)"
                     + " FROM pg_replication_slots WHERE slot_name = ? AND database = current_database() AND NOT active")) {
            s.setString(1, settings.slotName());
            s.execute();
        }
    }

    /** Where this stream started. */
    Lsn startLsn() {
        return startLsn;
    }

    /** The WAL history of the server this stream reads. */
    ServerHistory history() {
        return history;
    }

    /** When the server this stream reads started (its postmaster), or null when it could not be told. */
    String serverStarted() {
        return serverStarted;
    }

    /** Whether opening this session created the slot (a temporary slot always is). */
    boolean createdSlot() {
        return createdSlot;
    }

    /** The process id of this connection's walsender on the server. */
    int backendPid() {
        try {
            return connection.unwrap(PGConnection.class).getBackendPID();
        } catch (SQLException e) {
            return 0;
        }
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

    /** What was last confirmed to the server; the start position before the first confirmation. */
    Lsn flushed() {
        return flushed;
    }

    /**
     * Confirms everything up to {@code lsn} as handled, so the server may recycle that WAL; sent with
     * the next status update (or now, when {@code now}). Positions not after the last confirmed one
     * (or the start) are ignored.
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

    /**
     * Sends a status update now: the keep-alive while the reader waits, and the probe of an idle
     * connection — pgjdbc's non-blocking read does not notice a connection the server closed, a
     * write does.
     */
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
