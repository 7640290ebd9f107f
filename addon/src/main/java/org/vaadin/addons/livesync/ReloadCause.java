package org.vaadin.addons.livesync;

/**
 * Why a watched list or bean was loaded again instead of receiving changes one by one, as
 * {@link LiveSyncMetrics#reloads()} counts it (and the Micrometer meter {@code livesync.reloads}
 * tags it, by {@link #tag()}). An enum: thread-safe.
 */
public enum ReloadCause {
    /** The stream was (re)started: changes committed meanwhile may be missing. */
    GAP("gap"),
    /**
     * More row operations for the view than {@link DeliverySettings#maxPending()}: in one
     * transaction, or waiting while its UI was busy.
     */
    MAX_PENDING("max-pending"),
    /**
     * A transaction changed more rows than worth keeping one by one
     * ({@link DeliverySettings#maxChangesPerTransaction()}), and some of them may concern the view.
     */
    OVERFLOW("overflow"),
    /**
     * A transaction became visible only after the view loaded (synchronous replication waiting on a
     * standby), or was delivered late and truncated a table.
     */
    LATE_VISIBILITY("late-visibility"),
    /** Routing a transaction failed: every view reloads to stay correct (the log says why). */
    ERROR("error"),
    /** The application asked for it ({@code reload()} of a list, a bean, a scope or a view). */
    REQUESTED("requested"),
    /**
     * A load of the view failed (its loader threw: the database away a moment): it is tried again,
     * after a backoff, until one succeeds.
     */
    RETRY("retry");

    private final String tag;

    ReloadCause(String tag) {
        this.tag = tag;
    }

    /** {@return the cause as a metrics tag value, e.g. {@code "max-pending"}} */
    public String tag() {
        return tag;
    }
}
