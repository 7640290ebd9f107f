package org.vaadin.addons.livesync.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of LiveSync under the {@code livesync.} prefix: where and how it reads the
 * replication stream ({@link org.vaadin.addons.livesync.CaptureSettings}), and how it delivers to
 * the views ({@code livesync.delivery.*}, {@link org.vaadin.addons.livesync.DeliverySettings}).
 * Where the database is not named, the application's datasource is used. What properties cannot
 * express, a {@link LiveSyncCustomizer} bean can.
 * <p>
 * Defaults are written as literals so that they show in the configuration metadata; a test holds
 * them equal to {@link org.vaadin.addons.livesync.CaptureSettings#forDatabase} and
 * {@link org.vaadin.addons.livesync.DeliverySettings#defaults()} (and the events' queue size to
 * {@link org.vaadin.addons.livesync.EntityEvents#DEFAULT_QUEUE_SIZE}).
 * <p>
 * Not thread-safe: bound once at startup, read-only afterwards.
 */
@ConfigurationProperties("livesync")
public class LiveSyncProperties {

    /** Whether to push committed database changes into live Vaadin views. */
    private boolean enabled = true;

    /** JDBC URL of the PostgreSQL database to read changes from. Defaults to the datasource's URL. */
    private @Nullable String url;

    /**
     * Login user for the replication connection; needs the REPLICATION privilege. Defaults to the
     * datasource's user.
     */
    private @Nullable String username;

    /** Login password for the replication connection. Defaults to the datasource's password. */
    private @Nullable String password;

    /** Name of the publication to read. */
    private String publication = "livesync";

    /**
     * Tables (schema.table, or table in the current schema) that the publication must include; the
     * start-up check names any it lacks. Defaults to the tables of the @Watched entities.
     */
    private List<String> tables = new ArrayList<>();

    /**
     * Longest time between two status updates (keep-alives) to the server; keep it well under the
     * server's wal_sender_timeout.
     */
    private Duration statusInterval = Duration.ofSeconds(10);

    /**
     * How often a heartbeat (pg_logical_emit_message) is written while streaming. It bounds the WAL
     * the slot retains and tells a dead connection from a quiet one: nothing arriving for three
     * intervals after a heartbeat re-establishes the stream.
     */
    private Duration heartbeatInterval = Duration.ofSeconds(10);

    /** How often the publication is checked again for the required tables while streaming. */
    private Duration publicationCheckInterval = Duration.ofSeconds(30);

    /**
     * Decoded transactions that may wait between the reader and the delivery; when full, the reader
     * stops reading (the server holds the rest) and keeps the connection alive.
     */
    private int handoverCapacity = 1024;

    private final Slot slot = new Slot();

    private final Replication replication = new Replication();

    private final Reconnect reconnect = new Reconnect();

    private final Delivery delivery = new Delivery();

    /** Events for code that is not a view, published as Spring application events. */
    private final Events events = new Events();

    /** Properties with the defaults, onto which Spring Boot binds the {@code livesync.*} values. */
    public LiveSyncProperties() {
    }

    /** {@return whether to push committed database changes into live Vaadin views} */
    public boolean isEnabled() {
        return enabled;
    }

    /**
     * Sets {@code livesync.enabled}.
     *
     * @param enabled whether to push committed database changes into live Vaadin views
     */
    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    /** {@return the JDBC URL of the database to read changes from; {@code null} or blank for the datasource's} */
    public @Nullable String getUrl() {
        return url;
    }

    /**
     * Sets {@code livesync.url}.
     *
     * @param url the JDBC URL of the PostgreSQL database to read changes from; {@code null} or blank for
     *     the datasource's
     */
    public void setUrl(@Nullable String url) {
        this.url = url;
    }

    /** {@return the login user of the replication connection; {@code null} for the datasource's} */
    public @Nullable String getUsername() {
        return username;
    }

    /**
     * Sets {@code livesync.username}.
     *
     * @param username the login user of the replication connection, which needs the REPLICATION
     *     privilege; {@code null} for the datasource's
     */
    public void setUsername(@Nullable String username) {
        this.username = username;
    }

    /** {@return the login password of the replication connection; {@code null} for the datasource's} */
    public @Nullable String getPassword() {
        return password;
    }

    /**
     * Sets {@code livesync.password}.
     *
     * @param password the login password of the replication connection; {@code null} for the
     *     datasource's
     */
    public void setPassword(@Nullable String password) {
        this.password = password;
    }

    /** {@return the name of the publication to read} */
    public String getPublication() {
        return publication;
    }

    /**
     * Sets {@code livesync.publication}.
     *
     * @param publication the name of the publication to read
     */
    public void setPublication(String publication) {
        this.publication = publication;
    }

    /** {@return the tables the publication must include; empty for the tables of the watched entities} */
    public List<String> getTables() {
        return tables;
    }

    /**
     * Sets {@code livesync.tables}.
     *
     * @param tables the tables ({@code schema.table}, or {@code table} in the current schema) that the
     *     publication must include; empty for the tables of the watched entities
     */
    public void setTables(List<String> tables) {
        this.tables = tables;
    }

    /** {@return the longest time between two status updates to the server} */
    public Duration getStatusInterval() {
        return statusInterval;
    }

    /**
     * Sets {@code livesync.status-interval}.
     *
     * @param statusInterval the longest time between two status updates (keep-alives) to the server
     */
    public void setStatusInterval(Duration statusInterval) {
        this.statusInterval = statusInterval;
    }

    /** {@return how often a heartbeat is written while streaming} */
    public Duration getHeartbeatInterval() {
        return heartbeatInterval;
    }

    /**
     * Sets {@code livesync.heartbeat-interval}.
     *
     * @param heartbeatInterval how often a heartbeat is written while streaming
     */
    public void setHeartbeatInterval(Duration heartbeatInterval) {
        this.heartbeatInterval = heartbeatInterval;
    }

    /** {@return how often the publication is checked again for the required tables while streaming} */
    public Duration getPublicationCheckInterval() {
        return publicationCheckInterval;
    }

    /**
     * Sets {@code livesync.publication-check-interval}.
     *
     * @param publicationCheckInterval how often the publication is checked again for the required tables
     *     while streaming
     */
    public void setPublicationCheckInterval(Duration publicationCheckInterval) {
        this.publicationCheckInterval = publicationCheckInterval;
    }

    /** {@return how many decoded transactions may wait between the reader and the delivery} */
    public int getHandoverCapacity() {
        return handoverCapacity;
    }

    /**
     * Sets {@code livesync.handover-capacity}.
     *
     * @param handoverCapacity how many decoded transactions may wait between the reader and the delivery
     */
    public void setHandoverCapacity(int handoverCapacity) {
        this.handoverCapacity = handoverCapacity;
    }

    /** {@return the replication slot's properties, {@code livesync.slot.*}} */
    public Slot getSlot() {
        return slot;
    }

    /** {@return where the slot and the stream are when not on the database itself, {@code livesync.replication.*}} */
    public Replication getReplication() {
        return replication;
    }

    /** {@return the properties of reconnecting, {@code livesync.reconnect.*}} */
    public Reconnect getReconnect() {
        return reconnect;
    }

    /** {@return the properties of the delivery to the views, {@code livesync.delivery.*}} */
    public Delivery getDelivery() {
        return delivery;
    }

    /** The replication slot, {@code livesync.slot.*}. */
    public static class Slot {

        /**
         * Name of the replication slot: 1 to 63 characters of a-z, 0-9 and _, unique on the server,
         * one per application node and stable across its restarts. Required when
         * livesync.slot.temporary is false; a temporary slot defaults to a name generated at every
         * start.
         */
        private @Nullable String name;

        /**
         * Whether the replication slot is temporary: dropped by the server when the connection
         * ends, so it never retains WAL after a crash. A permanent slot (false) resumes after a
         * restart but retains WAL while the node is down, and needs livesync.slot.name, one per
         * node.
         */
        private boolean temporary = true;

        private final Cleanup cleanup = new Cleanup();

        /** Properties with the defaults, onto which Spring Boot binds the {@code livesync.slot.*} values. */
        public Slot() {
        }

        /** {@return the cleanup of the permanent slots that nodes left behind, {@code livesync.slot.cleanup.*}} */
        public Cleanup getCleanup() {
            return cleanup;
        }

        /** {@return the replication slot's name; {@code null} for a temporary slot's name generated at every start} */
        public @Nullable String getName() {
            return name;
        }

        /**
         * Sets {@code livesync.slot.name}.
         *
         * @param name the replication slot's name, one per application node and stable across its restarts;
         *     {@code null} or empty to have a temporary slot's name generated at every start
         */
        public void setName(@Nullable String name) {
            this.name = name;
        }

        /** {@return whether the replication slot is temporary: dropped by the server when the connection ends} */
        public boolean isTemporary() {
            return temporary;
        }

        /**
         * Sets {@code livesync.slot.temporary}.
         *
         * @param temporary {@code true} for a temporary slot, {@code false} for a permanent one, which needs
         *     {@code livesync.slot.name}
         */
        public void setTemporary(boolean temporary) {
            this.temporary = temporary;
        }
    }

    /**
     * The server the slot and the stream are on when it is not the database of {@code livesync.url}
     * (a hot standby, PostgreSQL 16+), {@code livesync.replication.*}; unset: that database itself.
     */
    public static class Replication {

        /**
         * JDBC URL of a hot standby (PostgreSQL 16+) to create the replication slot on and stream the
         * changes from, while the other queries go to livesync.url. Unset: the database itself.
         */
        private @Nullable String url;

        /** Login user on the replication URL; needs the REPLICATION privilege. Defaults to livesync's user. */
        private @Nullable String username;

        /** Login password on the replication URL. Defaults to livesync's password. */
        private @Nullable String password;

        /** Properties with the defaults, onto which Spring Boot binds the {@code livesync.replication.*} values. */
        public Replication() {
        }

        /** {@return the JDBC URL of the server to stream from; {@code null} or blank for the database itself} */
        public @Nullable String getUrl() {
            return url;
        }

        /**
         * Sets {@code livesync.replication.url}.
         *
         * @param url the JDBC URL of a hot standby to stream from; {@code null} or blank for the database itself
         */
        public void setUrl(@Nullable String url) {
            this.url = url;
        }

        /** {@return the login user on the replication URL; {@code null} for livesync's user} */
        public @Nullable String getUsername() {
            return username;
        }

        /**
         * Sets {@code livesync.replication.username}.
         *
         * @param username the login user on the replication URL; {@code null} for livesync's user
         */
        public void setUsername(@Nullable String username) {
            this.username = username;
        }

        /** {@return the login password on the replication URL; {@code null} for livesync's password} */
        public @Nullable String getPassword() {
            return password;
        }

        /**
         * Sets {@code livesync.replication.password}.
         *
         * @param password the login password on the replication URL; {@code null} for livesync's password
         */
        public void setPassword(@Nullable String password) {
            this.password = password;
        }
    }

    /** The cleanup of permanent slots that nodes left behind, {@code livesync.slot.cleanup.*}. */
    public static class Cleanup {

        /**
         * Whether permanent slots that LiveSync nodes left behind (a node crashed or was removed) are
         * dropped: logical pgoutput slots of this database named with the prefix, not temporary, not
         * this node's, not in use, idle for the given time.
         */
        private boolean enabled = true;

        /** Start of the names of the slots that are LiveSync's: a-z, 0-9 and _, not empty. */
        private String prefix = "livesync_";

        /** How long a slot must have been idle (no connection streaming from it) before it is dropped. */
        private Duration inactiveFor = Duration.ofMinutes(15);

        /** Properties with the defaults, onto which Spring Boot binds the {@code livesync.slot.cleanup.*} values. */
        public Cleanup() {
        }

        /** {@return whether permanent slots that LiveSync nodes left behind are dropped} */
        public boolean isEnabled() {
            return enabled;
        }

        /**
         * Sets {@code livesync.slot.cleanup.enabled}.
         *
         * @param enabled whether permanent slots that LiveSync nodes left behind are dropped
         */
        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        /** {@return the start of the names of the slots that are LiveSync's} */
        public String getPrefix() {
            return prefix;
        }

        /**
         * Sets {@code livesync.slot.cleanup.prefix}.
         *
         * @param prefix the start of the names of the slots that are LiveSync's: a-z, 0-9 and _, not empty
         */
        public void setPrefix(String prefix) {
            this.prefix = prefix;
        }

        /** {@return how long a slot must have been idle before it is dropped} */
        public Duration getInactiveFor() {
            return inactiveFor;
        }

        /**
         * Sets {@code livesync.slot.cleanup.inactive-for}.
         *
         * @param inactiveFor how long a slot must have been idle (no connection streaming from it) before it is
         *     dropped
         */
        public void setInactiveFor(Duration inactiveFor) {
            this.inactiveFor = inactiveFor;
        }
    }

    /** Reconnecting after the stream broke or the database was not ready, {@code livesync.reconnect.*}. */
    public static class Reconnect {

        /** Shortest wait before connecting again. */
        private Duration minBackoff = Duration.ofMillis(250);

        /**
         * Longest wait before connecting again: a server that is away is tried about every second
         * for two minutes, then less often up to this; a misconfigured one from min-backoff doubling
         * up to this.
         */
        private Duration maxBackoff = Duration.ofSeconds(30);

        /** Properties with the defaults, onto which Spring Boot binds the {@code livesync.reconnect.*} values. */
        public Reconnect() {
        }

        /** {@return the shortest wait before connecting again} */
        public Duration getMinBackoff() {
            return minBackoff;
        }

        /**
         * Sets {@code livesync.reconnect.min-backoff}.
         *
         * @param minBackoff the shortest wait before connecting again, also the first
         */
        public void setMinBackoff(Duration minBackoff) {
            this.minBackoff = minBackoff;
        }

        /** {@return the longest wait before connecting again} */
        public Duration getMaxBackoff() {
            return maxBackoff;
        }

        /**
         * Sets {@code livesync.reconnect.max-backoff}.
         *
         * @param maxBackoff the longest wait before connecting again, not below the shortest
         */
        public void setMaxBackoff(Duration maxBackoff) {
            this.maxBackoff = maxBackoff;
        }
    }

    /** Delivery to the views, {@code livesync.delivery.*}. */
    public static class Delivery {

        /**
         * Row operations a view may have waiting for its UI, and one transaction may give one view,
         * before the view reloads instead of receiving them one by one.
         */
        private int maxPending = 10_000;

        /**
         * Row changes one transaction keeps for routing, in all; past it, the views of the tables
         * concerned reload instead.
         */
        private int maxChangesPerTransaction = 100_000;

        /**
         * Shortest time between two refreshes of a lazy Grid's visible range while changes keep
         * coming, for providers that set no window of their own; 0 refreshes for every delivery.
         */
        private Duration lazyRefreshWindow = Duration.ofMillis(10);

        /**
         * Threads that run UI.access for sessions whose lock is free. Defaults to twice the number
         * of processors, at least 4.
         */
        private @Nullable Integer uiThreads;

        /** How often UIs closed or abandoned without being detached are looked for and dropped. */
        private Duration sweepInterval = Duration.ofSeconds(30);

        /**
         * Views that may run their loader at once to reload (after an interruption of the stream, or
         * a view too far behind); the others wait their turn. Defaults to 4, and to at most half of
         * the connection pool's size when the datasource is Hikari's.
         */
        private @Nullable Integer maxConcurrentReloads;

        /** Properties with the defaults, onto which Spring Boot binds the {@code livesync.delivery.*} values. */
        public Delivery() {
        }

        /** {@return how many row operations a view may have waiting before it reloads instead} */
        public int getMaxPending() {
            return maxPending;
        }

        /**
         * Sets {@code livesync.delivery.max-pending}.
         *
         * @param maxPending how many row operations a view may have waiting for its UI, and one transaction
         *     may give one view, before the view reloads instead
         */
        public void setMaxPending(int maxPending) {
            this.maxPending = maxPending;
        }

        /** {@return how many row changes one transaction keeps for routing, in all} */
        public int getMaxChangesPerTransaction() {
            return maxChangesPerTransaction;
        }

        /**
         * Sets {@code livesync.delivery.max-changes-per-transaction}.
         *
         * @param maxChangesPerTransaction how many row changes one transaction keeps for routing, in all,
         *     before the views of the tables concerned reload instead
         */
        public void setMaxChangesPerTransaction(int maxChangesPerTransaction) {
            this.maxChangesPerTransaction = maxChangesPerTransaction;
        }

        /**
         * {@return the shortest time between two refreshes of a lazy Grid's visible range while changes keep
         *     coming}
         */
        public Duration getLazyRefreshWindow() {
            return lazyRefreshWindow;
        }

        /**
         * Sets {@code livesync.delivery.lazy-refresh-window}.
         *
         * @param lazyRefreshWindow the shortest time between two refreshes of a lazy Grid's visible range,
         *     for providers that set no window of their own; zero refreshes for every delivery
         */
        public void setLazyRefreshWindow(Duration lazyRefreshWindow) {
            this.lazyRefreshWindow = lazyRefreshWindow;
        }

        /**
         * {@return how many threads run {@code UI.access}; {@code null} for
         *     {@linkplain org.vaadin.addons.livesync.DeliverySettings#defaultUiThreads() the default}}
         */
        public @Nullable Integer getUiThreads() {
            return uiThreads;
        }

        /**
         * Sets {@code livesync.delivery.ui-threads}.
         *
         * @param uiThreads how many threads run {@code UI.access} for sessions whose lock is free; {@code null}
         *     for twice the number of processors, at least 4
         */
        public void setUiThreads(@Nullable Integer uiThreads) {
            this.uiThreads = uiThreads;
        }

        /** {@return how many views may run their loader at once to reload; {@code null} for the default} */
        public @Nullable Integer getMaxConcurrentReloads() {
            return maxConcurrentReloads;
        }

        /**
         * Sets {@code livesync.delivery.max-concurrent-reloads}.
         *
         * @param maxConcurrentReloads how many views may run their loader at once to reload; {@code null} for 4,
         *     or at most half of a Hikari pool's size
         */
        public void setMaxConcurrentReloads(@Nullable Integer maxConcurrentReloads) {
            this.maxConcurrentReloads = maxConcurrentReloads;
        }

        /** {@return how often UIs closed or abandoned without being detached are looked for} */
        public Duration getSweepInterval() {
            return sweepInterval;
        }

        /**
         * Sets {@code livesync.delivery.sweep-interval}.
         *
         * @param sweepInterval how often UIs closed or abandoned without being detached are looked for and
         *     dropped
         */
        public void setSweepInterval(Duration sweepInterval) {
            this.sweepInterval = sweepInterval;
        }
    }

    /** {@return the properties of the events for code that is not a view, {@code livesync.events.*}} */
    public Events getEvents() {
        return events;
    }

    /** The {@code livesync.events.} properties. */
    public static class Events {

        /**
         * Whether to publish every committed change of a watched entity as an EntityEvent application
         * event (and MissedEvents when some could not be delivered), for @EventListener methods.
         */
        private boolean publishApplicationEvents = false;

        /**
         * Whether the published INSERTED and UPDATED events carry the changed entity, loaded once per
         * entity type and transaction.
         */
        private boolean withEntity = false;

        /**
         * Events that may wait for the application's event listeners before further ones are dropped
         * and reported as MissedEvents.
         */
        private int queueSize = 1_000;

        /** Properties with the defaults, onto which Spring Boot binds the {@code livesync.events.*} values. */
        public Events() {
        }

        /**
         * {@return whether every committed change of a watched entity is published as an
         *     {@link org.vaadin.addons.livesync.EntityEvent} application event}
         */
        public boolean isPublishApplicationEvents() {
            return publishApplicationEvents;
        }

        /**
         * Sets {@code livesync.events.publish-application-events}.
         *
         * @param publishApplicationEvents whether to publish every committed change of a watched entity as an
         *     {@link org.vaadin.addons.livesync.EntityEvent} application event, and missed events as
         *     {@link org.vaadin.addons.livesync.MissedEvents}
         */
        public void setPublishApplicationEvents(boolean publishApplicationEvents) {
            this.publishApplicationEvents = publishApplicationEvents;
        }

        /** {@return whether the published INSERTED and UPDATED events carry the changed entity} */
        public boolean isWithEntity() {
            return withEntity;
        }

        /**
         * Sets {@code livesync.events.with-entity}.
         *
         * @param withEntity whether the published INSERTED and UPDATED events carry the changed entity, loaded
         *     once per entity type and transaction
         */
        public void setWithEntity(boolean withEntity) {
            this.withEntity = withEntity;
        }

        /**
         * {@return how many events may wait for the application's event listeners before further ones are
         *     dropped}
         */
        public int getQueueSize() {
            return queueSize;
        }

        /**
         * Sets {@code livesync.events.queue-size}.
         *
         * @param queueSize how many events may wait for the application's event listeners before further ones
         *     are dropped and reported as {@link org.vaadin.addons.livesync.MissedEvents}
         */
        public void setQueueSize(int queueSize) {
            this.queueSize = queueSize;
        }
    }
}
