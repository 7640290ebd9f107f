package org.vaadin.addons.livesync.capture;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a small non-transactional logical message at a fixed interval on a connection of its own
 * thread, and remembers when the last one was written. The message comes back through the
 * replication stream, which both lets the slot confirm past unrelated WAL and proves the stream
 * alive. A failed write is logged at debug and retried on a new connection next time: a database
 * that cannot be written to simply gets no stall detection. Thread-safe.
 */
final class Heartbeat implements AutoCloseable {

    static final String PREFIX = "livesync.heartbeat";
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);

    private final CaptureSettings settings;
    private final BooleanSupplier active;
    private final ScheduledExecutorService scheduler;
    private volatile long lastWrittenNanos;
    private Connection connection;

    Heartbeat(CaptureSettings settings, BooleanSupplier active) {
        this.settings = settings;
        this.active = active;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("livesync-heartbeat-" + settings.slotName()).daemon().factory());
    }

    void start() {
        long period = settings.heartbeatInterval().toMillis();
        scheduler.scheduleWithFixedDelay(this::beat, period, period, TimeUnit.MILLISECONDS);
    }

    /** {@link System#nanoTime()} of the last successful write; 0 when none yet. */
    long lastWrittenNanos() {
        return lastWrittenNanos;
    }

    private void beat() {
        if (!active.getAsBoolean()) {
            return;
        }
        try {
            if (connection == null || connection.isClosed()) {
                connection = DriverManager.getConnection(settings.jdbcUrl(), settings.sqlProperties());
                connection.setAutoCommit(true);
            }
            try (PreparedStatement s = connection.prepareStatement("SELECT pg_logical_emit_message(false, ?, ?)")) {
                s.setQueryTimeout((int) Math.max(1, settings.heartbeatInterval().toSeconds()));
                s.setString(1, PREFIX);
                s.setString(2, settings.slotName());
                s.execute();
            }
            lastWrittenNanos = System.nanoTime();
            LOG.trace("Heartbeat written for slot {}", settings.slotName());
        } catch (SQLException | RuntimeException e) {
            LOG.debug("LiveSync heartbeat not written: {}", e.toString());
            closeConnection();
        }
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // going away anyway
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeConnection();
    }
}
