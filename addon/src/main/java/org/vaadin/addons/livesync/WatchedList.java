package org.vaadin.addons.livesync;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vaadin.addons.livesync.internal.dispatch.Delta;
import org.vaadin.addons.livesync.internal.dispatch.Pipeline;
import org.vaadin.addons.livesync.internal.dispatch.Subscription;
import org.vaadin.addons.livesync.internal.watch.WatchedEntity;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.dataview.GridListDataView;
import com.vaadin.flow.data.provider.ListDataProvider;
import com.vaadin.flow.function.SerializableConsumer;
import com.vaadin.flow.function.SerializableFunction;
import com.vaadin.flow.shared.Registration;
import com.vaadin.flow.signals.Signal;

/**
 * A list of one watched entity type for its scope's subscription value, kept live: loaded when the
 * scope's owner attaches (after registering, so no change is missed), then updated by every
 * committed insert, update, delete, move and truncate that concerns it, passed through its
 * {@link #withSync sync hook} (filter, sort, re-load associations) and shown.
 * <p>
 * The Grid stays yours: set {@link #dataProvider()} on it yourself
 * ({@code grid.setItems(list.dataProvider())} returns the Grid's data view as usual), or let
 * {@link #bind(Grid)} do it. Items are identified by the entity's id, so a new version of a row
 * keeps its selection; when only some rows change and the order stays, only those rows are sent.
 * What changed is told to {@link #addChangeListener change listeners}.
 * <p>
 * Not thread-safe: used only on the UI thread (inside {@code UI.access} for live changes).
 *
 * @param <T> the entity type
 */
public final class WatchedList<T> extends Watch {

    private static final Logger LOG = LoggerFactory.getLogger(WatchedList.class);

    private final LiveScope<?> scope;
    private final WatchKey<T> key;
    private final SerializableFunction<Object, List<T>> loader;
    /** For a list of chosen rows: their ids (converted), watched individually; null for all rows of the value. */
    private final List<Object> ids;
    /**
     * Every row of the subscription value as loaded and updated, in order, one per id: a plain list
     * (no entry object per row); a change finds its rows by id through an index made for it.
     */
    private final List<T> rows = new ArrayList<>();
    /** What the data provider shows (made with it): the provider reads it, {@link GridUpdate} changes it. */
    private List<T> backing;
    /** Replaced, never changed, on every add and remove (a list has few listeners, most none). */
    private List<SerializableConsumer<ListChange<T>>> listeners = List.of();
    private SyncHook<T> hook;
    private List<T> shown = List.of();
    private final LiveSignal<List<T>> shownSignal = new LiveSignal<>();
    private ListDataProvider<T> provider;
    private Grid<T> grid;
    private boolean cancelled;
    private transient Pipeline pipeline;
    private transient WatchedEntity<T> entity;
    private transient Subscription<T> subscription;
    private transient Object value;

    WatchedList(LiveScope<?> scope, WatchKey<T> key, SerializableFunction<Object, List<T>> loader) {
        this.scope = scope;
        this.key = key;
        this.loader = loader;
        this.ids = null;
    }

    /** A list of the rows with these ids only (those of the scope's value), each watched individually. */
    WatchedList(LiveScope<?> scope, WatchKey<T> key, java.util.Collection<?> ids) {
        this.scope = scope;
        this.key = key;
        this.loader = null;
        List<Object> converted = new ArrayList<>(ids.size());
        for (Object id : ids) {
            converted.add(entity().convertId(Objects.requireNonNull(id, "ids must not contain null")));
        }
        this.ids = List.copyOf(new LinkedHashSet<>(converted));
    }

    /** {@return the key it is watched under in its {@link LiveScope}} */
    public WatchKey<T> key() {
        return key;
    }

    /**
     * Sets the hook that makes what is shown of the rows (filter, sort, re-load associations); it
     * runs at once over the rows held, and after every change. Without one, a list of a
     * {@link LiveSyncView} uses the view's {@link LiveSyncView#sync}, any other shows the rows as
     * loaded.
     *
     * @param hook filters, sorts or re-loads the rows before they are shown
     * @return this list
     */
    public WatchedList<T> withSync(SyncHook<T> hook) {
        this.hook = Objects.requireNonNull(hook, "hook");
        if (isActive()) {
            show(null);
        }
        return this;
    }

