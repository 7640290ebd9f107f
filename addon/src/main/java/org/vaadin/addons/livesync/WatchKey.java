package org.vaadin.addons.livesync;

import java.io.Serializable;
import java.util.Objects;

/**
 * Names one watched list or bean of a view, so that {@link LiveSyncView#sync} can tell them apart.
 * Immutable and thread-safe.
 *
 * @param name a name unique within the view
 * @param type the entity type
 * @param <T>  the entity type
 */
public record WatchKey<T>(String name, Class<T> type) implements Serializable {

    public WatchKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }

    /** The key named after the type, e.g. {@code Task}. */
    public static <T> WatchKey<T> of(Class<T> type) {
        return new WatchKey<>(type.getSimpleName(), type);
    }

    /** A named key, for a view that watches the same type twice. */
    public static <T> WatchKey<T> of(String name, Class<T> type) {
        return new WatchKey<>(name, type);
    }
}
