package org.vaadin.addons.livesync.internal.capture;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vaadin.addons.livesync.CaptureSettings;
import org.vaadin.addons.livesync.SlotCleanup;
import org.vaadin.addons.livesync.internal.decode.Lsn;

/**
 * Drops the permanent slots that LiveSync nodes left behind (a node crashed or was removed and
 * never comes back for its slot, which would retain WAL on the primary), as its
 * {@link SlotCleanup} says: logical {@code pgoutput} slots of this database, not temporary, named
 * with the prefix, not this node's, not active, idle for {@code inactiveFor}. "Idle" is the
 * server's {@code inactive_since} on PostgreSQL 17+; before, a slot counts as idle once this
 * janitor has seen it inactive, at the same confirmed position, for that long (a slot seen active
 * or moved starts over). The drop itself names the slot and requires it inactive in one
 * statement, and the server refuses to drop a slot a connection took up meanwhile: a slot in use
 * is never dropped. Runs on a daemon thread of its own with a connection of its own to the server
 * the slots are on (the replication source); thread-safe.
 */
final class SlotJanitor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SlotJanitor.class);
    private static final Duration MIN_PERIOD = Duration.ofMillis(100);
    private static final Duration MAX_PERIOD = Duration.ofMinutes(1);

    private final CaptureSettings settings;
    private final SlotCleanup cleanup;
    private final LongSupplier clock;
    private final BackgroundTask task;
    /** Slot name → [confirmed position, first seen idle (clock nanos)]; the task thread's own. */
    private final Map<String, long[]> idle = new HashMap<>();
    private final AtomicLong dropped = new AtomicLong();

    SlotJanitor(CaptureSettings settings) {
        this(settings, System::nanoTime);
    }

    SlotJanitor(CaptureSettings settings, LongSupplier clock) {
        this.settings = settings;
        this.cleanup = settings.slotCleanup();
        this.clock = clock;
        this.task = new BackgroundTask("livesync-slot-janitor-" + settings.slotName(), settings,
                Connections.Server.REPLICATION_SOURCE);
    }

    /** Starts looking, about twice per {@code inactiveFor}; does nothing when the cleanup is off. */
    void start() {
        if (cleanup.enabled()) {
            Duration half = cleanup.inactiveFor().dividedBy(2);
            Duration period = half.compareTo(MIN_PERIOD) < 0 ? MIN_PERIOD
                    : half.compareTo(MAX_PERIOD) > 0 ? MAX_PERIOD : half;
            task.every(period, this::sweep);
        }
    }

    /** {@return how many slots this janitor dropped} */
    long dropped() {
        return dropped.get();
    }

    private void sweep() {
        try {
            Connection connection = task.connection().get();
            for (String slot : idleSlots(connection)) {
                drop(connection, slot);
            }
        } catch (SQLException | RuntimeException e) {
            LOG.debug("LiveSync could not look for replication slots left behind: {}", e.toString());
            task.connection().close();
        }
    }

    /** The candidate slots that have been idle for long enough. */
    private Set<String> idleSlots(Connection connection) throws SQLException {
        boolean serverKnows = connection.getMetaData().getDatabaseMajorVersion() >= 17;
        String sql = "SELECT slot_name, active, confirmed_flush_lsn::text, "
                + (serverKnows ? "extract(epoch FROM now() - inactive_since) * 1000" : "NULL")
                + " FROM pg_replication_slots WHERE slot_type = 'logical' AND plugin = 'pgoutput'"
                + " AND database = current_database() AND NOT temporary AND starts_with(slot_name, ?)"
                + " AND slot_name <> ?";
        long now = clock.getAsLong();
        Set<String> due = new HashSet<>();
        Set<String> seen = new HashSet<>();
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            s.setString(1, cleanup.prefix());
            s.setString(2, settings.slotName() == null ? "" : settings.slotName());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    String slot = rs.getString(1);
                    seen.add(slot);
                    if (rs.getBoolean(2)) {
                        idle.remove(slot);
                        continue;
                    }
                    if (serverKnows && rs.getObject(4) != null) {
                        if (rs.getDouble(4) >= cleanup.inactiveFor().toMillis()) {
                            due.add(slot);
                        }
                        continue;
                    }
                    long position = rs.getString(3) == null ? 0 : Lsn.valueOf(rs.getString(3)).asLong();
                    long[] since = idle.get(slot);
                    if (since == null || since[0] != position) {
                        idle.put(slot, new long[] {position, now});
                    } else if (now - since[1] >= cleanup.inactiveFor().toNanos()) {
                        due.add(slot);
                    }
                }
            }
        }
        idle.keySet().retainAll(seen);
        return due;
    }

    private void drop(Connection connection, String slot) {
        try (PreparedStatement s = connection.prepareStatement("SELECT pg_drop_replication_slot(slot_name),"
                + " pg_size_pretty(" + Sql.WAL_END + " - restart_lsn) FROM pg_replication_slots"
                + " WHERE slot_name = ? AND NOT active AND NOT temporary")) {
            s.setString(1, slot);
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next()) {
                    dropped.incrementAndGet();
                    LOG.warn("LiveSync dropped replication slot {}: no node has streamed from it for {} (a node that"
                            + " crashed or was removed left it; it retained {} of WAL). Slots whose names start with"
                            + " {} are cleaned up so; set another prefix or turn the cleanup off in the settings",
                            slot, cleanup.inactiveFor(), rs.getString(2), cleanup.prefix());
                }
            }
        } catch (SQLException e) {
            // taken up again meanwhile (the server refuses to drop a slot in use), or dropped by another node
            LOG.debug("LiveSync did not drop replication slot {}: {}", slot, e.getMessage());
        } finally {
            idle.remove(slot);
        }
    }

    @Override
    public void close() {
        task.close();
    }
}
