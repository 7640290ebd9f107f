package org.vaadin.addons.livesync.internal.events;

import java.util.concurrent.atomic.AtomicLong;

/** The event bus's counters, since start. Thread-safe. */
final class EventCounters {

    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong missed = new AtomicLong();

    void delivered() {
        delivered.incrementAndGet();
    }

    void missed() {
        missed.incrementAndGet();
    }

    long deliveredCount() {
        return delivered.get();
    }

    long missedCount() {
        return missed.get();
    }
}
