package org.vaadin.addons.livesync;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vaadin.addons.livesync.internal.dispatch.Delta;
import org.vaadin.addons.livesync.internal.dispatch.Subscription;
import org.vaadin.addons.livesync.internal.dispatch.SubscriptionSink;
import org.vaadin.addons.livesync.internal.watch.WatchedEntity;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.function.SerializableConsumer;
import com.vaadin.flow.function.SerializableFunction;

/**
 * A list of one watched entity type for the view's subscription value, kept live: loaded through
 * the view's loader when the view attaches (after registering, so no change is missed), then
 * updated by every committed insert, update, delete, move and truncate that concerns it, and shown
 * through {@link LiveSyncView#sync} (filter, sort, re-load associations) to its display — usually
 * a Grid.
 * <p>
 * Not thread-safe: used only on the UI thread (inside {@code UI.access} for live changes).
 *
 * @param <T> the entity type
 */
public final class WatchedList<T> implements Watch {

    private static final Logger LOG = LoggerFactory.getLogger(WatchedList.class);

    private final LiveSyncView<?> view;
    private final WatchKey<T> key;
    private final SerializableFunction<Object, List<T>> loader;
    private final SerializableConsumer<List<T>> display;
    private final LinkedHashMap<Object, T> rows = new LinkedHashMap<>();
    private List<T> shown = List.of();
    private transient WatchedEntity<T> entity;
    private transient Subscription<T> subscription;
    private transient Object value;

    WatchedList(LiveSyncView<?> view, WatchKey<T> key, SerializableFunction<Object, List<T>> loader,
                SerializableConsumer<List<T>> display) {
        this.view = view;
        this.key = key;
        this.loader = loader;
        this.display = display;
    }

    /** The key that {@link LiveSyncView#sync} receives for this list. */
    public WatchKey<T> key() {
        return key;
    }

    /** What is shown now: the loaded and updated rows after {@link LiveSyncView#sync}. Unmodifiable. */
    public List<T> items() {
        return shown;
    }

    /** All rows of the subscription value as loaded and updated, before {@link LiveSyncView#sync}. */
    public List<T> rows() {
        return List.copyOf(rows.values());
    }

    /**
     * Runs {@link LiveSyncView#sync} again over the rows held, without a query, and shows the
     * result: for when something the hook depends on changed (a filter checkbox, a sort order).
     */
    public void refresh() {
        show();
    }

    @Override
    public void attach(LiveSync liveSync, UI ui, Object subscriptionValue) {
        detach();
        entity = liveSync.pipeline().entity(key.type());
        value = subscriptionValue;
        subscription = liveSync.pipeline().dispatcher().subscribe(ui, entity, subscriptionValue, sink(),
                view.getClass().getSimpleName() + "/" + key.name());
        reload();
        subscription.loaded();
    }

    @Override
    public void detach() {
        if (subscription != null) {
            subscription.close();
            subscription = null;
        }
    }

    @Override
    public void reload() {
        if (subscription == null) {
            return;
        }
        subscription.beforeLoad();
        List<T> loaded = loader.apply(value);
        rows.clear();
        for (T row : loaded == null ? List.<T>of() : loaded) {
            rows.put(Objects.requireNonNull(entity.idOf(row), "a loaded row has no id"), row);
        }
        subscription.releaseAll();
        subscription.hold(rows.keySet());
        show();
    }

    private SubscriptionSink<T> sink() {
        return this::apply;
    }

    private void apply(Delta<T> delta) {
        if (subscription == null || delta.isEmpty()) {
            return;
        }
        if (delta.reload()) {
            reload();
            return;
        }
        if (delta.cleared()) {
            subscription.releaseAll();
            rows.clear();
        }
        for (Object id : delta.removals()) {
            rows.remove(id);
        }
        subscription.release(delta.removals());
        for (Map.Entry<Object, T> put : delta.puts().entrySet()) {
            rows.put(put.getKey(), put.getValue());
        }
        subscription.hold(delta.puts().keySet());
        show();
    }

    private void show() {
        List<T> updated = new ArrayList<>(rows.values());
        List<T> result;
        try {
            result = view.sync(key, updated);
        } catch (RuntimeException e) {
            LOG.error("sync() of {} for {} threw; the view keeps showing the previous data", view.getClass().getName(),
                    key, e);
            return;
        }
        shown = Collections.unmodifiableList(new ArrayList<>(result == null ? List.of() : result));
        display.accept(shown);
    }
}