    /**
     * What the list shows, as a read-only signal: the rows after the sync hook, an unmodifiable
     * list set anew after each change (so {@code signal().map(List::size)} is a live count). Only
     * rows of the scope's subscription value. Use it in {@code Signal.effect(component, ...)} or a
     * component binding. Session-local: read and bound on the UI thread; it serializes with the
     * session.
     *
     * @return what is shown now and after each change, as a signal
     */
    public Signal<List<T>> signal() {
        return shownSignal.get(shown);
    }

    /** {@return what is shown now: the rows after the sync hook} */
    public List<T> items() {
        return shown;
    }

    /** {@return every row of the subscription value as loaded and updated, before the sync hook} */
    public List<T> rows() {
        return List.copyOf(rows);
    }

    /**
     * The data provider that shows {@link #items()}, identifying items by the entity's id; set it on
     * a Grid (or any data view component) yourself: {@code grid.setItems(list.dataProvider())}.
     *
     * @return the data provider that shows {@link #items()}, identifying items by the entity's id; set it on a Grid
     *     (or any data view component) yourself
     */
    public ListDataProvider<T> dataProvider() {
        if (provider == null) {
            backing = new ArrayList<>(shown.size());
            provider = new ListDataProvider<>(backing) {
                @Override
                public Object getId(T item) {
                    return entity().idOf(item); // a new version of a row keeps its selection
                }
            };
            backing.addAll(shown);
        }
        return provider;
    }

    /**
     * Shows this list in {@code grid} ({@code grid.setItems(dataProvider())}) and returns the Grid's
     * data view. If the Grid's items are later replaced ({@code setItems} elsewhere), the list
     * stops updating that Grid and says so once in the log.
     *
     * @param grid the Grid
     * @return the Grid's data view
     */
    public GridListDataView<T> bind(Grid<T> grid) {
        this.grid = Objects.requireNonNull(grid, "grid");
        return grid.setItems(dataProvider());
    }

    /**
     * Tells {@code listener} what changed after each update is shown (and {@code reloaded} after a
     * load): e.g. to highlight changed rows. Runs on the UI thread; a listener that throws is logged
     * and the others still run.
     *
     * @param listener told on the UI thread after each change was applied
     * @return the registration that removes the listener
     */
    public Registration addChangeListener(SerializableConsumer<ListChange<T>> listener) {
        Objects.requireNonNull(listener, "listener");
        List<SerializableConsumer<ListChange<T>>> more = new ArrayList<>(listeners);
        more.add(listener);
        listeners = List.copyOf(more);
        return () -> {
            List<SerializableConsumer<ListChange<T>>> fewer = new ArrayList<>(listeners);
            if (fewer.remove(listener)) {
                listeners = List.copyOf(fewer);
            }
        };
    }

    /**
     * Runs the sync hook again over the rows held, without a query, and shows the result: for when
     * something the hook depends on changed (a filter checkbox, a sort order).
     */
    public void refresh() {
        show(null);
    }

    /**
     * Loads the list again through its loader (e.g. after the loader's own criteria changed). If the
     * loader throws, the list keeps what it shows, the failure is logged, and the load is tried
     * again after a backoff until it succeeds (the {@link LiveSync#liveState() live state} counts
     * the list as resyncing meanwhile).
     */
    @Override
    public void reload() {
        if (subscription != null) {
            pipeline.dispatcher().reloadRequested();
        }
        load();
    }

    /**
     * Loads it through its loader: first, on request, or when a change cannot be applied one by one
     * (a failure is retried: {@link Subscription#load}).
     */
    private void load() {
        if (subscription != null && subscription.load(this::fill)) {
            show(new ListChange<>(List.of(), Set.of(), Set.of(), false, true));
        }
    }

    /** Loads the rows and holds them (the list counts as loading meanwhile); on failure, {@link #rows} stay. */
    private void fill() {
        if (ids != null) {
            subscription.hold(ids); // before the load: a change that follows must find this list
        }
        subscription.beforeLoad();
        List<T> loaded = ids != null ? pipeline.findAll(entity, ids, value) : loader.apply(value);
        rows.clear();
        Map<Object, Integer> positions = new HashMap<>();
        for (T row : loaded == null ? List.<T>of() : loaded) {
            put(positions, Objects.requireNonNull(entity.idOf(row), "a loaded row has no id"), row);
        }
        if (ids == null) {
            subscription.releaseAll();
            subscription.hold(positions.keySet());
        }
    }

