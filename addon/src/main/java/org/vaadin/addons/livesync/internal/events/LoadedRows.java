package org.vaadin.addons.livesync.internal.events;

import org.vaadin.addons.livesync.internal.watch.WatchedEntity;

/**
 * The rows the dispatcher loaded for one visible transaction (for its views and its listeners
 * alike), handed out only as private copies. Used on the delivery thread only.
 */
public interface LoadedRows {

    /** None: for a transaction nothing was loaded for. */
    LoadedRows NONE = new LoadedRows() {
        @Override
        public <T> T copy(WatchedEntity<T> entity, Object id) {
            return null;
        }
    };

    /**
     * A private copy of the row with that id (its own instance and loaded associations), or
     * {@code null} when it was not loaded: it is gone, cannot be read, or was not asked for.
     *
     * @param <T> the entity type
     * @param entity the watched entity the row is of
     * @param id the row's id
     * @return a private copy of the row, or {@code null} when it was not loaded
     */
    <T> T copy(WatchedEntity<T> entity, Object id);
}
