package org.vaadin.addons.livesync;

import java.util.List;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.Composite;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.data.binder.Binder;
import com.vaadin.flow.function.SerializableFunction;

/**
 * A view that stays live with the database: a {@link Composite} whose root you choose, with a
 * {@link LiveScope} for its subscription value and an overridable {@link #sync} hook.
 *
 * <pre>
 * &#64;Route("")
 * public class TasksView extends LiveSyncView&lt;Long, VerticalLayout&gt; {
 *     TasksView(TaskRepository tasks, CurrentUser user) {
 *         super(user.organizationId());                       // decided on the server
 *         watchList(Task.class, grid, tasks::findByOrganizationId);
 *         WatchedBean&lt;Task&gt; form = watchBean(Task.class, binder);
 *         grid.asSingleSelect().addValueChangeListener(e -&gt; form.show(e.getValue() == null ? null : e.getValue().getId()));
 *         getContent().add(grid, ...);
 *     }
 *
 *     &#64;Override
 *     protected &lt;T&gt; List&lt;T&gt; sync(WatchKey&lt;T&gt; key, List&lt;T&gt; rows) {
 *         return key.when(WatchKey.of(Task.class), rows, tasks -&gt; tasks.stream().sorted(BY_TITLE).toList());
 *     }
 * }
 * </pre>
 *
 * It is sugar over {@link LiveScope}: everything it watches is bound to the view, registered while
 * it is attached and unregistered when it detaches. A view that must extend another class uses
 * {@code LiveScope.of(this, value)} the same way.
 * <p>
 * Not thread-safe, like every component: use it on the UI thread.
 *
 * @param <S> the subscription value's type: the type of the watched entities' subscription key
 * @param <R> the view's root component (created by {@link Composite#initContent()}, or override it)
 */
public abstract class LiveSyncView<S, R extends Component> extends Composite<R> {

    private final LiveScope<S> live;

    /**
     * A view for this subscription value, using the application's {@link LiveSync}.
     *
     * @param subscriptionValue the subscription value (e.g. the user's organization)
     */
    protected LiveSyncView(S subscriptionValue) {
        this.live = LiveScope.of(this, subscriptionValue);
        live.setDefaultSync(this::sync);
    }

    /**
     * A view for this subscription value, using the given {@link LiveSync}.
     *
     * @param liveSync the LiveSync to use
     * @param subscriptionValue the subscription value (e.g. the user's organization)
     */
    protected LiveSyncView(LiveSync liveSync, S subscriptionValue) {
        this.live = LiveScope.of(this, subscriptionValue, liveSync);
        live.setDefaultSync(this::sync);
    }

    /**
     * {@return the scope of this view: what it watches, for {@link LiveScope#cancel} and {@link
     *     LiveScope#isWatching}}
     */
    public LiveScope<S> live() {
        return live;
    }

    /** {@return the subscription value: only rows whose subscription key equals it are shown} */
    public S getSubscriptionValue() {
        return live.getSubscriptionValue();
    }

    /**
     * Changes the subscription value (e.g. the user switched organization, as decided on the
     * server): every watched list and bean registers anew and loads again.
     *
     * @param value the new subscription value
     */
    protected void setSubscriptionValue(S value) {
        live.setSubscriptionValue(value);
    }

    /**
     * Watches a list loaded by {@code loader} for the subscription value, shown through
     * {@link #sync} unless it gets a {@link WatchedList#withSync hook} of its own.
     *
     * @param <T> the entity type
     * @param type the watched entity type
     * @param loader loads the rows of a subscription value (the first load and each reload)
     * @return the watched list
     */
    protected <T> WatchedList<T> watchList(Class<T> type, SerializableFunction<S, List<T>> loader) {
        return live.watchList(type, loader);
    }

    /**
     * As {@link #watchList(Class, SerializableFunction)}, under a key of its own (to watch one type twice).
     *
     * @param <T> the entity type
     * @param key the watch key
     * @param loader loads the rows of a subscription value (the first load and each reload)
     * @return the watched list
     */
    protected <T> WatchedList<T> watchList(WatchKey<T> key, SerializableFunction<S, List<T>> loader) {
        return live.watchList(key, loader);
    }

