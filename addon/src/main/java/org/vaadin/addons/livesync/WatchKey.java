package org.vaadin.addons.livesync;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * Names one watched list or bean of a {@link LiveScope}, so that it can be cancelled and found, and
 * so that a view-level {@link LiveSyncView#sync} can tell the lists apart.
 * Immutable and thread-safe.
 *
 * @param name a name unique within the view
 * @param type the entity type
 * @param <T>  the entity type
 */
public record WatchKey<T>(String name, Class<T> type) implements Serializable {

    /** Checks that both are given. */
    public WatchKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }

    /**
     * The key named after the type, e.g. {@code Task}.
     *
     * @param <T> the entity type
     * @param type the watched entity type
     * @return the key named after the type, e.g. {@code Task}
     */
    public static <T> WatchKey<T> of(Class<T> type) {
        return new WatchKey<>(type.getSimpleName(), type);
    }

    /**
     * For a view-level {@code sync()} that handles several watched lists without casts: when this key
     * is {@code key}, the rows that {@code hook} makes of {@code rows}; otherwise {@code rows}.
     *
     * <pre>
     * protected &lt;T&gt; List&lt;T&gt; sync(WatchKey&lt;T&gt; key, List&lt;T&gt; rows) {
     *     return key.when(TASKS, rows, tasks -&gt; tasks.stream().sorted(BY_TITLE).toList());
     * }
     * </pre>
     *
     * @param <U> the entity type of {@code key}
     * @param key the watch key
     * @param rows the rows the view-level {@code sync()} was called with
     * @param hook makes the rows to show of the rows of {@code key}'s list
     * @return what {@code hook} made of {@code rows} when this key is {@code key}; otherwise {@code rows}
     */
    @SuppressWarnings("unchecked") // equal keys have equal types
    public <U> List<T> when(WatchKey<U> key, List<T> rows, SyncHook<U> hook) {
        if (!equals(key)) {
            return rows;
        }
        List<U> result = hook.sync((List<U>) rows);
        return (List<T>) result;
    }

    /**
     * A named key, for a view that watches the same type twice.
     *
     * @param <T> the entity type
     * @param name the key's name, unique among the keys of one type in a view
     * @param type the watched entity type
     * @return a named key, for a view that watches the same type twice
     */
    public static <T> WatchKey<T> of(String name, Class<T> type) {
        return new WatchKey<>(name, type);
    }
}
