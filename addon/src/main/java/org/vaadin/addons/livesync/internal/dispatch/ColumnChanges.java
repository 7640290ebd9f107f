package org.vaadin.addons.livesync.internal.dispatch;

import java.util.Collection;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

import org.vaadin.addons.livesync.internal.decode.ChangeKind;
import org.vaadin.addons.livesync.internal.decode.Column;
import org.vaadin.addons.livesync.internal.decode.Relation;
import org.vaadin.addons.livesync.internal.decode.ReplicaIdentity;
import org.vaadin.addons.livesync.internal.decode.Row;
import org.vaadin.addons.livesync.internal.decode.RowChange;

/**
 * Which columns an UPDATE changed, as far as the WAL tells: with {@code REPLICA IDENTITY FULL} it
 * carries the whole old row, so every column is known; otherwise it carries the old values of the
 * identity's columns only when one of them changed (and nothing when none did), so exactly the
 * identity's columns are known. A lazy view uses it to tell, without a query, that an update of a
 * row it does not show left what its filter and order read alone. Immutable and thread-safe.
 * Internal: not part of the add-on's API.
 */
public final class ColumnChanges {

    /** Nothing known (an insert, a delete, a change set aside and delivered late). */
    static final ColumnChanges UNKNOWN = new ColumnChanges(null, false, Set.of(), null);

    /** The table as the update described it; null for {@link #UNKNOWN}. */
    private final Relation relation;
    /** Whether every column is known (the whole old row), else only the identity's key columns. */
    private final boolean whole;
    private final Set<String> changed;
    /** The whole row before the update (REPLICA IDENTITY FULL), or null when the WAL has only its key. */
    private final Row before;

    private ColumnChanges(Relation relation, boolean whole, Set<String> changed, Row before) {
        this.relation = relation;
        this.whole = whole;
        this.changed = changed;
        this.before = before;
    }

    /**
     * What the WAL tells about the columns an update changed.
     *
     * @param change a row change as decoded
     * @return the columns known, and which of them changed; {@link #UNKNOWN} for anything but an update
     */
    static ColumnChanges of(RowChange change) {
        if (change.kind() != ChangeKind.UPDATE || change.newRow() == null || !tellsColumns(change)) {
            return UNKNOWN;
        }
        Set<String> changed = change.changed() != null ? change.changed() : changedColumns(change);
        boolean whole = wholeOldRow(change);
        return new ColumnChanges(change.relation(), whole, changed, whole ? change.oldRow() : null);
    }

    private static boolean wholeOldRow(RowChange change) {
        return change.oldRow() != null && !change.oldRowIsKeyOnly();
    }

    /** Whether the WAL tells of any column's change: a whole old row, or an identity with key columns. */
    private static boolean tellsColumns(RowChange change) {
        if (wholeOldRow(change)) {
            return true;
        }
        ReplicaIdentity identity = change.relation().replicaIdentity();
        if (identity != ReplicaIdentity.DEFAULT && identity != ReplicaIdentity.INDEX) {
            return false; // NOTHING: no key; FULL always carries the old row
        }
        for (Column column : change.relation().columns()) {
            if (column.partOfKey()) {
                return true;
            }
        }
        return false;
    }

    /**
     * The columns an UPDATE changed among those the WAL tells of (every column with a whole old row,
     * else the identity's), read from its rows as decoded (before they are reduced to the columns
     * routing reads).
     *
     * @param change an UPDATE as decoded
     * @return the changed columns; null when the WAL tells of none
     */
    static Set<String> changedColumns(RowChange change) {
        if (change.newRow() == null || !tellsColumns(change)) {
            return null;
        }
        Row now = change.newRow();
        Row old = change.oldRow();
        if (old == null) {
            return Set.of(); // no old key: no key column changed
        }
        boolean whole = wholeOldRow(change);
        Set<String> changed = null;
        for (Column column : change.relation().columns()) {
            String name = column.name();
            // an unchanged TOAST value is not sent again: left alone
            if ((whole || column.partOfKey()) && !now.isUnchanged(name)
                    && !Objects.equals(old.value(name), now.value(name))) {
                if (changed == null) {
                    changed = new HashSet<>();
                }
                changed.add(name);
            }
        }
        return changed == null ? Set.of() : Set.copyOf(changed);
    }

    /** {@return the columns known to have changed} */
    Set<String> changed() {
        return changed;
    }

    /** {@return whether the WAL carried the whole row before the update(s) (REPLICA IDENTITY FULL), so it can be rebuilt} */
    public boolean hasOldRow() {
        return before != null;
    }

    /** The whole row before the update(s), or null when the WAL did not carry it. */
    Row before() {
        return before;
    }

    /**
     * Whether every one of {@code columns} is known and none changed.
     *
     * @param columns column names, as stored; {@code null} for columns that are not known
     * @return whether the update is known to have left all of them alone
     */
    public boolean leftAlone(Collection<String> columns) {
        if (columns == null || relation == null) {
            return false;
        }
        for (String column : columns) {
            if (!knows(column) || changed.contains(column)) {
                return false;
            }
        }
        return true;
    }

    /** Whether the WAL tells whether the column changed: every column with a whole old row, else the key's. */
    private boolean knows(String column) {
        int index = relation.columnIndex(column);
        return index >= 0 && (whole || relation.columns().get(index).partOfKey());
    }

    /**
     * What two updates of the same row, this one and then {@code later}, changed together.
     *
     * @param later the later update's column changes
     * @return the columns both know (all if both carried the whole old row, else the key's), changed if
     *     either changed them
     */
    ColumnChanges then(ColumnChanges later) {
        if (this == UNKNOWN || later == UNKNOWN) {
            return UNKNOWN;
        }
        Set<String> either = new HashSet<>(changed);
        either.addAll(later.changed);
        boolean bothWhole = whole && later.whole;
        return new ColumnChanges(later.relation, bothWhole, Set.copyOf(either), bothWhole ? before : null);
    }

    @Override
    public String toString() {
        return this == UNKNOWN ? "ColumnChanges[unknown]"
                : "ColumnChanges[known " + (whole ? "every column" : "the key's") + ", changed " + changed + "]";
    }
}
