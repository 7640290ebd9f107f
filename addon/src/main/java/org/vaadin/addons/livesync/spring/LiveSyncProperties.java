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

    private final Reconnect reconnect = new Reconnect();

    private final Delivery delivery = new Delivery();

    /** Events for code that is not a view, published as Spring application events. */
    private final Events events = new Events();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public @Nullable String getUrl() {
        return url;
    }

    public void setUrl(@Nullable String url) {
        this.url = url;
    }

    public @Nullable String getUsername() {
        return username;
    }

    public void setUsername(@Nullable String username) {
        this.username = username;
    }

    public @Nullable String getPassword() {
        return password;
    }

    public void setPassword(@Nullable String password) {
        this.password = password;
    }

    public String getPublication() {
        return publication;
    }

    public void setPublication(String publication) {
        this.publication = publication;
    }

    public List<String> getTables() {
        return tables;
    }

    public void setTables(List<String> tables) {
        this.tables = tables;
    }

    public Duration getStatusInterval() {
        return statusInterval;
    }

    public void setStatusInterval(Duration statusInterval) {
        this.statusInterval = statusInterval;
    }

    public Duration getHeartbeatInterval() {
        return heartbeatInterval;
    }

    public void setHeartbeatInterval(Duration heartbeatInterval) {
        this.heartbeatInterval = heartbeatInterval;
    }

    public Duration getPublicationCheckInterval() {
        return publicationCheckInterval;
    }

    public void setPublicationCheckInterval(Duration publicationCheckInterval) {
        this.publicationCheckInterval = publicationCheckInterval;
    }

    public int getHandoverCapacity() {
        return handoverCapacity;
    }

    public void setHandoverCapacity(int handoverCapacity) {
        this.handoverCapacity = handoverCapacity;
    }

    public Slot getSlot() {
        return slot;
    }

    public Reconnect getReconnect() {
        return reconnect;
    }

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

        public @Nullable String getName() {
            return name;
        }

        public void setName(@Nullable String name) {
            this.name = name;
        }

        public boolean isTemporary() {
            return temporary;
        }

        public void setTemporary(boolean temporary) {
            this.temporary = temporary;
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

        public Duration getMinBackoff() {
            return minBackoff;
        }

        public void setMinBackoff(Duration minBackoff) {
            this.minBackoff = minBackoff;
        }

        public Duration getMaxBackoff() {
            return maxBackoff;
        }

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
        private Duration lazyRefreshWindow = Duration.ofMillis(50);

        /**
         * Threads that run UI.access for sessions whose lock is free. Defaults to twice the number
         * of processors, at least 4.
         */
        private @Nullable Integer uiThreads;

        /** How often UIs closed or abandoned without being detached are looked for and dropped. */
        private Duration sweepInterval = Duration.ofSeconds(30);

        public int getMaxPending() {
            return maxPending;
        }

        public void setMaxPending(int maxPending) {
            this.maxPending = maxPending;
        }

        public int getMaxChangesPerTransaction() {
            return maxChangesPerTransaction;
        }

        public void setMaxChangesPerTransaction(int maxChangesPerTransaction) {
            this.maxChangesPerTransaction = maxChangesPerTransaction;
        }

        public Duration getLazyRefreshWindow() {
            return lazyRefreshWindow;
        }

        public void setLazyRefreshWindow(Duration lazyRefreshWindow) {
            this.lazyRefreshWindow = lazyRefreshWindow;
        }

        public @Nullable Integer getUiThreads() {
            return uiThreads;
        }

        public void setUiThreads(@Nullable Integer uiThreads) {
            this.uiThreads = uiThreads;
        }

        public Duration getSweepInterval() {
            return sweepInterval;
        }

        public void setSweepInterval(Duration sweepInterval) {
            this.sweepInterval = sweepInterval;
        }
    }

    public Events getEvents() {
        return events;
    }

    /** The {@code livesync.events.} properties. */
    public static class Events {

        /**
         * Whether to publish every committed change of a watched entity as an EntityEvent application
         * event (and MissedEvents when some could not be delivered), for @EventListener methods.
         */
        private boolean publishApplicationEvents;

        /**
         * Whether the published INSERTED and UPDATED events carry the changed entity, loaded once per
         * entity type and transaction.
         */
        private boolean withEntity;

        /**
         * Events that may wait for the application's event listeners before further ones are dropped
         * and reported as MissedEvents.
         */
        private int queueSize = 1_000;

        public boolean isPublishApplicationEvents() {
            return publishApplicationEvents;
        }

        public void setPublishApplicationEvents(boolean publishApplicationEvents) {
            this.publishApplicationEvents = publishApplicationEvents;
        }

        public boolean isWithEntity() {
            return withEntity;
        }

        public void setWithEntity(boolean withEntity) {
            this.withEntity = withEntity;
        }

        public int getQueueSize() {
            return queueSize;
        }

        public void setQueueSize(int queueSize) {
            this.queueSize = queueSize;
        }
    }
}
