package org.vaadin.addons.livesync.internal.dispatch;

import java.io.Serializable;

/**
 * The persisted state of one watched row as a form loaded it: what {@link SaveGuard} compares with
 * the row in the database before it lets a save write. Holds a private copy of every column value
 * (a to-one association as the associated entity's id; collections are not part of the row).
 * <p>
 * Immutable and thread-safe; opaque outside this package.
 */
public final class RowState implements Serializable {

    /** Stands for a lazy attribute that was not loaded: never compared. */
    enum Unfetched {
        VALUE
    }

    private final Class<?> type;
    private final Object[] values;

    RowState(Class<?> type, Object[] values) {
        this.type = type;
        this.values = values;
    }

    Class<?> type() {
        return type;
    }

    /** The value of the persister's property {@code index}. */
    Object value(int index) {
        return values[index];
    }

    int size() {
        return values.length;
    }

    @Override
    public String toString() {
        return "RowState[" + type.getSimpleName() + ", " + values.length + " properties]";
    }
}
