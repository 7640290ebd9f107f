package org.vaadin.addons.livesync.internal.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vaadin.addons.livesync.ReloadCause;

import com.vaadin.flow.shared.Registration;

/**
 * What reached the views, as counted where it is applied: reloads by cause, row operations
 * coalesced while a UI was busy, and how long after its commit each batch was applied (told to the
 * registered delivery listeners). Counting is a few atomic adds; the listeners run in
 * {@code UI.access} and must be quick.
 * <p>
 * Thread-safe: the mailboxes count from the delivery thread and from UI threads, readers read
 * from any thread.
 */
final class DeliveryStats {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryStats.class);

    private final AtomicLongArray reloads = new AtomicLongArray(ReloadCause.values().length);
    private final LongAdder coalesced = new LongAdder();
    private final LongAdder lazyRefreshes = new LongAdder();
    private final LongAdder lazyBackToBack = new LongAdder();
    private final AtomicInteger lazyInFlight = new AtomicInteger();
    private final List<Consumer<Duration>> listeners = new CopyOnWriteArrayList<>();

    /** A watched list or bean was loaded again (its reload delta applied, or its reload requested). */
    void reloaded(ReloadCause cause) {
        reloads.incrementAndGet(cause.ordinal());
    }

    /** {@code operations} row operations were merged into later ones, or replaced by a reload, before a UI applied them. */
    void coalesced(int operations) {
        if (operations > 0) {
            coalesced.add(operations);
        }
    }

    /** Reloads since start, by cause (every cause present). */
    Map<ReloadCause, Long> reloads() {
        Map<ReloadCause, Long> byCause = new EnumMap<>(ReloadCause.class);
        for (ReloadCause cause : ReloadCause.values()) {
            byCause.put(cause, reloads.get(cause.ordinal()));
        }
        return byCause;
    }

    long coalesced() {
        return coalesced.sum();
    }

    /** A lazy view's range refresh ran its queries; {@code backToBack}: right after the previous one, because changes arrived while it ran. */
    void lazyRefreshed(boolean backToBack) {
        lazyRefreshes.increment();
        if (backToBack) {
            lazyBackToBack.increment();
        }
    }

    /** {@code change} (+1 or -1) lazy views have a range refresh on its way (requested and not yet installed). */
    void lazyRefreshInFlight(int change) {
        lazyInFlight.addAndGet(change);
    }

    int lazyRefreshesInFlight() {
        return lazyInFlight.get();
    }

    long lazyRefreshes() {
        return lazyRefreshes.sum();
    }

    long lazyBackToBack() {
        return lazyBackToBack.sum();
    }

    Registration addListener(Consumer<Duration> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /**
     * UI thread, right after a UI applied changes of transactions the oldest of which committed at
     * {@code oldestCommit} (the server's clock: a clock ahead of the application's gives zero).
     */
    void applied(Instant oldestCommit) {
        if (listeners.isEmpty()) {
            return;
        }
        Duration latency = Duration.between(oldestCommit, Instant.now());
        Duration sinceCommit = latency.isNegative() ? Duration.ZERO : latency;
        for (Consumer<Duration> listener : listeners) {
            try {
                listener.accept(sinceCommit);
            } catch (RuntimeException e) {
                LOG.warn("LiveSync delivery listener {} failed; it stays registered", listener, e);
            }
        }
    }
}
