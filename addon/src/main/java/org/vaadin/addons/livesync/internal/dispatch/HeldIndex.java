package org.vaadin.addons.livesync.internal.dispatch;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The held-id index: for each entity type and row id, the subscription values under which views
 * hold the row (or have a put of it on its way), each with how many subscriptions do. It names
 * values, not subscriptions, so that a row costs one entry however many views of its tenant show
 * it; the {@link Dispatcher} finds the holding subscriptions among those of each value
 * ({@link Subscription#holds}). A row is usually held under one value (two while it moves).
 * <p>
 * Every subscription counts at most once per row: it {@link #add adds} when the row enters its held
 * or pending marks and {@link #remove removes} when it leaves both ({@link Subscription} keeps that
 * balance under its lock).
 * <p>
 * Thread-safe: an entry is replaced, never changed, inside {@code ConcurrentHashMap.compute}; the
 * reader and delivery threads read it without locking.
 */
final class HeldIndex {

    /** The values a row is held under, with their counts: immutable. */
    private record HeldBy(Object[] values, int[] counts) {

        HeldBy plus(Object value) {
            int at = indexOf(value);
            if (at >= 0) {
                int[] more = counts.clone();
                more[at]++;
                return new HeldBy(values, more);
            }
            Object[] vs = Arrays.copyOf(values, values.length + 1);
            int[] cs = Arrays.copyOf(counts, counts.length + 1);
            vs[values.length] = value;
            cs[counts.length] = 1;
            return new HeldBy(vs, cs);
        }

        /** {@return this without one count of {@code value}; null when nothing is left} */
        HeldBy minus(Object value) {
            int at = indexOf(value);
            if (at < 0) {
                return this;
            }
            if (counts[at] > 1) {
                int[] fewer = counts.clone();
                fewer[at]--;
                return new HeldBy(values, fewer);
            }
            if (values.length == 1) {
                return null;
            }
            Object[] vs = new Object[values.length - 1];
            int[] cs = new int[counts.length - 1];
            for (int i = 0, j = 0; i < values.length; i++) {
                if (i != at) {
                    vs[j] = values[i];
                    cs[j++] = counts[i];
                }
            }
            return new HeldBy(vs, cs);
        }

        private int indexOf(Object value) {
            for (int i = 0; i < values.length; i++) {
                if (values[i].equals(value)) {
                    return i;
                }
            }
            return -1;
        }
    }

    /** entity type → row id → the values it is held under. */
    private final Map<Class<?>, Map<Object, HeldBy>> byType = new ConcurrentHashMap<>();

    /** A subscription with {@code value} now holds the row (or has a put of it on its way). */
    void add(Class<?> type, Object id, Object value) {
        byType.computeIfAbsent(type, t -> new ConcurrentHashMap<>()).compute(id,
                (i, by) -> by == null ? new HeldBy(new Object[] {value}, new int[] {1}) : by.plus(value));
    }

    /** A subscription with {@code value} that {@link #add added} the row no longer holds it. */
    void remove(Class<?> type, Object id, Object value) {
        Map<Object, HeldBy> ids = byType.get(type);
        if (ids != null) {
            ids.computeIfPresent(id, (i, by) -> by.minus(value));
        }
    }

    /** {@return whether a view holds the row, or a put of it is on its way to one} */
    boolean isHeld(Class<?> type, Object id) {
        Map<Object, HeldBy> ids = byType.get(type);
        return ids != null && ids.containsKey(id);
    }

    /** {@return the subscription values under which views hold the row: empty when none} */
    List<Object> values(Class<?> type, Object id) {
        Map<Object, HeldBy> ids = byType.get(type);
        HeldBy by = ids == null ? null : ids.get(id);
        return by == null ? List.of() : Arrays.asList(by.values());
    }

    /** {@return the rows held, over all entity types} */
    int size() {
        int sum = 0;
        for (Map<Object, HeldBy> ids : byType.values()) {
            sum += ids.size();
        }
        return sum;
    }
}
