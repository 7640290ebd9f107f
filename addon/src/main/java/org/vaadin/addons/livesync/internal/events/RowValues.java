package org.vaadin.addons.livesync.internal.events;

import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.vaadin.addons.livesync.EntityEvent;

/**
 * The subscription value a row without a key in its change (a delete under REPLICA IDENTITY
 * DEFAULT) had, as far as LiveSync knows: the values views hold it under ({@link RowHolders}) —
 * unless the row was seen moving to another value since (an update whose old key the WAL lacks,
 * whose new key is not among the values it is held under) and the holders of the former value have
 * not let it go yet: then its latest known value. So a delete right after a move goes to the
 * listeners of the value the row moved into, not of the one it left.
 * <p>
 * Memory: one entry per row seen moving while a view still holds it under its former value; an
 * entry is dropped once no view holds the row under another value than its latest (checked when
 * the map has doubled since the last check), so it is bounded by the rows views hold. Delivery
 * thread only: not thread-safe.
 */
final class RowValues {

    private static final int MIN_CHECK = 64;

    private final RowHolders holders;
    /** (type, id) → the row's latest known value, for rows views still hold under another. */
    private final Map<Row, Object> moved = new HashMap<>();
    private int checkAt = MIN_CHECK;

    private record Row(Class<?> type, Object id) {
    }

    RowValues(RowHolders holders) {
        this.holders = holders;
    }

    /** An event whose new key is known: remembers where the row went when views hold it under another value. */
    void seen(EntityEvent<?> event) {
        if (!event.newKeyKnown() || event.id() == null) {
            return;
        }
        Row row = new Row(event.entityType(), event.id());
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
        return latest != null ? List.of(latest) : holders.valuesOf(row.type(), row.id());
    }

    /** {@return how many rows it remembers} */
    int size() {
        return moved.size();
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
