package org.vaadin.addons.livesync;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.vaadin.addons.livesync.internal.capture.Sql;

/**
 * How LiveSync reaches PostgreSQL and reads its replication stream. An immutable, thread-safe
 * record, validated when it is made: start from {@link #forDatabase} and change what you need with
 * the {@code withX} methods, each of which returns a changed copy:
 *
 * <pre>
 * CaptureSettings settings = CaptureSettings.forDatabase(url, user, password)
 *         .withPublication("livesync")
 *         .withHeartbeatInterval(Duration.ofSeconds(5));
 * </pre>
 *
 * Defaults: publication {@value PublicationSetup#DEFAULT_PUBLICATION}; a temporary slot whose name
 * LiveSync generates ({@code livesync_<random>}) each time it is created, so that two nodes, even two
 * made from equal settings, never share one; status sent every 10 s; a heartbeat every 10 s; the
 * publication re-checked every 30 s while streaming; reconnect backoff from 250 ms to 30 s (see
 * {@link #withReconnectBackoff}); a handover queue of 1,024 transactions; the required tables those
 * of the watched entities. A permanent slot ({@link #withTemporarySlot withTemporarySlot(false)})
 * needs a name of its own ({@link #withSlotName}), one per application node; LiveSync refuses to be
 * created without one. (That check is made then, not here, so that the order of the two calls does
 * not matter.)
 * <p>
 * By default the slot and the stream are on the database at the JDBC URL; {@link
 * #withReplicationSource} moves them to a hot standby while everything else stays on the primary.
 * <p>
 * {@link #toString()} never shows a password, also not one written into a JDBC URL.
 *
 * @param jdbcUrl                  a {@code jdbc:postgresql:} URL
 * @param user                     the login user; null for the URL's or the driver's default
 * @param password                 the password; null for none
 * @param publication              the publication to read
 * @param slotName                 the replication slot's name; null to have one generated for each
 *                                 LiveSync created (only for a temporary slot)
 * @param temporarySlot            whether the slot is temporary (see {@link #withTemporarySlot})
 * @param requiredTables           tables ({@code schema.table}) the publication must include; empty
 *                                 for the tables of the watched entities
 * @param statusInterval           the longest time between two status updates to the server
 * @param heartbeatInterval        how often a heartbeat is written while streaming
 * @param publicationCheckInterval how often the publication is re-checked while streaming
 * @param minBackoff               the shortest wait before connecting again
 * @param maxBackoff               the longest wait before connecting again
 * @param handoverCapacity         how many decoded transactions may wait for delivery
 * @param slotCleanup              which permanent slots left by nodes that stopped streaming are
 *                                 dropped (see {@link #withSlotCleanup})
 * @param replicationSource        the server the slot and the stream are on, when it is not the
 *                                 database at {@code jdbcUrl} (a hot standby, see
 *                                 {@link #withReplicationSource}); null for that database itself
 */
