package org.vaadin.addons.livesync.capture;

import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How the {@link ReplicationListener} reaches PostgreSQL and reads from it. Immutable and
 * thread-safe; every {@code withX} returns a changed copy:
 *
 * <pre>
 * CaptureSettings settings = CaptureSettings.forDatabase(url, user, password)
 *         .withPublication("livesync")
 *         .withStatusInterval(Duration.ofSeconds(10));
 * </pre>
 *
 * Defaults: publication {@value PublicationSetup#DEFAULT_PUBLICATION}; a temporary slot named
 * {@code livesync_<random>} (one per application node, gone with its connection); status sent every
 * 10 s; reconnect backoff from 250 ms doubling to 30 s; a handover queue of 1,024 transactions.
 */
public final class CaptureSettings {

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final String publication;
    private final String slotName;
    private final boolean temporarySlot;
    private final Duration statusInterval;
    private final Duration minBackoff;
    private final Duration maxBackoff;
    private final int handoverCapacity;
    private final Set<String> requiredTables;
    private final Duration heartbeatInterval;

    private CaptureSettings(String jdbcUrl, String user, String password, String publication, String slotName,
                            boolean temporarySlot, Duration statusInterval, Duration minBackoff, Duration maxBackoff,
                            int handoverCapacity, Set<String> requiredTables, Duration heartbeatInterval) {
        this.jdbcUrl = Objects.requireNonNull(jdbcUrl, "jdbcUrl");
        this.user = user;
        this.password = password;
        this.publication = publication;
        this.slotName = slotName;
        this.temporarySlot = temporarySlot;
        this.statusInterval = statusInterval;
        this.minBackoff = minBackoff;
        this.maxBackoff = maxBackoff;
        this.handoverCapacity = handoverCapacity;
        this.requiredTables = Set.copyOf(requiredTables);
        this.heartbeatInterval = heartbeatInterval;
    }

    /**
     * Settings for the database at a {@code jdbc:postgresql:} URL. The user needs the REPLICATION
     * privilege (or superuser) and {@code pg_hba.conf} must allow it replication connections.
     */
    public static CaptureSettings forDatabase(String jdbcUrl, String user, String password) {
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("LiveSync needs a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db), got: "
                    + jdbcUrl);
        }
        return new CaptureSettings(jdbcUrl, user, password, PublicationSetup.DEFAULT_PUBLICATION, randomSlotName(),
                true, Duration.ofSeconds(10), Duration.ofMillis(250), Duration.ofSeconds(30), 1024, Set.of(),
                Duration.ofSeconds(10));
    }

    private static String randomSlotName() {
        byte[] bytes = new byte[6];
        ThreadLocalRandom.current().nextBytes(bytes);
        return "livesync_" + HexFormat.of().formatHex(bytes);
    }

    /** Reads the named publication (default {@value PublicationSetup#DEFAULT_PUBLICATION}). */
    public CaptureSettings withPublication(String publication) {
        if (publication == null || publication.isBlank()) {
            throw new IllegalArgumentException("The publication name must not be empty");
        }
        return copy(jdbcUrl, publication, slotName, temporarySlot, statusInterval, minBackoff, maxBackoff,
                handoverCapacity, requiredTables);
    }

    /**
     * Names the replication slot. Slot names are lower-case letters, digits and underscores, at most
     * 63 characters, and unique per database: give each application node its own.
     */
    public CaptureSettings withSlotName(String slotName) {
        if (slotName == null || !slotName.matches("[a-z0-9_]{1,63}")) {
            throw new IllegalArgumentException("A replication slot name is 1 to 63 characters of a-z, 0-9 and _, got: "
                    + slotName);
        }
        return copy(jdbcUrl, publication, slotName, temporarySlot, statusInterval, minBackoff, maxBackoff,
                handoverCapacity, requiredTables);
    }

    /**
     * Whether the slot is temporary (the default): dropped by the server when the connection ends,
     * so it never pins WAL after a crash; after any interruption the views reload. A permanent slot
     * resumes where it left off but retains WAL while the application is down.
     */
    public CaptureSettings withTemporarySlot(boolean temporary) {
        return copy(jdbcUrl, publication, slotName, temporary, statusInterval, minBackoff, maxBackoff,
                handoverCapacity, requiredTables);
    }

    /** How often a status update (the keep-alive) is sent at the latest; must stay well under the server's {@code wal_sender_timeout}. */
    public CaptureSettings withStatusInterval(Duration interval) {
        requirePositive(interval, "status interval");
        return copy(jdbcUrl, publication, slotName, temporarySlot, interval, minBackoff, maxBackoff,
                handoverCapacity, requiredTables);
    }

    /** The wait before the first reconnect attempt, doubling up to {@code max}. */
    public CaptureSettings withReconnectBackoff(Duration min, Duration max) {
        requirePositive(min, "minimum backoff");
        requirePositive(max, "maximum backoff");
        if (max.compareTo(min) < 0) {
            throw new IllegalArgumentException("The maximum backoff must not be below the minimum");
        }
        return copy(jdbcUrl, publication, slotName, temporarySlot, statusInterval, min, max, handoverCapacity,
                requiredTables);
    }

    /**
     * How many decoded transactions may wait between the reader and the consumer. When the queue is
     * full the reader stops reading (the server holds the rest) but keeps the connection alive.
     */
    public CaptureSettings withHandoverCapacity(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("The handover capacity must be at least 1");
        }
        return copy(jdbcUrl, publication, slotName, temporarySlot, statusInterval, minBackoff, maxBackoff, capacity,
                requiredTables);
    }

    /**
     * Tables ({@code schema.table}) that the publication must include; the preflight names any that
     * it lacks.
     */
    public CaptureSettings withRequiredTables(Set<String> tables) {
        return copy(jdbcUrl, publication, slotName, temporarySlot, statusInterval, minBackoff, maxBackoff,
                handoverCapacity, tables);
    }

    /**
     * How often a heartbeat message ({@code pg_logical_emit_message}, non-transactional, a few bytes
     * of WAL) is written while streaming (default 10 s). It travels through the stream, so it lets
     * the slot confirm past writes to unpublished tables (bounded WAL retention) and it proves the
     * stream alive: when a heartbeat was written {@code 3 ×} this interval ago and nothing at all has
     * arrived since, the stream is taken for stalled and re-established.
     */
    public CaptureSettings withHeartbeatInterval(Duration interval) {
        requirePositive(interval, "heartbeat interval");
        return new CaptureSettings(jdbcUrl, user, password, publication, slotName, temporarySlot, statusInterval,
                minBackoff, maxBackoff, handoverCapacity, requiredTables, interval);
    }

    private CaptureSettings copy(String jdbcUrl, String publication, String slotName, boolean temporarySlot,
                                 Duration statusInterval, Duration minBackoff, Duration maxBackoff,
                                 int handoverCapacity, Set<String> requiredTables) {
        return new CaptureSettings(jdbcUrl, user, password, publication, slotName, temporarySlot, statusInterval,
                minBackoff, maxBackoff, handoverCapacity, requiredTables, heartbeatInterval);
    }

    private static void requirePositive(Duration duration, String what) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("The " + what + " must be positive");
        }
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String user() {
        return user;
    }

    public String publication() {
        return publication;
    }

    public String slotName() {
        return slotName;
    }

    public boolean temporarySlot() {
        return temporarySlot;
    }

    public Duration statusInterval() {
        return statusInterval;
    }

    public Duration minBackoff() {
        return minBackoff;
    }

    public Duration maxBackoff() {
        return maxBackoff;
    }

    public int handoverCapacity() {
        return handoverCapacity;
    }

    public Set<String> requiredTables() {
        return requiredTables;
    }

    public Duration heartbeatInterval() {
        return heartbeatInterval;
    }

    /** Connection properties for an ordinary SQL connection. */
    Properties sqlProperties() {
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("ApplicationName", "livesync");
        props.setProperty("connectTimeout", "10");
        return props;
    }

    /** Connection properties for a logical replication connection. */
    Properties replicationProperties() {
        Properties props = sqlProperties();
        props.setProperty("replication", "database");
        props.setProperty("assumeMinServerVersion", "14");
        props.setProperty("preferQueryMode", "simple");
        props.setProperty("ApplicationName", "livesync-" + slotName);
        return props;
    }

    @Override
    public String toString() {
        return "CaptureSettings[" + jdbcUrl + " as " + user + ", publication " + publication + ", slot " + slotName
                + (temporarySlot ? " (temporary)" : " (permanent)") + "]";
    }
}
