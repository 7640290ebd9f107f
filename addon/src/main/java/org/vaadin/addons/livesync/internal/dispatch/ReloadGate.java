package org.vaadin.addons.livesync.internal.dispatch;

import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds how many views run their loader at once to reload, and counts the views that still have
 * to (resyncing). After an interruption that a durable slot cannot bridge, every open view
 * reloads: without a bound those loads take every connection of the pool at once, exactly when
 * the database is in trouble. A reload waits for a permit on the thread that runs it (a UI thread
 * in {@code UI.access}), first come first served; a thread that holds one runs a nested reload
 * without a second (no self-deadlock). Thread-safe.
 * Internal: not part of the add-on's API.
 */
public final class ReloadGate {

    private final Semaphore permits;
    private final ThreadLocal<int[]> held = ThreadLocal.withInitial(() -> new int[1]);
    private final AtomicInteger resyncing = new AtomicInteger();

    ReloadGate(int maxConcurrent) {
        this.permits = new Semaphore(maxConcurrent, true);
    }

    /** Runs {@code reload} once a permit is free (at once when this thread holds one already). */
    void run(Runnable reload) {
        int[] depth = held.get();
        if (depth[0] > 0) {
            depth[0]++;
            try {
                reload.run();
            } finally {
                depth[0]--;
            }
            return;
        }
        permits.acquireUninterruptibly();
        depth[0] = 1;
        try {
            reload.run();
        } finally {
            depth[0] = 0;
            permits.release();
        }
    }

    /** {@return how many views wait to reload or are reloading after a gap or an overflow} */
    public int resyncing() {
        return resyncing.get();
    }

    void added() {
        resyncing.incrementAndGet();
    }

    void done() {
        resyncing.decrementAndGet();
    }
}