    /** Stops keeping it live (it keeps what it shows) and removes it from its scope. */
    public void cancel() {
        cancelled = true;
        detach();
        scope.forget(key, this);
    }

    /**
     * {@return whether it is registered, so that changes arrive (its scope's owner is attached and it was not
     *     cancelled)}
     */
    public boolean isActive() {
        return subscription != null;
    }

    @Override
    void attach(Pipeline pipeline, UI ui, Object subscriptionValue) {
        detach();
        if (cancelled) {
            return;
        }
        this.pipeline = pipeline;
        entity = pipeline.entity(key.type());
        value = subscriptionValue;
        subscription = ids != null
                ? pipeline.dispatcher().subscribeToHeldRows(ui, entity, subscriptionValue, this::apply, this)
                : pipeline.dispatcher().subscribe(ui, entity, subscriptionValue, this::apply, this);
        load();
        subscription.loaded();
    }

    @Override
    void detach() {
        if (subscription != null) {
            subscription.close();
            subscription = null;
        }
    }

    /** {@return its owner and key, as log lines name it (e.g. {@code TasksView/Task})} */
    @Override
    public String toString() {
        return scope.describe(key);
    }

    private WatchedEntity<T> entity() {
        if (entity == null) {
            entity = scope.pipeline().entity(key.type());
        }
        return entity;
    }

    private void apply(Delta<T> delta) {
        if (subscription == null || delta.isEmpty()) {
            return;
        }
        if (delta.reload()) {
            subscription.resync(this::load); // within the pipeline's bound of concurrent reloads
            return;
        }
        if (delta.cleared()) {
            if (ids == null) {
                subscription.releaseAll();
            }
            rows.clear();
        }
        Set<Object> removals = delta.removals();
        if (!removals.isEmpty()) {
            rows.removeIf(row -> removals.contains(entity.idOf(row)));
        }
        if (ids == null) {
            subscription.release(removals); // a list of chosen ids keeps them watched: they may come back
        }
        if (!delta.puts().isEmpty()) {
            Map<Object, Integer> positions = positions();
            delta.puts().forEach((id, row) -> put(positions, id, row));
        }
        subscription.hold(delta.puts().keySet());
        show(new ListChange<>(List.copyOf(delta.puts().values()), new LinkedHashSet<>(delta.puts().keySet()),
                Set.copyOf(delta.removals()), delta.cleared(), false));
    }

    /** Where each row is in {@link #rows}, by id: made for one change, not kept. */
    private Map<Object, Integer> positions() {
        Map<Object, Integer> positions = HashMap.newHashMap(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            positions.put(entity.idOf(rows.get(i)), i);
        }
        return positions;
    }

    /** A new version of a row takes the old one's place; a new row goes last. */
    private void put(Map<Object, Integer> positions, Object id, T row) {
        Integer at = positions.putIfAbsent(id, rows.size());
        if (at == null) {
            rows.add(row);
        } else {
            rows.set(at, row);
        }
    }

    private void show(ListChange<T> change) {
        List<T> updated = new ArrayList<>(rows);
        List<T> result;
        try {
            result = hook != null ? hook.sync(updated) : scope.defaultSync(key, updated);
        } catch (RuntimeException e) {
            LOG.error("The sync hook of {} threw; the list keeps showing the previous rows", scope.describe(key), e);
            return;
        }
        shown = Collections.unmodifiableList(new ArrayList<>(result == null ? List.of() : result));
        shownSignal.set(() -> shown);
        if (provider != null && gridStillOurs()) {
            GridUpdate.apply(provider, backing, shown);
        }
        if (change != null) {
            for (SerializableConsumer<ListChange<T>> listener : listeners) {
                try {
                    listener.accept(change);
                } catch (RuntimeException e) {
                    LOG.error("A change listener of {} threw; the other listeners still run", scope.describe(key), e);
                }
            }
        }
    }

    /** Whether the bound Grid (if any) still shows this list; says once when it stopped. */
    private boolean gridStillOurs() {
        if (grid != null && grid.getDataProvider() != provider) {
            LOG.warn("The items of the Grid bound to {} were replaced (setItems): live updates for that Grid stopped. "
                    + "Set the list's dataProvider() on the Grid again to resume them.", scope.describe(key));
            grid = null;
            return false;
        }
        return true;
    }
}
