package org.vaadin.addons.livesync.internal.events;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.vaadin.addons.livesync.EntityEvent;

/**
 * The subscription value a row without a key in its change (a delete under REPLICA IDENTITY
 * DEFAULT) had, as far as LiveSync knows, most recent knowledge first: the new key of one of the
 * last {@link #RECENT} changes with a known new key (an insert, an update: often the row's own
 * insert, whose row no view holds yet when it is deleted soon after); the value it was seen moving
 * into (an update whose old key the WAL lacks, whose new key is not among the values views hold it
 * under) while views of its former value still hold it; else the values views hold it under
 * ({@link RowHolders}). So a delete right after a move goes to the listeners of the value the row
 * moved into, not of the one it left. What the stream may have left out ({@link #forget}: an
 * interruption, a transaction too large) is forgotten.
 * <p>
 * Memory: at most {@link #RECENT} recent keys; and one entry per row seen moving while a view still
 * holds it under its former value, dropped once no view holds the row under another value than its
 * latest (checked when the map has doubled since the last check), so bounded by the rows views
 * hold. Only while listeners of one value are registered (the bus asks only then). Delivery thread
 * only: not thread-safe.
 */
final class RowValues {

    private static final int MIN_CHECK = 64;
    /** How many recent changes' keys it keeps: about 1 MB. */
    static final int RECENT = 10_000;

    private final RowHolders holders;
    /** (type, id) → the row's latest known value, for rows views still hold under another. */
    private final Map<Row, Object> moved = new HashMap<>();
    /** (type, id) → the row's new key in one of the last {@link #RECENT} changes, least recent first. */
    private final Map<Row, Object> recent = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Row, Object> eldest) {
            return size() > RECENT;
        }
    };
    private int checkAt = MIN_CHECK;

    private record Row(Class<?> type, Object id) {
    }

    RowValues(RowHolders holders) {
        this.holders = holders;
    }

    /** Changes of these types may have been left out of the stream: what was known of their rows is forgotten. */
    void forget(Set<Class<?>> types) {
        recent.keySet().removeIf(row -> types.contains(row.type()));
        moved.keySet().removeIf(row -> types.contains(row.type()));
    }

    /**
     * An event whose key is known: remembers the row's new key, and where the row went when views
     * hold it under another value.
     */
    void seen(EntityEvent<?> event) {
        if (!event.newKeyKnown() || event.id() == null) {
            return;
        }
        Row row = new Row(event.entityType(), event.id());
        recent.remove(row); // re-inserted: most recent last
        recent.put(row, event.newKey());
        if (stale(row, event.newKey())) {
            moved.put(row, event.newKey());
            if (moved.size() >= checkAt) {
                forgetSettled();
            }
        } else {
            moved.remove(row);
        }
    }

    /**
     * The values a row whose change carries no key was of, as far as views tell; empty when not
     * known. Forgets the row when the change is its delete.
     */
    List<Object> valuesOf(EntityEvent<?> keyless, boolean deleted) {
        Row row = new Row(keyless.entityType(), keyless.id());
        Object latest = deleted ? moved.remove(row) : moved.get(row);
        Object known = deleted ? recent.remove(row) : recent.get(row);
        if (known != null) {
            return List.of(known);
        }
        return latest != null ? List.of(latest) : holders.valuesOf(row.type(), row.id());
    }

    /** Whether a view holds the row under another value than {@code value}. */
    private boolean stale(Row row, Object value) {
        for (Object held : holders.valuesOf(row.type(), row.id())) {
            if (!held.equals(value)) {
                return true;
            }
        }
        return false;
    }

    private void forgetSettled() {
        for (Iterator<Map.Entry<Row, Object>> it = moved.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Row, Object> entry = it.next();
            if (!stale(entry.getKey(), entry.getValue())) {
                it.remove();
            }
        }
        checkAt = Math.max(MIN_CHECK, 2 * moved.size());
    }
}
