package org.vaadin.addons.livesync.internal.capture;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vaadin.addons.livesync.CaptureSettings;

/**
 * While a slot is being created on a standby, asks the primary to log its running transactions,
 * every half second: a standby's slot becomes consistent only at such a record, which an idle
 * primary otherwise writes rarely (its background writer logs one at most every 15 s, and only
 * after other WAL). Uses {@code pg_log_standby_snapshot()} (PostgreSQL 16+, superuser or EXECUTE
 * granted); when that is refused, writes a heartbeat message instead, a little WAL after which the
 * background writer logs the record within 15 s. Runs on a daemon thread of its own with a
 * connection of its own to the primary, from construction until {@link #close()}; thread-safe.
 */
final class SnapshotNudge implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SnapshotNudge.class);
    private static final Duration EVERY = Duration.ofMillis(500);

    private final CaptureSettings settings;
    private final BackgroundTask task;
    private volatile boolean refused;

    private SnapshotNudge(CaptureSettings settings) {
        this.settings = settings;
        this.task = new BackgroundTask("livesync-standby-snapshot-" + settings.slotName(), settings,
                Connections.Server.PRIMARY);
        task.every(EVERY, this::nudge);
    }

    /** Starts nudging the primary of {@code settings}; close it once the slot exists. */
    static SnapshotNudge start(CaptureSettings settings) {
        return new SnapshotNudge(settings);
    }

    private void nudge() {
        try {
            if (!refused) {
                try (PreparedStatement s = task.connection().get().prepareStatement("SELECT pg_log_standby_snapshot()")) {
                    s.execute();
                    return;
                } catch (SQLException e) {
                    if (Preflight.isServerAway(e)) {
                        throw e;
                    }
                    refused = true;
                    LOG.info("LiveSync cannot ask the primary to log its running transactions ({}); creating the slot"
                            + " {} on the standby waits for the primary's own record (up to about 15 s). Fix: as a"
                            + " superuser GRANT EXECUTE ON FUNCTION pg_log_standby_snapshot() TO {};", e.getMessage(),
                            settings.slotName(), Sql.quote(String.valueOf(settings.user())));
                }
            }
            try (PreparedStatement s = task.connection().get().prepareStatement(
                    "SELECT pg_logical_emit_message(false, ?, ?)")) {
                s.setString(1, Heartbeat.PREFIX);
                s.setString(2, settings.slotName());
                s.execute();
            }
        } catch (SQLException | RuntimeException e) {
            LOG.debug("LiveSync could not nudge the primary for a standby snapshot: {}", e.toString());
            task.connection().close();
        }
    }

    @Override
    public void close() {
        task.close();
    }
}
