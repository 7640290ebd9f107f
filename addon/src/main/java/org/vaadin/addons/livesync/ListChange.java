package org.vaadin.addons.livesync;

import java.io.Serializable;
import java.util.List;
import java.util.Set;

/**
 * What one update of a {@link WatchedList} or a {@link LiveDataProvider} changed, for its change
 * listeners: told after the change is shown, on the UI thread. One committed transaction (or several, coalesced while the UI was busy) is one
 * change. Immutable.
 *
 * @param changed    rows inserted or updated (their new versions, this view's own instances), in
 *                   the order they first changed
 * @param changedIds the ids of {@code changed}
 * @param removedIds ids of rows deleted, or moved to another subscription value
 * @param cleared    whether every row was removed first (TRUNCATE)
 * @param reloaded   whether the list was loaded anew (first load, a reload after an interruption
 *                   of the stream, or more changes than worth applying one by one): then the other
 *                   fields are empty, as anything may have changed. For a lazy list: whether the
 *                   change made it fetch its visible range and count again
 * @param <T>        the entity type
 */
public record ListChange<T>(List<T> changed, Set<Object> changedIds, Set<Object> removedIds,
                            boolean cleared, boolean reloaded) implements Serializable {

    /** Copies the collections: a change is immutable. */
    public ListChange {
        changed = List.copyOf(changed);
        changedIds = Set.copyOf(changedIds);
        removedIds = Set.copyOf(removedIds);
    }

    /**
     * Whether the row with this id was inserted or updated by this change.
     *
     * @param id the row's id
     * @return whether the row with this id was inserted or updated by this change
     */
    public boolean isChanged(Object id) {
        return changedIds.contains(id);
    }
}
