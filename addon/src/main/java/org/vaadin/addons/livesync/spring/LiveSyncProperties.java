package org.vaadin.addons.livesync.spring;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of LiveSync under the {@code livesync.} prefix. Where the database is not named,
 * the application's datasource is used. (Defaults are written as literals so that they show in the
 * configuration metadata; they equal {@link org.vaadin.addons.livesync.PublicationSetup#DEFAULT_PUBLICATION}
 * {@link org.vaadin.addons.livesync.LiveSync#DEFAULT_MAX_PENDING} and
 * {@link org.vaadin.addons.livesync.EntityEvents#DEFAULT_QUEUE_SIZE}.)
 * <p>
 * Not thread-safe: bound once at startup, read-only afterwards.
 */
@ConfigurationProperties("livesync")
public class LiveSyncProperties {

    /** Whether to push committed database changes into live Vaadin views. */
    private boolean enabled = true;

    /** JDBC URL of the PostgreSQL database to read changes from. Defaults to the datasource's URL. */
    private String url;

    /**
     * Login user for the replication connection; needs the REPLICATION privilege. Defaults to the
     * datasource's user.
     */
    private String username;

    /** Login password for the replication connection. Defaults to the datasource's password. */
    private String password;

    /** Name of the publication to read. */
    private String publication = "livesync";

    /**
     * Name of the replication slot: 1 to 63 characters of a-z, 0-9 and _, one per application node
     * and stable across its restarts. Required when temporary-slot is false; a temporary slot
     * defaults to a name generated at every start.
     */
    private String slotName;

    /**
     * Whether the replication slot is temporary: dropped by the server when the connection ends, so
     * it never retains WAL after a crash. A permanent slot (false) resumes after a restart but
     * retains WAL while the node is down, and needs livesync.slot-name, one per node.
     */
    private boolean temporarySlot = true;

    /**
     * How often a status update (the keep-alive) is sent to the server at the latest; keep it well
     * under the server's wal_sender_timeout.
     */
    private Duration statusInterval = Duration.ofSeconds(10);

    /**
     * Row changes a view may have waiting for its UI before they are replaced by a reload of the
     * view.
     */
    private int maxPending = 10_000;

    /** Events for code that is not a view, published as Spring application events. */
    private final Events events = new Events();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public String getUrl() {
        return url;
    }

    public void setUrl(String url) {
        this.url = url;
    }

    public String getUsername() {
        return username;
    }

    public void setUsername(String username) {
        this.username = username;
    }

    public String getPassword() {
        return password;
    }

    public void setPassword(String password) {
        this.password = password;
    }

    public String getPublication() {
        return publication;
    }

    public void setPublication(String publication) {
        this.publication = publication;
    }

    public String getSlotName() {
        return slotName;
    }

    public void setSlotName(String slotName) {
        this.slotName = slotName;
    }

    public boolean isTemporarySlot() {
        return temporarySlot;
    }

    public void setTemporarySlot(boolean temporarySlot) {
        this.temporarySlot = temporarySlot;
    }

    public Duration getStatusInterval() {
        return statusInterval;
    }

    public void setStatusInterval(Duration statusInterval) {
        this.statusInterval = statusInterval;
    }

    public int getMaxPending() {
        return maxPending;
    }

    public void setMaxPending(int maxPending) {
        this.maxPending = maxPending;
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
