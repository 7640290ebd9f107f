package org.vaadin.addons.livesync.internal.dispatch;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.vaadin.addons.livesync.internal.watch.WatchedEntity;

/**
 * Loads rows by id for a view (a form's record, a set of records watched one by one): each as a
 * new, private instance ({@link EntityFetcher#copy}), and only when it belongs to the view's
 * subscription value ({@link WatchedEntity#belongsTo}), so a view never receives another tenant's
 * row. Ids of another Java type are converted first ({@link WatchedEntity#convertId}). Failures of
 * the database propagate to the caller. Thread-safe.
 */
final class RowFinder {

    private final EntityFetcher fetcher;

    RowFinder(EntityFetcher fetcher) {
        this.fetcher = fetcher;
    }

    /** One row, or null when it does not exist or does not belong to {@code subscriptionValue}. */
    <T> T find(WatchedEntity<T> entity, Object id, Object subscriptionValue) {
        T row = fetcher.fetchOne(entity, entity.convertId(id));
        return row == null || !entity.belongsTo(row, subscriptionValue) ? null : fetcher.copy(entity, row);
    }

    /**
     * The rows of {@code ids} that exist and belong to {@code subscriptionValue}, in the order of
     * {@code ids} (an id given twice counts once), in one query per {@link RowLoader#BATCH} ids.
     */
    <T> List<T> findAll(WatchedEntity<T> entity, Collection<?> ids, Object subscriptionValue) {
        Set<Object> wanted = new LinkedHashSet<>();
        for (Object id : ids) {
            wanted.add(entity.convertId(id));
        }
        List<Object> ordered = new ArrayList<>(wanted);
        Map<Object, T> found = new HashMap<>();
        for (int from = 0; from < ordered.size(); from += RowLoader.BATCH) {
            found.putAll(fetcher.fetch(entity, ordered.subList(from, Math.min(ordered.size(), from + RowLoader.BATCH))));
        }
        List<T> rows = new ArrayList<>(found.size());
        for (Object id : ordered) {
            T row = found.get(id);
            if (row != null && entity.belongsTo(row, subscriptionValue)) {
                rows.add(fetcher.copy(entity, row));
            }
        }
        return rows;
    }
}