    /**
     * Watches a list and shows it in {@code grid} ({@link WatchedList#bind}).
     *
     * @param <T> the entity type
     * @param type the watched entity type
     * @param grid the Grid
     * @param loader loads the rows of a subscription value (the first load and each reload)
     * @return the watched list
     */
    protected <T> WatchedList<T> watchList(Class<T> type, Grid<T> grid, SerializableFunction<S, List<T>> loader) {
        WatchedList<T> list = live.watchList(type, loader);
        list.bind(grid);
        return list;
    }

    /**
     * Watches a lazy list (the database pages, sorts and filters) and returns its live data provider:
     * {@code grid.setItems(provider)}. See {@link LiveScope#watchLazy(Class, LiveFetch, LiveCount)}.
     *
     * @param <T> the entity type
     * @param <F> the filter type
     * @param type the watched entity type
     * @param fetch fetches a page of rows for a subscription value and a query
     * @param count counts the rows for a subscription value and a query
     * @return the live data provider, to set on a Grid
     */
    protected <T, F> LiveDataProvider<T, F> watchLazy(Class<T> type, LiveFetch<S, T, F> fetch, LiveCount<S, T, F> count) {
        return live.watchLazy(type, fetch, count);
    }

    /**
     * As {@link #watchLazy(Class, LiveFetch, LiveCount)}, under a key of its own (e.g. per status a
     * view's fetch captures, so that views of other queries never share a page).
     *
     * @param <T> the entity type
     * @param <F> the filter type
     * @param key the watch key
     * @param fetch fetches a page of rows for a subscription value and a query
     * @param count counts the rows for a subscription value and a query
     * @return the live data provider, to set on a Grid
     */
    protected <T, F> LiveDataProvider<T, F> watchLazy(WatchKey<T> key, LiveFetch<S, T, F> fetch,
                                                      LiveCount<S, T, F> count) {
        return live.watchLazy(key, fetch, count);
    }

    /**
     * Watches the rows with these ids (those of the subscription value): see
     * {@link LiveScope#watchIds}. To watch another set, {@code live().cancel(key)} first.
     *
     * @param <T> the entity type
     * @param key the watch key
     * @param ids the rows' ids
     * @return the watched list
     */
    protected <T> WatchedList<T> watchIds(WatchKey<T> key, java.util.Collection<?> ids) {
        return live.watchIds(key, ids);
    }

    /**
     * Watches one record at a time, shown in {@code binder}; show one with {@link WatchedBean#show}.
     *
     * @param <T> the entity type
     * @param type the watched entity type
     * @param binder the form's binder (buffered)
     * @return the watched bean
     */
    protected <T> WatchedBean<T> watchBean(Class<T> type, Binder<T> binder) {
        return live.watchBean(type, binder);
    }

    /**
     * As {@link #watchBean(Class, Binder)}, under a key of its own.
     *
     * @param <T> the entity type
     * @param key the watch key
     * @param binder the form's binder (buffered)
     * @return the watched bean
     */
    protected <T> WatchedBean<T> watchBean(WatchKey<T> key, Binder<T> binder) {
        return live.watchBean(key, binder);
    }

    /**
     * Called with a watched list's rows before they are shown, at the first load and after every
     * change, for the lists without a {@link WatchedList#withSync hook} of their own: filter, sort,
     * re-load associations. Runs on the UI thread. The default shows the rows as they are. If it
     * throws, the error is logged and the list keeps what it showed. To handle several lists
     * without casts, use {@link WatchKey#when}.
     *
     * @param <T> the entity type
     * @param key  which watched list
     * @param rows the list's rows, loaded and updated (a new list you may change)
     * @return what to show
     */
    protected <T> List<T> sync(WatchKey<T> key, List<T> rows) {
        return rows;
    }

    /** Loads every watched list and bean again. */
    public void reload() {
        live.reload();
    }
}