public record CaptureSettings(
        String jdbcUrl,
        @Nullable String user,
        @Nullable String password,
        String publication,
        @Nullable String slotName,
        boolean temporarySlot,
        Set<String> requiredTables,
        Duration statusInterval,
        Duration heartbeatInterval,
        Duration publicationCheckInterval,
        Duration minBackoff,
        Duration maxBackoff,
        int handoverCapacity,
        SlotCleanup slotCleanup,
        @Nullable ReplicationSource replicationSource) {

    private static final Pattern URL_SECRET = Pattern.compile("(?i)([?&;](?:password|sslpassword)=)[^&;]*");
    private static final Pattern URL_USER_INFO = Pattern.compile("(//[^/:@?]*):[^/@?]*@");
    private static final Pattern SLOT_NAME = Pattern.compile("[a-z0-9_]{1,63}");

    /**
     * Checks every value.
     *
     * @throws IllegalArgumentException naming the value that cannot work and what it must be
     */
    public CaptureSettings {
        if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("LiveSync needs a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db), got: "
                    + (jdbcUrl == null ? null : redacted(jdbcUrl)));
        }
        if (publication == null || publication.isBlank()) {
            throw new IllegalArgumentException("The publication name must not be empty");
        }
        if (slotName != null && !SLOT_NAME.matcher(slotName).matches()) {
            throw new IllegalArgumentException("A replication slot name is 1 to 63 characters of a-z, 0-9 and _, got: "
                    + slotName);
        }
        requiredTables = tables(requiredTables);
        requirePositive(statusInterval, "status interval");
        requirePositive(heartbeatInterval, "heartbeat interval");
        requirePositive(publicationCheckInterval, "publication check interval");
        requirePositive(minBackoff, "minimum backoff");
        requirePositive(maxBackoff, "maximum backoff");
        if (maxBackoff.compareTo(minBackoff) < 0) {
            throw new IllegalArgumentException("The maximum backoff (" + maxBackoff + ") must not be below the minimum ("
                    + minBackoff + ")");
        }
        Objects.requireNonNull(slotCleanup, "slotCleanup (SlotCleanup.OFF to turn the cleanup off)");
        if (handoverCapacity < 1) {
            throw new IllegalArgumentException("The handover capacity must be at least 1, got " + handoverCapacity);
        }
    }

    /**
     * Settings for the database at a {@code jdbc:postgresql:} URL, with the defaults. The user needs
     * the REPLICATION privilege (or superuser, or on a cloud service membership in its replication
     * role, e.g. {@code rds_replication}); a replication connection is admitted by the same
     * {@code pg_hba.conf} lines as an ordinary connection to the database.
     *
     * @param jdbcUrl a {@code jdbc:postgresql:} URL
     * @param user the login user; {@code null} for the URL's or the driver's default
     * @param password the password; {@code null} for none
     * @return settings for that database, every other value at its default
     * @throws IllegalArgumentException when the URL is not a PostgreSQL one
     */
    public static CaptureSettings forDatabase(String jdbcUrl, @Nullable String user, @Nullable String password) {
        return new CaptureSettings(jdbcUrl, user, password, PublicationSetup.DEFAULT_PUBLICATION, null, true, Set.of(),
                Duration.ofSeconds(10), Duration.ofSeconds(10), Duration.ofSeconds(30), Duration.ofMillis(250),
                Duration.ofSeconds(30), 1024, SlotCleanup.DEFAULT, null);
    }

    /**
     * {@code jdbcUrl} with the values of its {@code password} and {@code sslpassword} parameters
     * (and of a {@code user:password@} part) replaced by {@code ***}: the form to log or show.
     *
     * @param jdbcUrl a JDBC URL, which may carry a password
     * @return the URL with every password in it replaced by {@code ***}
     */
    public static String redacted(String jdbcUrl) {
        String withoutParameters = URL_SECRET.matcher(jdbcUrl).replaceAll("$1***");
        return URL_USER_INFO.matcher(withoutParameters).replaceAll("$1:***@");
    }

    /**
     * Reads the named publication (default {@value PublicationSetup#DEFAULT_PUBLICATION}).
     *
     * @param publication the publication's name
     * @return a copy that reads that publication, otherwise as this one
     * @throws IllegalArgumentException when the name is null or blank
     */
    public CaptureSettings withPublication(String publication) {
        return new CaptureSettings(jdbcUrl, user, password, publication, slotName, temporarySlot, requiredTables,
                statusInterval, heartbeatInterval, publicationCheckInterval, minBackoff, maxBackoff, handoverCapacity,
                slotCleanup, replicationSource);
    }

    /**
     * Names the replication slot. Slot names are lower-case letters, digits and underscores, at most
     * 63 characters, and unique per server: give each application node its own. A permanent slot
     * needs one, stable across restarts (e.g. derived from the node's host name), so that a restart
     * resumes it. A second node that uses a name already streamed by another reports
     * {@link PreflightProblem.Kind#SLOT_IN_USE} and waits; it never takes the slot over.
     *
     * @param slotName the slot's name: 1 to 63 characters of {@code a-z}, {@code 0-9} and {@code _}
     * @return a copy that uses the slot of that name, otherwise as this one
     * @throws IllegalArgumentException when the name is null or not of that form
     */
    public CaptureSettings withSlotName(String slotName) {
        if (slotName == null) {
            throw new IllegalArgumentException("A replication slot name must not be null");
        }
        return new CaptureSettings(jdbcUrl, user, password, publication, slotName, temporarySlot, requiredTables,
                statusInterval, heartbeatInterval, publicationCheckInterval, minBackoff, maxBackoff, handoverCapacity,
                slotCleanup, replicationSource);
    }

    /**
     * Whether the slot is temporary (the default): dropped by the server when the connection ends,
     * so it never pins WAL after a crash; after any interruption the views reload. A permanent slot
     * resumes where it left off but retains WAL while the application is down, so it must have a
     * stable name of its own ({@link #withSlotName}), one per application node.
     *
     * @param temporary {@code true} for a temporary slot, {@code false} for a permanent one
     * @return a copy with that kind of slot, otherwise as this one
     */
    public CaptureSettings withTemporarySlot(boolean temporary) {
        return new CaptureSettings(jdbcUrl, user, password, publication, slotName, temporary, requiredTables,
                statusInterval, heartbeatInterval, publicationCheckInterval, minBackoff, maxBackoff, handoverCapacity,
                slotCleanup, replicationSource);
    }

    /**
     * How often a status update (the keep-alive) is sent at the latest (default 10 s); must stay
     * well under the server's {@code wal_sender_timeout}.
     *
     * @param interval the longest time between two status updates to the server
     * @return a copy with that status interval, otherwise as this one
     * @throws IllegalArgumentException when the interval is null, zero or negative
     */
    public CaptureSettings withStatusInterval(Duration interval) {
        return new CaptureSettings(jdbcUrl, user, password, publication, slotName, temporarySlot, requiredTables,
                interval, heartbeatInterval, publicationCheckInterval, minBackoff, maxBackoff, handoverCapacity,
                slotCleanup, replicationSource);
    }

    /**
     * The waits between attempts to connect (default 250 ms to 30 s). While the server cannot be
     * reached (down, restarting, not yet accepting connections) the listener tries again after
     * {@code min}, then at a steady short interval (about 1 s, at most {@code max}, with jitter) for
     * two minutes, then doubling up to {@code max}. While the database is misconfigured (a preflight
     * problem, the slot held by another connection) the wait doubles from {@code min} up to
     * {@code max}.
     *
     * @param min the first wait after a failure, and the shortest
     * @param max the longest wait, not below {@code min}
     * @return a copy with these waits, otherwise as this one
     * @throws IllegalArgumentException when either wait is null, zero or negative, or {@code max} is
     *     below {@code min}
     */
    public CaptureSettings withReconnectBackoff(Duration min, Duration max) {
        return new CaptureSettings(jdbcUrl, user, password, publication, slotName, temporarySlot, requiredTables,
                statusInterval, heartbeatInterval, publicationCheckInterval, min, max, handoverCapacity, slotCleanup, replicationSource);
    }

    /**
     * How many decoded transactions may wait between the reader and the consumer (default 1,024).
     * When the queue is full the reader stops reading (the server holds the rest) but keeps the
     * connection alive.
     *
     * @param capacity how many decoded transactions may wait for delivery
     * @return a copy with that handover capacity, otherwise as this one
     * @throws IllegalArgumentException when the capacity is below 1
     */
    public CaptureSettings withHandoverCapacity(int capacity) {
        return new CaptureSettings(jdbcUrl, user, password, publication, slotName, temporarySlot, requiredTables,
                statusInterval, heartbeatInterval, publicationCheckInterval, minBackoff, maxBackoff, capacity, slotCleanup, replicationSource);
    }

    /**
     * Tables ({@code schema.table}, or {@code table} in the server's current schema) that the
     * publication must include; the preflight names any that it lacks, and while streaming the
     * publication is re-checked for them. Empty (the default): the tables of the watched entities.
     *
     * @param tables the names of the tables the publication must include; copied
     * @return a copy that requires these tables, otherwise as this one
     * @throws IllegalArgumentException when a name is null, blank or of neither form
     */
    public CaptureSettings withRequiredTables(Set<String> tables) {
        return new CaptureSettings(jdbcUrl, user, password, publication, slotName, temporarySlot, tables,
                statusInterval, heartbeatInterval, publicationCheckInterval, minBackoff, maxBackoff, handoverCapacity,
                slotCleanup, replicationSource);
    }

    /**
     * How often a heartbeat message ({@code pg_logical_emit_message}, non-transactional, a few bytes
     * of WAL) is written while streaming (default 10 s). It travels through the stream, so it lets
     * the slot confirm past writes to unpublished tables (bounded WAL retention) and it proves the
     * stream alive: when a heartbeat was written {@code 3 ×} this interval ago and nothing at all has
     * arrived since, the server is asked about the walsender, and the stream is re-established
     * unless the walsender is still busy (decoding a large transaction).
     *
     * @param interval how often a heartbeat is written while streaming
     * @return a copy with that heartbeat interval, otherwise as this one
     * @throws IllegalArgumentException when the interval is null, zero or negative
     */
    public CaptureSettings withHeartbeatInterval(Duration interval) {
        return new CaptureSettings(jdbcUrl, user, password, publication, slotName, temporarySlot, requiredTables,
                statusInterval, interval, publicationCheckInterval, minBackoff, maxBackoff, handoverCapacity,
                slotCleanup, replicationSource);
    }

    /**
     * How often, while streaming, the publication is checked again for the {@linkplain
     * #withRequiredTables required tables} (default 30 s); a table dropped from it meanwhile becomes
     * a {@linkplain LiveState#warnings() warning} of {@link LiveSync#liveState()}.
     *
     * @param interval how often the publication is re-checked while streaming
     * @return a copy with that check interval, otherwise as this one
     * @throws IllegalArgumentException when the interval is null, zero or negative
     */
    public CaptureSettings withPublicationCheckInterval(Duration interval) {
        return new CaptureSettings(jdbcUrl, user, password, publication, slotName, temporarySlot, requiredTables,
                statusInterval, heartbeatInterval, interval, minBackoff, maxBackoff, handoverCapacity,
                slotCleanup, replicationSource);
    }

    /**
     * Which of our permanent slots left behind are dropped: a node that crashed or was removed
     * never comes back for its permanent slot, which then retains WAL on the primary until
     * {@code max_slot_wal_keep_size} (unbounded by default) invalidates it. Default
     * {@link SlotCleanup#DEFAULT}: logical {@code pgoutput} slots of this database whose names
     * start with {@code livesync_}, not temporary, not in use, not this node's, that have not
     * streamed for 15 minutes. {@link SlotCleanup#OFF} turns it off.
     *
     * @param cleanup which slots left behind to drop, and after how long
     * @return a copy with that cleanup, otherwise as this one
     */
    public CaptureSettings withSlotCleanup(SlotCleanup cleanup) {
        return new CaptureSettings(jdbcUrl, user, password, publication, slotName, temporarySlot, requiredTables,
                statusInterval, heartbeatInterval, publicationCheckInterval, minBackoff, maxBackoff, handoverCapacity,
                cleanup, replicationSource);
    }

    /**
     * Reads the changes from another server than the database at {@link #jdbcUrl()}, as the same
     * user with the same password: a hot standby of it (PostgreSQL 16+), which takes the decoding
     * work off the primary. See {@link #withReplicationSource(String, String, String)}.
     *
     * @param jdbcUrl a {@code jdbc:postgresql:} URL of the standby, same database name
     * @return a copy that streams from that server, otherwise as this one
     * @throws IllegalArgumentException when the URL is not a PostgreSQL one
     */
    public CaptureSettings withReplicationSource(String jdbcUrl) {
        return withReplicationSource(jdbcUrl, user, password);
    }

    /**
     * Reads the changes from another server than the database at {@link #jdbcUrl()}: a hot standby
     * of it (PostgreSQL 16+, logical decoding on a standby). The replication slot, the stream and the
     * queries about the slot and its walsender go to that server; everything else (the preflight's
     * publication checks, the heartbeat, which is a write, the WAL position marks) stays on the
     * primary at {@link #jdbcUrl()}. Changes then arrive after the standby replayed them. The slot
     * may be temporary (the default) or permanent, as on a primary.
     * <p>
     * The primary needs {@code wal_level = logical}; the standby too, and {@code hot_standby_feedback
     * = on} (without it the primary may remove catalog rows the standby's slot still needs, and the
     * slot is invalidated: LiveSync then makes a new one and the views reload). The preflight checks
     * both. Creating a slot on a standby waits for the primary to log its running transactions;
     * LiveSync asks the primary to do so at once ({@code pg_log_standby_snapshot()}, superuser or
     * EXECUTE granted; else it waits for the primary's own, at most about 15 s while it writes).
     *
     * @param jdbcUrl  a {@code jdbc:postgresql:} URL of the standby, same database name
     * @param user     the login user there; null for the URL's or the driver's default
     * @param password the password there; null for none
     * @return a copy that streams from that server, otherwise as this one
     * @throws IllegalArgumentException when the URL is not a PostgreSQL one
     */
    public CaptureSettings withReplicationSource(String jdbcUrl, @Nullable String user, @Nullable String password) {
        return new CaptureSettings(this.jdbcUrl, this.user, this.password, publication, slotName, temporarySlot,
                requiredTables, statusInterval, heartbeatInterval, publicationCheckInterval, minBackoff, maxBackoff,
                handoverCapacity, slotCleanup, new ReplicationSource(jdbcUrl, user, password));
    }

    /**
     * The server a slot is created and streamed on when it is not the database itself: see {@link
     * #withReplicationSource(String, String, String)}. Immutable; {@link #toString()} shows no
     * password.
     *
     * @param jdbcUrl  a {@code jdbc:postgresql:} URL
     * @param user     the login user; null for the URL's or the driver's default
     * @param password the password; null for none
     */
    public record ReplicationSource(String jdbcUrl, @Nullable String user, @Nullable String password) {

        /**
         * Checks the URL.
         *
         * @throws IllegalArgumentException when the URL is not a PostgreSQL one
         */
        public ReplicationSource {
            if (jdbcUrl == null || !jdbcUrl.startsWith("jdbc:postgresql:")) {
                throw new IllegalArgumentException("The replication source needs a PostgreSQL JDBC URL "
                        + "(jdbc:postgresql://standby-host:port/db), got: " + (jdbcUrl == null ? null : redacted(jdbcUrl)));
            }
        }

        /** The URL {@linkplain CaptureSettings#redacted redacted} and the user; never the password. */
        @Override
        public String toString() {
            return redacted(jdbcUrl) + " as " + user + (password == null ? "" : " (password ***)");
        }
    }

    private static void requirePositive(Duration duration, String what) {
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("The " + what + " must be positive, got " + duration);
        }
    }

    private static Set<String> tables(Set<String> tables) {
        Objects.requireNonNull(tables, "requiredTables");
        for (String table : tables) {
            if (table == null || table.isBlank()) {
                throw new IllegalArgumentException("A required table name must not be empty");
            }
            Sql.splitQualified(table); // throws naming the form it expects
        }
        return Set.copyOf(tables);
    }

    /** Every value but the password; the URL {@linkplain #redacted redacted}. */
    @Override
    public String toString() {
        return "CaptureSettings[" + redacted(jdbcUrl) + " as " + user + (password == null ? "" : " (password ***)")
                + ", publication " + publication + ", slot " + (slotName == null ? "generated" : slotName)
                + (temporarySlot ? " (temporary)" : " (permanent)")
                + (requiredTables.isEmpty() ? "" : ", tables " + requiredTables)
                + ", status every " + statusInterval + ", heartbeat every " + heartbeatInterval
                + ", publication checked every " + publicationCheckInterval + ", reconnect backoff " + minBackoff
                + " to " + maxBackoff + ", handover capacity " + handoverCapacity + ", " + slotCleanup
                + (replicationSource == null ? "" : ", replication from " + replicationSource) + "]";
    }
}
