package org.vaadin.addons.livesync.spring;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of LiveSync under the {@code livesync.} prefix. Where the database is not named,
 * the application's datasource is used. (Defaults are written as literals so that they show in the
 * configuration metadata; they equal {@link org.vaadin.addons.livesync.PublicationSetup#DEFAULT_PUBLICATION}
 * and {@link org.vaadin.addons.livesync.LiveSync#DEFAULT_MAX_PENDING}.)
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
}
