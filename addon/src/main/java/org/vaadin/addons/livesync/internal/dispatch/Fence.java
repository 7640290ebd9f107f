package org.vaadin.addons.livesync.internal.dispatch;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes the gap between a view's registration and its first load. A transaction that was routed
 * (or filtered out) before a view registered does not reach that view, so the view's load must see
 * it: the load must not start before every such transaction is visible. The fence keeps the
 * transactions the pipeline has started to process but has not yet seen visible; a view that
 * registers waits (briefly) until they are, and for any that stay invisible longer (synchronous
 * replication waiting on a standby) it is reloaded once they become visible.
 * <p>
 * Thread-safe: the reader thread adds, the delivery thread verifies, UI threads await.
 */
final class Fence {

    private static final Logger LOG = LoggerFactory.getLogger(Fence.class);
    /** Above this many unverified transactions the delivery thread verifies them in one query. */
    static final int VERIFY_ABOVE = 256;
    private static final long AWAIT_NANOS = 100_000_000L;

    private final XidVisibility visibility;
    private final Set<Long> unverified = ConcurrentHashMap.newKeySet();
    /** xid → subscriptions to reload once it is visible. */
    private final Map<Long, Set<Subscription<?>>> reloadWhenVisible = new ConcurrentHashMap<>();

    Fence(XidVisibility visibility) {
        this.visibility = visibility;
    }

    /** Reader thread: transaction {@code xid} is being processed; a view registering from now on must see it. */
    void add(long xid) {
        unverified.add(xid);
    }

    /** Delivery thread: {@code xid} was seen visible. */
    void verified(long xid) {
        unverified.remove(xid);
    }

    /** How many transactions are not yet known to be visible. */
    int size() {
        return unverified.size();
    }

    /** Whether some view waits for a transaction to become visible before it reloads. */
    boolean hasReloadsPending() {
        return !reloadWhenVisible.isEmpty();
    }

    /**
     * UI thread, right after {@code subscription} registered and before it loads: waits until every
     * transaction processed so far is visible, at most briefly; for those that are not visible by
     * then, the subscription is reloaded when they are ({@link #check}).
     */
    void await(Subscription<?> subscription) {
        if (unverified.isEmpty()) {
            return;
        }
        List<Long> pending = new ArrayList<>(unverified);
        long deadline = System.nanoTime() + AWAIT_NANOS;
        long pause = 50_000;
        while (true) {
            List<Long> invisible = visibility.invisible(pending);
            pending.stream().filter(x -> !invisible.contains(x)).forEach(unverified::remove);
            if (invisible.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                LOG.debug("{} registered while transaction(s) {} are not visible yet: it reloads once they are",
                        subscription, invisible);
                for (Long xid : invisible) {
                    reloadWhenVisible.computeIfAbsent(xid, x -> ConcurrentHashMap.newKeySet()).add(subscription);
                }
                return;
            }
            pending = invisible;
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, 10_000_000);
        }
    }

    /**
     * Delivery thread: forgets transactions that are visible by now (all of them when there are
     * many, else only those views wait for) and returns the subscriptions to reload because what
     * they waited for became visible.
     */
    List<Subscription<?>> check() {
        List<Long> candidates = new ArrayList<>(reloadWhenVisible.keySet());
        boolean all = unverified.size() > VERIFY_ABOVE;
        if (all) {
            candidates.addAll(unverified);
        }
        if (candidates.isEmpty()) {
            return List.of();
        }
        List<Long> invisible = visibility.invisible(candidates);
        List<Subscription<?>> reload = new ArrayList<>();
        for (Long xid : candidates) {
            if (!invisible.contains(xid)) {
                unverified.remove(xid);
                Set<Subscription<?>> waiting = reloadWhenVisible.remove(xid);
                if (waiting != null) {
                    waiting.stream().filter(s -> !s.isClosed() && !reload.contains(s)).forEach(reload::add);
                }
            }
        }
        return reload;
    }
}
