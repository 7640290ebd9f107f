package org.vaadin.addons.livesync.internal.watch;

import java.util.Objects;

import org.vaadin.addons.livesync.internal.decode.ChangeKind;
import org.vaadin.addons.livesync.internal.decode.Column;
import org.vaadin.addons.livesync.internal.decode.ReplicaIdentity;
import org.vaadin.addons.livesync.internal.decode.Row;
import org.vaadin.addons.livesync.internal.decode.RowChange;

/**
 * Reads an {@link EntityChange} from a {@link RowChange}: the id and the old and new subscription
 * key, each only as far as the WAL carries it (see {@link EntityChange} for the rules). A row of a
 * {@link WatchedEntity#isGlobal() global} entity has the key {@link WatchedEntity#GLOBAL} before and
 * after every change, so its keys are always known (except for a TRUNCATE, which names no row).
 * Stateless and thread-safe.
 */
final class ChangeReader {

    /** Marks a value the WAL does not carry (a known value may be {@code null}). */
    private static final Object UNKNOWN = new Object() {
        @Override
        public String toString() {
            return "UNKNOWN";
        }
    };

    private ChangeReader() {
    }

    /**
     * The change of {@code entity} that {@code change} (a change of its table) makes.
     *
     * @throws IllegalArgumentException if an id or key cannot be converted to its Java type
     */
    static EntityChange read(WatchedEntity<?> entity, RowChange change) {
        return switch (change.kind()) {
            case INSERT -> insert(entity, change);
            case UPDATE -> update(entity, change);
            case DELETE -> delete(entity, change);
            case TRUNCATE -> new EntityChange(entity, ChangeKind.TRUNCATE, null, null, null, false, null, false,
                    change);
        };
    }

    private static EntityChange insert(WatchedEntity<?> entity, RowChange change) {
        Object id = fromNew(change, entity.id());
        Object newKey = newKey(change, entity);
        return new EntityChange(entity, ChangeKind.INSERT, orNull(id), null, orNull(newKey), newKey != UNKNOWN,
                null, false, change);
    }

    private static EntityChange update(WatchedEntity<?> entity, RowChange change) {
        Object oldId = fromOld(change, entity.id());
        Object id = fromNew(change, entity.id());
        if (id == UNKNOWN) {
            id = oldId; // an unchanged TOAST value is the old one
        }
        boolean idChanged = oldId != UNKNOWN && id != UNKNOWN && !Objects.equals(oldId, id);

        Object oldKey = oldKey(change, entity);
        Object newKey = newKey(change, entity);
        if (newKey == UNKNOWN) {
            newKey = oldKey;
        }
        if (oldKey == UNKNOWN && newKey != UNKNOWN && identityColumnUnchanged(change, entity.key())) {
            oldKey = newKey;
        }
        return new EntityChange(entity, ChangeKind.UPDATE, orNull(id), idChanged ? oldId : null,
                orNull(newKey), newKey != UNKNOWN, orNull(oldKey), oldKey != UNKNOWN, change);
    }

    private static EntityChange delete(WatchedEntity<?> entity, RowChange change) {
        Object id = fromOld(change, entity.id());
        Object oldKey = oldKey(change, entity);
        return new EntityChange(entity, ChangeKind.DELETE, orNull(id), null, null, false, orNull(oldKey),
                oldKey != UNKNOWN, change);
    }

    /** The key after the change: {@link WatchedEntity#GLOBAL} for a global entity, else as {@link #fromNew}. */
    private static Object newKey(RowChange change, WatchedEntity<?> entity) {
        return entity.isGlobal() ? WatchedEntity.GLOBAL : fromNew(change, entity.key());
    }

    /** The key before the change: {@link WatchedEntity#GLOBAL} for a global entity, else as {@link #fromOld}. */
    private static Object oldKey(RowChange change, WatchedEntity<?> entity) {
        return entity.isGlobal() ? WatchedEntity.GLOBAL : fromOld(change, entity.key());
    }

    /** The column's value in the new row, or {@link #UNKNOWN} when the row does not carry it. */
    private static Object fromNew(RowChange change, WatchedColumn column) {
        Row row = change.newRow();
        if (row == null || !row.has(column.name()) || row.isUnchanged(column.name())) {
            return UNKNOWN;
        }
        return column.read(row);
    }

    /**
     * The column's value in the old row, or {@link #UNKNOWN} when there is none or it is a key-only
     * row without that column.
     */
    private static Object fromOld(RowChange change, WatchedColumn column) {
        Row row = change.oldRow();
        if (row == null) {
            return UNKNOWN;
        }
        Column described = column.in(row.relation());
        if (described == null || change.oldRowIsKeyOnly() && !described.partOfKey()
                || row.isUnchanged(column.name())) {
            return UNKNOWN;
        }
        return column.read(row);
    }

    /**
     * Whether an UPDATE without old row shows that {@code column} kept its value: under a DEFAULT or
     * INDEX replica identity, PostgreSQL logs the old key exactly when a key column changed.
     */
    private static boolean identityColumnUnchanged(RowChange change, WatchedColumn column) {
        ReplicaIdentity identity = change.relation().replicaIdentity();
        if (change.oldRow() != null || identity != ReplicaIdentity.DEFAULT && identity != ReplicaIdentity.INDEX) {
            return false;
        }
        Column described = column.in(change.relation());
        return described != null && described.partOfKey();
    }

    private static Object orNull(Object value) {
        return value == UNKNOWN ? null : value;
    }
}
