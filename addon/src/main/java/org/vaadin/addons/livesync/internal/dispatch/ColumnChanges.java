package org.vaadin.addons.livesync.internal.dispatch;

import java.util.Collection;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

import org.vaadin.addons.livesync.internal.decode.ChangeKind;
import org.vaadin.addons.livesync.internal.decode.Column;
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
    static final ColumnChanges UNKNOWN = new ColumnChanges(Set.of(), Set.of(), null);

    private final Set<String> known;
    private final Set<String> changed;
    /** The whole row before the update (REPLICA IDENTITY FULL), or null when the WAL has only its key. */
    private final Row before;

    private ColumnChanges(Set<String> known, Set<String> changed, Row before) {
        this.known = known;
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
        if (change.kind() != ChangeKind.UPDATE || change.newRow() == null) {
            return UNKNOWN;
        }
        Set<String> known = knownColumns(change);
        if (known == null) {
            return UNKNOWN;
        }
        Set<String> changed = change.changed() != null ? change.changed() : changedColumns(change);
        boolean whole = change.oldRow() != null && !change.oldRowIsKeyOnly();
        return new ColumnChanges(known, changed, whole ? change.oldRow() : null);
    }

    /** The columns whose change the WAL tells of: all with a whole old row, else the identity's; null for none. */
    private static Set<String> knownColumns(RowChange change) {
        boolean whole = change.oldRow() != null && !change.oldRowIsKeyOnly();
        ReplicaIdentity identity = change.relation().replicaIdentity();
        if (!whole && identity != ReplicaIdentity.DEFAULT && identity != ReplicaIdentity.INDEX) {
            return null; // NOTHING: no key; FULL always carries the old row
        }
        Set<String> known = new HashSet<>();
        for (Column column : change.relation().columns()) {
            if (whole || column.partOfKey()) {
                known.add(column.name());
            }
        }
        return known.isEmpty() ? null : Set.copyOf(known);
    }

    /**
     * The columns an UPDATE changed among those the WAL tells of, read from its rows as decoded
     * (before they are reduced to the columns routing reads).
     *
     * @param change an UPDATE as decoded
     * @return the changed columns; null when the WAL tells of none
     */
    static Set<String> changedColumns(RowChange change) {
        Set<String> known = knownColumns(change);
        if (known == null || change.newRow() == null) {
            return null;
        }
        Row now = change.newRow();
        Row old = change.oldRow();
        if (old == null) {
            return Set.of(); // no old key: no key column changed
        }
        Set<String> changed = new HashSet<>();
        for (String name : known) {
            // an unchanged TOAST value is not sent again: left alone
            if (!now.isUnchanged(name) && !Objects.equals(old.value(name), now.value(name))) {
                changed.add(name);
            }
        }
        return Set.copyOf(changed);
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
        if (columns == null || !known.containsAll(columns)) {
            return false;
        }
        for (String column : columns) {
            if (changed.contains(column)) {
                return false;
            }
        }
        return true;
    }

    /**
     * What two updates of the same row, this one and then {@code later}, changed together.
     *
     * @param later the later update's column changes
     * @return the columns both know, changed if either changed them
     */
    ColumnChanges then(ColumnChanges later) {
        if (this == UNKNOWN || later == UNKNOWN) {
            return UNKNOWN;
        }
        Set<String> bothKnow = new HashSet<>(known);
        bothKnow.retainAll(later.known);
        Set<String> either = new HashSet<>(changed);
        either.addAll(later.changed);
        either.retainAll(bothKnow);
        return bothKnow.isEmpty() ? UNKNOWN : new ColumnChanges(Set.copyOf(bothKnow), Set.copyOf(either),
                before != null && later.before != null ? before : null);
    }

    @Override
    public String toString() {
        return this == UNKNOWN ? "ColumnChanges[unknown]" : "ColumnChanges[known " + known + ", changed " + changed + "]";
    }
}
