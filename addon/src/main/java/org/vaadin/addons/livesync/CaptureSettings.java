package org.vaadin.addons.livesync;

import org.vaadin.addons.livesync.internal.capture.ReplicationListener;

import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.regex.Pattern;

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
 * 10 s; a heartbeat every 10 s; the publication re-checked every 30 s while streaming; reconnect
 * backoff from 250 ms to 30 s (see {@link #withReconnectBackoff}); a handover queue of 1,024
 * transactions. A permanent slot ({@link #withTemporarySlot withTemporarySlot(false)}) needs a name
 * of its own ({@link #withSlotName}); a listener refuses to start without one.
 * <p>
 * {@link #toString()} never shows the password, also not one written into the JDBC URL.
 */
public final class CaptureSettings {

    private static final Pattern URL_SECRET = Pattern.compile("(?i)([?&;](?:password|sslpassword)=)[^&;]*");
    private static final Pattern URL_USER_INFO = Pattern.compile("(//[^/:@?]*):[^/@?]*@");

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final String publication;
    private final String slotName;
    private final boolean slotNamed;
    private final boolean temporarySlot;
    private final Duration statusInterval;
    private final Duration minBackoff;
    private final Duration maxBackoff;
    private final int handoverCapacity;
    private final Set<String> requiredTables;
    private final Duration heartbeatInterval;
    private final Duration publicationCheckInterval;

    private CaptureSettings(Values v) {
        this.jdbcUrl = Objects.requireNonNull(v.jdbcUrl, "jdbcUrl");
        this.user = v.user;
        this.password = v.password;
        this.publication = v.publication;
        this.slotName = v.slotName;
        this.slotNamed = v.slotNamed;
        this.temporarySlot = v.temporarySlot;
        this.statusInterval = v.statusInterval;
        this.minBackoff = v.minBackoff;
        this.maxBackoff = v.maxBackoff;
        this.handoverCapacity = v.handoverCapacity;
        this.requiredTables = Set.copyOf(v.requiredTables);
        this.heartbeatInterval = v.heartbeatInterval;
        this.publicationCheckInterval = v.publicationCheckInterval;
    }

    /**
     * Settings for the database at a {@code jdbc:postgresql:} URL. The user needs the REPLICATION
     * privilege (or superuser, or on a cloud service membership in its replication role, e.g.
     * {@code rds_replication}); a replication connection is admitted by the same {@code pg_hba.conf}
     * lines as an ordinary connection to the database.
     */
    public static CaptureSettings forDatabase(String jdbcUrl, String user, String password) {
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("LiveSync needs a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db), got: "
                    + (jdbcUrl == null ? null : redacted(jdbcUrl)));
        }
        Values v = new Values();
        v.jdbcUrl = jdbcUrl;
        v.user = user;
        v.password = password;
        v.publication = PublicationSetup.DEFAULT_PUBLICATION;
        v.slotName = randomSlotName();
        v.temporarySlot = true;
        v.statusInterval = Duration.ofSeconds(10);
        v.minBackoff = Duration.ofMillis(250);
        v.maxBackoff = Duration.ofSeconds(30);
        v.handoverCapacity = 1024;
        v.requiredTables = Set.of();
        v.heartbeatInterval = Duration.ofSeconds(10);
        v.publicationCheckInterval = Duration.ofSeconds(30);
        return new CaptureSettings(v);
    }

    private static String randomSlotName() {
        byte[] bytes = new byte[6];
        ThreadLocalRandom.current().nextBytes(bytes);
        return "livesync_" + HexFormat.of().formatHex(bytes);
    }

    /**
     * {@code jdbcUrl} with the values of its {@code password} and {@code sslpassword} parameters
     * (and of a {@code user:password@} part) replaced by {@code ***}: the form to log or show.
     */
    public static String redacted(String jdbcUrl) {
        String withoutParameters = URL_SECRET.matcher(jdbcUrl).replaceAll("$1***");
        return URL_USER_INFO.matcher(withoutParameters).replaceAll("$1:***@");
    }

    /** Reads the named publication (default {@value PublicationSetup#DEFAULT_PUBLICATION}). */
    public CaptureSettings withPublication(String publication) {
        if (publication == null || publication.isBlank()) {
            throw new IllegalArgumentException("The publication name must not be empty");
        }
        return with(v -> v.publication = publication);
    }

    /**
     * Names the replication slot. Slot names are lower-case letters, digits and underscores, at most
     * 63 characters, and unique per server: give each application node its own. A permanent slot
     * needs one, stable across restarts (e.g. derived from the node's host name), so that a restart
     * resumes it.
     */
    public CaptureSettings withSlotName(String slotName) {
        if (slotName == null || !slotName.matches("[a-z0-9_]{1,63}")) {
            throw new IllegalArgumentException("A replication slot name is 1 to 63 characters of a-z, 0-9 and _, got: "
                    + slotName);
        }
        return with(v -> {
            v.slotName = slotName;
            v.slotNamed = true;
        });
    }

    /**
     * Whether the slot is temporary (the default): dropped by the server when the connection ends,
     * so it never pins WAL after a crash; after any interruption the views reload. A permanent slot
     * resumes where it left off but retains WAL while the application is down, so it must have a
     * stable name of its own ({@link #withSlotName}), one per application node.
     */
    public CaptureSettings withTemporarySlot(boolean temporary) {
        return with(v -> v.temporarySlot = temporary);
    }

    /** How often a status update (the keep-alive) is sent at the latest; must stay well under the server's {@code wal_sender_timeout}. */
    public CaptureSettings withStatusInterval(Duration interval) {
        requirePositive(interval, "status interval");
        return with(v -> v.statusInterval = interval);
    }

    /**
     * The waits between attempts to connect. While the server cannot be reached (down, restarting,
     * not yet accepting connections) the listener tries again after {@code min}, then at a steady
     * short interval (about 1 s, at most {@code max}, with jitter) for two minutes, then doubling up
     * to {@code max}. While the database is misconfigured (a preflight problem, the slot held by
     * another connection) the wait doubles from {@code min} up to {@code max}.
     */
    public CaptureSettings withReconnectBackoff(Duration min, Duration max) {
        requirePositive(min, "minimum backoff");
        requirePositive(max, "maximum backoff");
        if (max.compareTo(min) < 0) {
            throw new IllegalArgumentException("The maximum backoff must not be below the minimum");
        }
        return with(v -> {
            v.minBackoff = min;
            v.maxBackoff = max;
        });
    }

    /**
     * How many decoded transactions may wait between the reader and the consumer. When the queue is
     * full the reader stops reading (the server holds the rest) but keeps the connection alive.
     */
    public CaptureSettings withHandoverCapacity(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("The handover capacity must be at least 1");
        }
        return with(v -> v.handoverCapacity = capacity);
    }

    /**
     * Tables ({@code schema.table}) that the publication must include; the preflight names any that
     * it lacks, and while streaming the publication is re-checked for them.
     */
    public CaptureSettings withRequiredTables(Set<String> tables) {
        return with(v -> v.requiredTables = Set.copyOf(tables));
    }

    /**
     * How often a heartbeat message ({@code pg_logical_emit_message}, non-transactional, a few bytes
     * of WAL) is written while streaming (default 10 s). It travels through the stream, so it lets
     * the slot confirm past writes to unpublished tables (bounded WAL retention) and it proves the
     * stream alive: when a heartbeat was written {@code 3 ×} this interval ago and nothing at all has
     * arrived since, the server is asked about the walsender, and the stream is re-established
     * unless the walsender is still busy (decoding a large transaction).
     */
    public CaptureSettings withHeartbeatInterval(Duration interval) {
        requirePositive(interval, "heartbeat interval");
        return with(v -> v.heartbeatInterval = interval);
    }

    /**
     * How often, while streaming, the publication is checked again for the {@linkplain
     * #withRequiredTables required tables} (default 30 s); a table dropped from it meanwhile becomes
     * a {@linkplain ReplicationListener#warnings() warning}.
     */
    public CaptureSettings withPublicationCheckInterval(Duration interval) {
        requirePositive(interval, "publication check interval");
        return with(v -> v.publicationCheckInterval = interval);
    }

    private CaptureSettings with(Consumer<Values> change) {
        Values v = new Values(this);
        change.accept(v);
        return new CaptureSettings(v);
    }

    private static void requirePositive(Duration duration, String what) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("The " + what + " must be positive");
        }
    }

    /**
     * Throws unless these settings can run: a permanent slot must have been given a name.
     *
     * @throws IllegalArgumentException naming what to set
     */
    public void requireRunnable() {
        if (!temporarySlot && !slotNamed) {
            throw new IllegalArgumentException("A permanent replication slot needs a stable name, one per application "
                    + "node: set it with withSlotName(..) (in Spring Boot: livesync.slot-name), e.g. from the node's host "
                    + "name. Without one every start would create another slot and leave the previous one behind, "
                    + "retaining WAL until the disk fills. Or keep the default temporary slot.");
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

    public Duration publicationCheckInterval() {
        return publicationCheckInterval;
    }

    /** Connection properties for an ordinary SQL connection. */
    public Properties sqlProperties() {
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

    /**
     * Connection properties for a logical replication connection whose {@code application_name} is
     * {@code applicationName}.
     */
    public Properties replicationProperties(String applicationName) {
        Properties props = sqlProperties();
        props.setProperty("replication", "database");
        props.setProperty("assumeMinServerVersion", "14");
        props.setProperty("preferQueryMode", "simple");
        props.setProperty("ApplicationName", applicationName);
        return props;
    }

    @Override
    public String toString() {
        return "CaptureSettings[" + redacted(jdbcUrl) + " as " + user + ", publication " + publication + ", slot "
                + slotName + (temporarySlot ? " (temporary)" : " (permanent)") + "]";
    }

    /** The values while a copy is being made; never escapes a {@code with} call. */
    private static final class Values {
        String jdbcUrl;
        String user;
        String password;
        String publication;
        String slotName;
        boolean slotNamed;
        boolean temporarySlot;
        Duration statusInterval;
        Duration minBackoff;
        Duration maxBackoff;
        int handoverCapacity;
        Set<String> requiredTables;
        Duration heartbeatInterval;
        Duration publicationCheckInterval;

        Values() {
        }

        Values(CaptureSettings s) {
            jdbcUrl = s.jdbcUrl;
            user = s.user;
            password = s.password;
            publication = s.publication;
            slotName = s.slotName;
            slotNamed = s.slotNamed;
            temporarySlot = s.temporarySlot;
            statusInterval = s.statusInterval;
            minBackoff = s.minBackoff;
            maxBackoff = s.maxBackoff;
            handoverCapacity = s.handoverCapacity;
            requiredTables = s.requiredTables;
            heartbeatInterval = s.heartbeatInterval;
            publicationCheckInterval = s.publicationCheckInterval;
        }
    }
}
