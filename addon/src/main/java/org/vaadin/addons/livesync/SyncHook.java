package org.vaadin.addons.livesync;

import java.io.Serializable;
import java.util.List;

/**
 * A watched list's hook: receives the list's rows (loaded and kept up to date) before they are
 * shown, at the first load and after every change, and returns what to show — filter, sort,
 * re-load associations. Runs on the UI thread; if it throws, the error is logged and the list keeps
 * showing what it showed.
 *
 * <pre>
 * tasks.withSync(rows -&gt; rows.stream().filter(t -&gt; !t.isDone()).sorted(BY_TITLE).toList());
 * </pre>
 *
 * @param <T> the entity type
 */
@FunctionalInterface
public interface SyncHook<T> extends Serializable {

    /**
     * What to show of {@code rows}.
     *
     * @param rows the list's rows in load order, updated (a new list, which the hook may change)
     * @return the rows to show, in the order to show them
     */
    List<T> sync(List<T> rows);
}
