package org.vaadin.addons.livesync.dispatch;

import java.util.Collection;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.vaadin.addons.livesync.watch.WatchedEntity;

import com.vaadin.flow.component.UI;

/**
 * One view's interest in one watched entity type for one subscription value, registered with the
 * {@link Dispatcher}. It also tells the dispatcher which rows (by id) the view holds, so that
 * deletes and moves whose old subscription key the WAL does not carry still reach exactly the views
 * that show the row.
 * <p>
 * Thread-safe. {@link #hold}, {@link #release} and {@link #loaded} are meant for the UI thread;
 * {@link #close()} may be called from any thread and is idempotent.
 *
 * @param <T> the entity type
 */
public final class Subscription<T> implements AutoCloseable {

    private final Dispatcher dispatcher;
    private final UI ui;
    private final WatchedEntity<T> entity;
    private final Object value;
    private final SubscriptionSink<T> sink;
    private final String description;
    private final Set<Object> held = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    Subscription(Dispatcher dispatcher, UI ui, WatchedEntity<T> entity, Object value, SubscriptionSink<T> sink,
                 String description) {
        this.dispatcher = dispatcher;
        this.ui = ui;
        this.entity = entity;
        this.value = value;
        this.sink = sink;
        this.description = description;
    }

    /** The UI it delivers to. */
    public UI ui() {
        return ui;
    }

    /** The watched entity. */
    public WatchedEntity<T> entity() {
        return entity;
    }

    /** The subscription value: only rows whose subscription key equals it are delivered. */
    public Object value() {
        return value;
    }

    /** Whether it was closed. */
    public boolean isClosed() {
        return closed;
    }

    /** Records that the view now shows these rows. */
    public void hold(Collection<?> ids) {
        if (closed) {
            return;
        }
        for (Object id : ids) {
            if (id != null && held.add(id)) {
                dispatcher.indexHolder(this, id);
            }
        }
    }

    /** Records that the view no longer shows these rows. */
    public void release(Collection<?> ids) {
        for (Object id : ids) {
            if (id != null && held.remove(id)) {
                dispatcher.unindexHolder(this, id);
            }
        }
    }

    /** Records that the view shows none of its rows any more. */
    public void releaseAll() {
        release(Set.copyOf(held));
    }

    /** Whether the view holds the row. */
    public boolean holds(Object id) {
        return held.contains(id);
    }

    /** How many rows the view holds. */
    public int heldCount() {
        return held.size();
    }

    /**
     * Marks the first load as done. Until then, deletes whose tenant is unknown are sent to it too
     * (they are applied after the load), so none is lost between registering and loading.
     */
    public void loaded() {
        dispatcher.loaded(this);
    }

    SubscriptionSink<T> sink() {
        return sink;
    }

    Set<Object> heldIds() {
        return held;
    }

    /** Unregisters: no more deliveries, and every index entry is removed. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            dispatcher.unregister(this);
        }
    }

    @Override
    public String toString() {
        return "Subscription[" + description + ", " + entity.type().getSimpleName() + " = " + value + "]";
    }

    static Object requireValue(Object value) {
        return Objects.requireNonNull(value, "The subscription value must not be null");
    }
}
