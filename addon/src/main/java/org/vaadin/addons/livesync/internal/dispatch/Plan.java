package org.vaadin.addons.livesync.internal.dispatch;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.vaadin.addons.livesync.ReloadCause;
import org.vaadin.addons.livesync.internal.decode.ChangeKind;
import org.vaadin.addons.livesync.internal.watch.EntityChange;
import org.vaadin.addons.livesync.internal.watch.WatchedEntity;

/**
 * What one transaction does to each subscription it concerns, before any row is loaded: row
 * operations in commit order, or a reload for a subscription that got more than {@code maxOps} of
 * them (its delta would cost more than loading it again) or whose rows the transaction did not
 * keep, with why; and for subscriptions that keep a row count by the changes, what the
 * transaction did to it ({@link CountRouter}). It carries the transaction's commit time (none for the reloads after a gap), which
 * the deltas carry on to the UI. Not thread-safe: built and used by the delivery thread.
 */
final class Plan {

    /**
     * One planned row operation: TRUNCATE (no id), DELETE, or UPDATE (load the row and put or remove
     * it). {@code ifHeld}: the subscription was targeted only because it may be about to show the row
     * (it is loading) or the row's tenant is not known yet (an unchanged TOAST key): a removal it
     * leads to is applied only if the view holds the row by then, so that a view never hears of a
     * row of another tenant. {@code source}: the change it comes from, when what the WAL tells of
     * it (inserted, moved, which columns changed) still holds when it is applied; null otherwise.
     */
    record Op(ChangeKind kind, Object id, boolean ifHeld, EntityChange source) {

        Op(ChangeKind kind, Object id) {
            this(kind, id, false, null);
        }

        Op(ChangeKind kind, Object id, boolean ifHeld) {
            this(kind, id, ifHeld, null);
        }
    }

    private final int maxOps;
    private final Instant commitTime;
    private final Map<Subscription<?>, List<Op>> ops = new LinkedHashMap<>();
    private final Map<Subscription<?>, ReloadCause> reloads = new LinkedHashMap<>();
    /** Net change of each counting subscription's row count (only those a change concerns). */
    private final Map<Subscription<?>, Integer> counts = new LinkedHashMap<>();
    /** Counting subscriptions for which the transaction's effect on the count is not known. */
    private final Set<Subscription<?>> countsUnknown = new LinkedHashSet<>();

    /** A plan for a transaction committed at {@code commitTime}, or for none ({@code null}). */
    Plan(int maxOps, Instant commitTime) {
        this.maxOps = maxOps;
        this.commitTime = commitTime;
    }

    void add(Subscription<?> subscription, Op op) {
        if (reloads.containsKey(subscription)) {
            return;
        }
        List<Op> list = ops.computeIfAbsent(subscription, s -> new ArrayList<>());
        list.add(op);
        if (list.size() > maxOps) {
            reload(subscription, ReloadCause.MAX_PENDING);
        }
    }

    /** The subscription reloads instead (for the first cause given, when several are). */
    void reload(Subscription<?> subscription, ReloadCause cause) {
        ops.remove(subscription);
        counts.remove(subscription); // a reload counts again
        countsUnknown.remove(subscription);
        reloads.putIfAbsent(subscription, cause);
    }

    /** A row of the counting subscription's value was added ({@code +1}) or removed ({@code -1}). */
    void count(Subscription<?> subscription, int change) {
        if (!reloads.containsKey(subscription)) {
            counts.merge(subscription, change, Integer::sum);
        }
    }

    /** What the transaction did to the counting subscription's row count is not known. */
    void countUnknown(Subscription<?> subscription) {
        if (!reloads.containsKey(subscription)) {
            countsUnknown.add(subscription);
        }
    }

    /** {@return the net count change per counting subscription} */
    Map<Subscription<?>, Integer> counts() {
        return counts;
    }

    /** {@return the counting subscriptions whose count the transaction changed in an unknown way} */
    Set<Subscription<?>> countsUnknown() {
        return countsUnknown;
    }

    /** When the transaction committed; null for a plan of no transaction. */
    Instant commitTime() {
        return commitTime;
    }

    boolean isEmpty() {
        return ops.isEmpty() && reloads.isEmpty() && counts.isEmpty() && countsUnknown.isEmpty();
    }

    Map<Subscription<?>, List<Op>> ops() {
        return ops;
    }

    /** The subscriptions that reload, with why. */
    Map<Subscription<?>, ReloadCause> reloads() {
        return reloads;
    }

    /** The rows to load, by entity: the ids of every UPDATE operation. */
    Map<WatchedEntity<?>, Set<Object>> toFetch() {
        Map<WatchedEntity<?>, Set<Object>> fetch = new LinkedHashMap<>();
        ops.forEach((subscription, list) -> {
            for (Op op : list) {
                if (op.kind() == ChangeKind.UPDATE) {
                    fetch.computeIfAbsent(subscription.entity(), e -> new LinkedHashSet<>()).add(op.id());
                }
            }
        });
        return fetch;
    }

    /**
     * The plan for applying this transaction late, after later ones may already have been applied:
     * every row operation becomes "load the row now and show what it is" (a delete applied late
     * must not remove a row inserted again since), and a truncate becomes a reload.
     */
    Plan reconciled() {
        Plan late = new Plan(maxOps, commitTime);
        reloads.forEach(late::reload);
        late.counts.putAll(counts); // what the WAL says the transaction did: still true when applied late
        late.countsUnknown.addAll(countsUnknown);
        ops.forEach((subscription, list) -> {
            for (Op op : list) {
                if (op.kind() == ChangeKind.TRUNCATE) {
                    late.reload(subscription, ReloadCause.LATE_VISIBILITY);
                } else {
                    late.add(subscription, new Op(ChangeKind.UPDATE, op.id(), op.ifHeld()));
                }
            }
        });
        return late;
    }
}
