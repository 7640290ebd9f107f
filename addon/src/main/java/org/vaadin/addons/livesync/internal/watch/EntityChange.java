package org.vaadin.addons.livesync.internal.watch;

import org.vaadin.addons.livesync.Watched;

import java.util.Objects;

import org.vaadin.addons.livesync.internal.decode.ChangeKind;
import org.vaadin.addons.livesync.internal.decode.RowChange;

/**
 * One decoded row change seen as a change of one {@link Watched} entity: which row (by id) and
 * which subscription key values it had before and has after, as far as the WAL tells.
 * <p>
 * What the WAL tells depends on the table's {@code REPLICA IDENTITY}. Under {@code FULL} every old
 * value is known. Under {@code DEFAULT} (or {@code INDEX}) only the identity's key columns are, and
 * for an UPDATE only when they changed; when they did not change, their old value is the new one.
 * A value that is not known is {@code null} with its {@code ...Known} flag {@code false}; a known
 * SQL {@code NULL} is {@code null} with the flag {@code true}. Ids and keys have the entity's
 * {@link WatchedEntity#idType() id} and {@link WatchedEntity#keyType() key} Java types. A change of a
 * {@link WatchedEntity#isGlobal() global} entity has {@link WatchedEntity#GLOBAL} as its known old
 * and new key, whatever the replica identity (a DELETE: the old key only; a TRUNCATE: neither).
 * <table>
 * <caption>What each kind carries</caption>
 * <tr><th>kind</th><th>id</th><th>newKey</th><th>oldKey</th></tr>
 * <tr><td>INSERT</td><td>from the new row</td><td>known</td><td>not known</td></tr>
 * <tr><td>UPDATE</td><td>from the new row; {@code oldId} set when it changed</td><td>known, unless an
 * unchanged TOAST value whose old value the WAL lacks</td><td>known under FULL, or when the key column
 * is part of the replica identity</td></tr>
 * <tr><td>DELETE</td><td>from the old row</td><td>not known (no row after)</td><td>known under FULL, or
 * when the key column is part of the replica identity</td></tr>
 * <tr><td>TRUNCATE</td><td>{@code null}: every row of the table is gone</td><td>not known</td><td>not
 * known</td></tr>
 * </table>
 * Immutable; thread-safe as long as the id and key values are (they are for the usual id types).
 *
 * @param entity      the watched entity whose table the row belongs to
 * @param kind        what happened to the row
 * @param id          the row's id: after the change for INSERT and UPDATE, before it for DELETE;
 *                    {@code null} for TRUNCATE and when the WAL does not carry the id column
 *                    (e.g. a {@link Watched#id()} column outside the replica identity, on DELETE)
 * @param oldId       for an UPDATE that changed the id, the id before it; {@code null} otherwise,
 *                    including when the WAL does not carry the old id
 * @param newKey      the subscription key after the change, when {@code newKeyKnown}
 * @param newKeyKnown whether {@code newKey} is known: {@code true} for INSERT and UPDATE unless the
 *                    key is an unchanged TOAST value (only big values are) whose old value is not
 *                    in the WAL; always {@code false} for DELETE and TRUNCATE
 * @param oldKey      the subscription key before the change, when {@code oldKeyKnown}
 * @param oldKeyKnown whether {@code oldKey} is known: only for UPDATE and DELETE, when the WAL
 *                    carries the old key (REPLICA IDENTITY FULL, or a key column that is part of
 *                    the replica identity)
 * @param source      the decoded row change this was read from
 */
public record EntityChange(WatchedEntity<?> entity, ChangeKind kind, Object id, Object oldId,
                           Object newKey, boolean newKeyKnown, Object oldKey, boolean oldKeyKnown,
                           RowChange source) {

    /**
     * Creates an entity change; {@link WatchRegistry#changesOf} is the usual source.
     *
     * @throws IllegalArgumentException if a key that is not known has a value
     */
    public EntityChange {
        Objects.requireNonNull(entity, "entity");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(source, "source");
        if (!newKeyKnown && newKey != null || !oldKeyKnown && oldKey != null) {
            throw new IllegalArgumentException("A key that is not known has no value");
        }
    }

    /** {@return whether both keys are known and differ: the row moved from one subscription to another} */
    public boolean keyChanged() {
        return oldKeyKnown && newKeyKnown && !Objects.equals(oldKey, newKey);
    }

    /** {@return whether the UPDATE changed the row's id ({@link #oldId()} holds the old one)} */
    public boolean idChanged() {
        return oldId != null;
    }

    /** {@return the entity class, {@code entity().type()}} */
    public Class<?> type() {
        return entity.type();
    }
}
