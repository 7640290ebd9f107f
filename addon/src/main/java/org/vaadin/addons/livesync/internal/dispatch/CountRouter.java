package org.vaadin.addons.livesync.internal.dispatch;

import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vaadin.addons.livesync.internal.decode.ChangeKind;
import org.vaadin.addons.livesync.internal.watch.EntityChange;
import org.vaadin.addons.livesync.internal.watch.WatchedEntity;

/**
 * Tells the subscriptions that keep a row count by the changes (lazy views with a live count) what
 * each transaction did to the number of rows of their subscription value: {@code +1} for an insert
 * or a move in, {@code -1} for a delete or a move out, read from the WAL's old and new subscription
 * keys — or "unknown" (a truncate, a key the WAL does not carry), and they count again.
 * <p>
 * A type whose updates or deletes come without the old key (REPLICA IDENTITY DEFAULT, the key not
 * in the identity) cannot be counted this way: a row moving out of, or deleted from, a value would
 * reach none of that value's views. Whether the WAL carries the old key is asked of the catalog
 * when the first view of a type registers to count ({@code carriesOldKey}), so that such a type is
 * {@linkplain #counts uncountable} (logged once) before any view keeps a count: every view counts at
 * each change from the start, and an update of a row it shows stays an update in place. When the
 * catalog could not tell (the database away), or the identity changed later, the first change without
 * the old key makes the type uncountable for good instead: its counting views are told "unknown" one
 * last time and count at each change from then on.
 * <p>
 * Thread-safe: UI threads register and unregister (the first registration of a type may ask the
 * catalog), the delivery thread routes.
 */
final class CountRouter {

    private static final Logger LOG = LoggerFactory.getLogger(CountRouter.class);

    /** entity type → subscriptions that keep a count by the changes. */
    private final Map<Class<?>, Set<Subscription<?>>> counting = new ConcurrentHashMap<>();
    private final Set<Class<?>> uncountable = ConcurrentHashMap.newKeySet();
    /** Types whose replica identity the catalog told. */
    private final Set<Class<?>> identityKnown = ConcurrentHashMap.newKeySet();
    /** Asks the catalog whether the WAL carries an entity's old key: null when it cannot tell. */
    private final Function<WatchedEntity<?>, Boolean> carriesOldKey;

    /** A router that asks {@code carriesOldKey} (null: cannot tell) before the first view of a type counts. */
    CountRouter(Function<WatchedEntity<?>, Boolean> carriesOldKey) {
        this.carriesOldKey = carriesOldKey;
    }

    /**
     * The subscription keeps its count by the changes from now on (if its type allows it). Atomic
     * with {@link #remove}: the set is changed inside the map's {@code compute}, so an add never
     * lands in a set that a remove of the type's last subscription is taking out of the map.
     */
    void add(Subscription<?> subscription) {
        WatchedEntity<?> entity = subscription.entity();
        if (!identityKnown.contains(entity.type())) {
            Boolean carries = carriesOldKey.apply(entity);
            if (carries != null) {
                identityKnown.add(entity.type());
                if (!carries) {
                    uncountable(entity.type());
                }
            }
        }
        counting.compute(entity.type(), (t, set) -> {
            Set<Subscription<?>> ofType = set == null ? ConcurrentHashMap.newKeySet() : set;
            ofType.add(subscription);
            return ofType;
        });
    }

    /** Views of the type count at each change from now on (logged once). */
    private void uncountable(Class<?> type) {
        if (uncountable.add(type)) {
            LOG.warn("The changes of {} do not carry the old subscription key (REPLICA IDENTITY DEFAULT, and the "
                    + "key column is not part of the identity), so lazy views cannot keep their live count by "
                    + "the changes: they count again at each change. Give the table REPLICA IDENTITY FULL, or "
                    + "an identity index that contains the key column, to keep the count without queries",
                    type.getSimpleName());
        }
    }

    /** The subscription went away (atomic with {@link #add}). */
    void remove(Subscription<?> subscription) {
        counting.computeIfPresent(subscription.entity().type(), (t, set) -> {
            set.remove(subscription);
            return set.isEmpty() ? null : set;
        });
    }

    /** Whether the changes of {@code type} carry what a count by the changes needs (so far: always, until one did not). */
    boolean counts(Class<?> type) {
        return !uncountable.contains(type);
    }

    /** Whether subscriptions of the type keep a count by the changes (and the type still allows it). */
    boolean keeps(Class<?> type) {
        return countingOf(type) != null;
    }

    /** The subscriptions of the type that keep a count by the changes, or null for none (or an uncountable type). */
    private Set<Subscription<?>> countingOf(Class<?> type) {
        Set<Subscription<?>> ofType = counting.get(type);
        return ofType == null || ofType.isEmpty() || uncountable.contains(type) ? null : ofType;
    }

    /**
     * Delivery thread: adds to {@code plan} what {@code change} does to each counting
     * subscription's count; {@code subscribers} gives the subscriptions of a (type, value).
     */
    void route(EntityChange change, Plan plan, BiFunction<Class<?>, Object, Collection<Subscription<?>>> subscribers) {
        Class<?> type = change.type();
        Set<Subscription<?>> ofType = countingOf(type); // once: the last one may unregister meanwhile
        if (ofType == null) {
            return;
        }
        switch (change.kind()) {
            case TRUNCATE -> ofType.forEach(plan::countUnknown);
            case INSERT -> {
                if (!change.newKeyKnown()) {
                    ofType.forEach(plan::countUnknown);
                } else {
                    add(plan, ofType, subscribers.apply(type, change.newKey()), +1);
                }
            }
            case UPDATE, DELETE -> {
                if (!change.oldKeyKnown()) {
                    uncountable(type);
                    ofType.forEach(plan::countUnknown);
                    return;
                }
                boolean delete = change.kind() == ChangeKind.DELETE;
                if (!delete && !change.newKeyKnown()) {
                    ofType.forEach(plan::countUnknown);
                } else if (delete || !Objects.equals(change.oldKey(), change.newKey())) {
                    add(plan, ofType, subscribers.apply(type, change.oldKey()), -1);
                    if (!delete) {
                        add(plan, ofType, subscribers.apply(type, change.newKey()), +1);
                    }
                }
            }
        }
    }

    /** Counts {@code change} for each subscription of the value that is one of the type's counting ones. */
    private static void add(Plan plan, Set<Subscription<?>> counting, Collection<Subscription<?>> ofValue, int change) {
        for (Subscription<?> s : ofValue) {
            if (counting.contains(s)) {
                plan.count(s, change);
            }
        }
    }
}
