package org.vaadin.addons.livesync;

import java.time.Duration;

/**
 * How LiveSync delivers changes to the views: the bounds that keep memory and work in check, and
 * the threads and timers of the delivery. An immutable, thread-safe record, validated when it is
 * made: start from {@link #defaults()} and change what you need with the {@code withX} methods,
 * each of which returns a changed copy.
 *
 * @param maxPending               row operations a view may have waiting for its UI, and that one
 *                                 transaction may give one view, before the view reloads instead
 * @param maxChangesPerTransaction row changes one transaction keeps for routing, in all; past it the
 *                                 views of the tables concerned reload
 * @param lazyRefreshWindow        the shortest time between two refreshes of a lazy Grid's visible
 *                                 range while changes keep coming, unless the provider sets its own
 * @param uiThreads                threads that run {@code UI.access} for sessions whose lock is free
 * @param sweepInterval            how often UIs that were closed or abandoned without being detached
 *                                 are looked for, and dropped
 * @param maxConcurrentReloads     how many views may run their loader at once to reload (after an
 *                                 interruption of the stream, or past {@code maxPending})
 */
public record DeliverySettings(
        int maxPending,
        int maxChangesPerTransaction,
        Duration lazyRefreshWindow,
        int uiThreads,
        Duration sweepInterval,
        int maxConcurrentReloads) {

    /** The default of {@link #maxPending()}. */
    public static final int DEFAULT_MAX_PENDING = 10_000;
    /** The default of {@link #maxChangesPerTransaction()}. */
    public static final int DEFAULT_MAX_CHANGES_PER_TRANSACTION = 100_000;
    /** The default of {@link #maxConcurrentReloads()}. */
    public static final int DEFAULT_MAX_CONCURRENT_RELOADS = 4;

    /**
     * Checks every value.
     *
     * @throws IllegalArgumentException naming the value that cannot work and what it must be
     */
    public DeliverySettings {
        requireAtLeastOne(maxPending, "maximum of pending row operations per view");
        requireAtLeastOne(maxChangesPerTransaction, "maximum of row changes per transaction");
        if (lazyRefreshWindow == null || lazyRefreshWindow.isNegative()) {
            throw new IllegalArgumentException("The lazy refresh window must not be negative, got " + lazyRefreshWindow);
        }
        requireAtLeastOne(uiThreads, "number of UI threads");
        if (sweepInterval == null || sweepInterval.isNegative() || sweepInterval.isZero()) {
            throw new IllegalArgumentException("The sweep interval must be positive, got " + sweepInterval);
        }
        requireAtLeastOne(maxConcurrentReloads, "maximum of concurrent reloads");
    }

    /**
     * The defaults: {@value #DEFAULT_MAX_PENDING} pending row operations per view,
     * {@value #DEFAULT_MAX_CHANGES_PER_TRANSACTION} row changes per transaction, a lazy refresh
     * window of 10 ms, {@link #defaultUiThreads()} UI threads, a sweep every 30 s,
     * {@value #DEFAULT_MAX_CONCURRENT_RELOADS} concurrent reloads.
     *
     * @return the delivery settings with every value at its default
     */
    public static DeliverySettings defaults() {
        return new DeliverySettings(DEFAULT_MAX_PENDING, DEFAULT_MAX_CHANGES_PER_TRANSACTION, Duration.ofMillis(10),
                defaultUiThreads(), Duration.ofSeconds(30), DEFAULT_MAX_CONCURRENT_RELOADS);
    }

    /** {@return the default number of UI threads: twice the processors available to the JVM, at least 4} */
    public static int defaultUiThreads() {
        return Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
    }

    /**
     * How many row operations a view may have waiting for its UI (a slow client, a held session
     * lock), and one transaction may give one view, before the view reloads instead of receiving
     * them one by one (default {@value #DEFAULT_MAX_PENDING}). Bounds a view's memory.
     *
     * @param maxPending how many row operations a view may have waiting before it reloads instead
     * @return a copy with that maximum, otherwise as this one
     * @throws IllegalArgumentException when {@code maxPending} is below 1
     */
    public DeliverySettings withMaxPending(int maxPending) {
        return new DeliverySettings(maxPending, maxChangesPerTransaction, lazyRefreshWindow, uiThreads, sweepInterval,
                maxConcurrentReloads);
    }

    /**
     * How many row changes of one transaction are kept for routing, in all (default
     * {@value #DEFAULT_MAX_CHANGES_PER_TRANSACTION}, about 150 bytes each); past it, the views of the
     * tables concerned reload. Bounds the memory of a huge transaction.
     *
     * @param maxChanges how many row changes of one transaction are kept for routing
     * @return a copy with that maximum, otherwise as this one
     * @throws IllegalArgumentException when {@code maxChanges} is below 1
     */
    public DeliverySettings withMaxChangesPerTransaction(int maxChanges) {
        return new DeliverySettings(maxPending, maxChanges, lazyRefreshWindow, uiThreads, sweepInterval,
                maxConcurrentReloads);
    }

    /**
     * The shortest time between two refreshes of a lazy Grid's visible range while changes keep
     * coming (default 10 ms), for every {@link LiveDataProvider} that does not set its own with
     * {@link LiveDataProvider#withRefreshWindow}; {@link Duration#ZERO} refreshes at once for every
     * delivered batch.
     *
     * @param window the shortest time between two refreshes of a lazy Grid's visible range
     * @return a copy with that refresh window, otherwise as this one
     * @throws IllegalArgumentException when the window is null or negative
     */
    public DeliverySettings withLazyRefreshWindow(Duration window) {
        return new DeliverySettings(maxPending, maxChangesPerTransaction, window, uiThreads, sweepInterval,
                maxConcurrentReloads);
    }

    /**
     * How many threads run {@code UI.access} for sessions whose lock is free (default
     * {@link #defaultUiThreads()}), so that a UI's own work never holds up the delivery to others.
     *
     * @param threads how many threads run {@code UI.access}
     * @return a copy with that number of UI threads, otherwise as this one
     * @throws IllegalArgumentException when {@code threads} is below 1
     */
    public DeliverySettings withUiThreads(int threads) {
        return new DeliverySettings(maxPending, maxChangesPerTransaction, lazyRefreshWindow, threads, sweepInterval,
                maxConcurrentReloads);
    }

    /**
     * How often UIs that were closed or abandoned without being detached (a session invalidated
     * without Vaadin's session destroy, a tab gone without its heartbeat) are looked for and their
     * views dropped (default 30 s).
     *
     * @param interval how often closed or abandoned UIs are looked for
     * @return a copy with that sweep interval, otherwise as this one
     * @throws IllegalArgumentException when the interval is null, zero or negative
     */
    public DeliverySettings withSweepInterval(Duration interval) {
        return new DeliverySettings(maxPending, maxChangesPerTransaction, lazyRefreshWindow, uiThreads, interval,
                maxConcurrentReloads);
    }

    /**
     * How many views may run their loader at once to reload (default
     * {@value #DEFAULT_MAX_CONCURRENT_RELOADS}): after an interruption of the stream that a
     * durable slot cannot bridge every open view reloads, and this keeps those loads from taking
     * every connection of the pool at the moment the database is already in trouble. Keep it below
     * the connection pool's size (Spring Boot: at most half of Hikari's {@code maximum-pool-size}
     * when the property is not set). Other views wait their turn on their UI thread; a reload
     * that a view's own code starts (its {@code reload()}) is not held back.
     *
     * @param maxConcurrentReloads how many views may run their loader at once to reload
     * @return a copy with that maximum, otherwise as this one
     * @throws IllegalArgumentException when {@code maxConcurrentReloads} is below 1
     */
    public DeliverySettings withMaxConcurrentReloads(int maxConcurrentReloads) {
        return new DeliverySettings(maxPending, maxChangesPerTransaction, lazyRefreshWindow, uiThreads, sweepInterval,
                maxConcurrentReloads);
    }

    private static void requireAtLeastOne(int value, String what) {
        if (value < 1) {
            throw new IllegalArgumentException("The " + what + " must be at least 1, got " + value);
        }
    }
}
