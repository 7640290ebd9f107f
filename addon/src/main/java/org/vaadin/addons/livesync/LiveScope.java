package org.vaadin.addons.livesync;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.vaadin.addons.livesync.internal.dispatch.Pipeline;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.data.binder.Binder;
import com.vaadin.flow.function.SerializableFunction;
import com.vaadin.flow.shared.Registration;

/**
 * What one component keeps live for one subscription value: watched lists and beans bound to an
 * owner component, subscribed while it is attached and unsubscribed when it detaches — from any
 * component, without a base class (a {@code Composite}, a dialog, a view that extends the
 * application's own base class):
 *
 * <pre>
 * public class TaskPanel extends Composite&lt;Div&gt; {
 *     TaskPanel(TaskRepository tasks, CurrentUser user) {
 *         LiveScope&lt;Long&gt; live = LiveScope.of(this, user.organizationId()); // decided on the server
 *         WatchedList&lt;Task&gt; list = live.list(Task.class, tasks::findByOrganizationId)
 *                 .withSync(rows -&gt; rows.stream().sorted(BY_TITLE).toList());
 *         grid.setItems(list.dataProvider());
 *     }
 * }
 * </pre>
 *
 * When the owner attaches, each list and bean registers with {@link LiveSync} and then loads, so
 * nothing committed meanwhile is lost; while attached, committed changes whose subscription key
 * equals the subscription value arrive through {@code UI.access} (at once with {@code @Push}) and
 * are shown; when it detaches, every registration is removed. After an interruption of the stream,
 * lists and beans load again. {@link LiveSyncView} is a view base class over the same mechanism.
 * <p>
 * A session holding live scopes survives serialization (session persistence or replication):
 * everything it watches registers again and loads again at the session's next request, given that
 * {@link LiveSync#install(com.vaadin.flow.server.ServiceInitEvent) LiveSync is installed} on the
 * Vaadin service (the Spring Boot auto-configuration does it). The loaders, hooks and listeners
 * must then be serializable too (the {@code Serializable*} function types are), as any state of a
 * Vaadin session must.
 * <p>
 * Not thread-safe, like the components it serves: use it on the UI thread.
 *
 * @param <S> the subscription value's type: the type of the watched entities' subscription key
 */
public final class LiveScope<S> implements Serializable {

    /** A view-level hook for the lists that have none of their own ({@link LiveSyncView#sync}). */
    interface DefaultSync extends Serializable {
        <T> List<T> sync(WatchKey<T> key, List<T> rows);
    }

    /** A watched list or bean under its key: a list and a bean may share a key (a Grid and its form). */
    private record Entry(WatchKey<?> key, Watch watch, boolean bean) implements Serializable {
    }

    private final Component owner;
    /** The watched lists and beans in the order they were added: a scope has a few, so a list, not a map. */
    private final List<Entry> watches = new ArrayList<>(2);
    private Registration onAttach;
    private Registration onDetach;
    private S subscriptionValue;
    private DefaultSync defaultSync;
    private transient LiveSync liveSync;
    private transient UI ui;

    private LiveScope(Component owner, S subscriptionValue, LiveSync liveSync) {
        this.owner = Objects.requireNonNull(owner, "owner");
        this.subscriptionValue = requireValue(subscriptionValue);
        this.liveSync = liveSync;
        onAttach = owner.addAttachListener(event -> activate(event.getUI()));
        onDetach = owner.addDetachListener(event -> deactivate());
        owner.getUI().ifPresent(this::activate);
    }

    /**
     * A scope for {@code owner} and {@code subscriptionValue} (decided on the server, e.g. the
     * signed-in user's organization), using the application's {@link LiveSync#current() LiveSync}.
     *
     * @param <S> the subscription value's type
     * @param owner the component that the watches belong to
     * @param subscriptionValue the subscription value (e.g. the user's organization)
     * @return a scope for {@code owner} and {@code subscriptionValue} (decided on the server, e.g. the signed-in
     *     user's organization), using the application's {@link LiveSync#current() LiveSync}
     */
    public static <S> LiveScope<S> of(Component owner, S subscriptionValue) {
        return new LiveScope<>(owner, subscriptionValue, null);
    }

    /**
     * As {@link #of(Component, Object)}, using the given {@link LiveSync}.
     *
     * @param <S> the subscription value's type
     * @param owner the component that the watches belong to
     * @param subscriptionValue the subscription value (e.g. the user's organization)
     * @param liveSync the LiveSync to use
     * @return the scope
     */
    public static <S> LiveScope<S> of(Component owner, S subscriptionValue, LiveSync liveSync) {
        return new LiveScope<>(owner, subscriptionValue, Objects.requireNonNull(liveSync, "liveSync"));
    }

    /** {@return the component it is bound to} */
    public Component owner() {
        return owner;
    }

    /** {@return the subscription value: only rows whose subscription key equals it are shown} */
    public S getSubscriptionValue() {
        return subscriptionValue;
    }

    /**
     * Changes the subscription value — e.g. the user switched organization, as decided on the
     * server: every list and bean registers anew and loads again. Use it instead of creating a new
     * scope when the same component shows another tenant.
     *
     * @param value the new subscription value
     */
    public void setSubscriptionValue(S value) {
        requireValue(value);
        if (value.equals(subscriptionValue)) {
            return;
        }
        subscriptionValue = value;
        if (ui != null) {
            UI current = ui;
            all().forEach(Watch::detach);
            all().forEach(w -> w.attach(pipeline(), current, value));
        }
    }

    /**
     * Watches a list of {@code type} loaded by {@code loader} for the subscription value, under the
     * key named after the type ({@link WatchKey#of(Class)}). Show it with
     * {@code grid.setItems(list.dataProvider())} or {@link WatchedList#bind}.
     *
     * @param <T> the entity type
     * @param type the watched entity type
     * @param loader loads the rows of a subscription value (the first load and each reload)
     * @return the watched list
     * @throws IllegalStateException if this scope already watches that key
     */
    public <T> WatchedList<T> watchList(Class<T> type, SerializableFunction<S, List<T>> loader) {
        return watchList(WatchKey.of(type), loader);
    }

    /**
     * As {@link #watchList(Class, SerializableFunction)}, under a key of its own (to watch one type twice).
     *
     * @param <T> the entity type
     * @param key the watch key
     * @param loader loads the rows of a subscription value (the first load and each reload)
     * @return the watched list
     */
    public <T> WatchedList<T> watchList(WatchKey<T> key, SerializableFunction<S, List<T>> loader) {
        Objects.requireNonNull(loader, "loader");
        @SuppressWarnings("unchecked") // the value it is applied to is always the scope's S
        SerializableFunction<Object, List<T>> untyped = (SerializableFunction<Object, List<T>>) (SerializableFunction<?, List<T>>) loader;
        return add(false, key, new WatchedList<>(this, key, untyped));
    }

    /**
     * Watches the rows with these ids, each individually (EctoFoundationDB's {@code sync_many}): the
     * list shows those of them that exist in the subscription value (loaded in the order of {@code ids}) and
     * follows their updates, deletes and moves — and a row with one of the ids inserted later. Ids of
     * another Java type than the entity's are converted exactly or rejected.
     *
     * @param <T> the entity type
     * @param key the watch key
     * @param ids the rows' ids
     * @return the watched list
     * @throws IllegalStateException    if this scope already watches that key
     * @throws IllegalArgumentException if an id cannot be the entity's id
     */
    public <T> WatchedList<T> watchIds(WatchKey<T> key, java.util.Collection<?> ids) {
        Objects.requireNonNull(ids, "ids");
        return add(false, key, new WatchedList<>(this, key, ids));
    }

    /**
     * Watches a lazy list of {@code type}: a data provider that fetches pages through {@code fetch}
     * and counts through {@code count} for the subscription value (the database pages, sorts and
     * filters), and stays live. Set it on a Grid: {@code grid.setItems(provider)}, or
     * {@code grid.setItems(provider.withConfigurableFilter())} with a filter. Its memory does not grow
     * with the tenant's rows. See {@link LiveDataProvider} for what a change costs.
     *
     * @param <T> the entity type
     * @param <F> the filter type
     * @param type the watched entity type
     * @param fetch fetches a page of rows for a subscription value and a query
     * @param count counts the rows for a subscription value and a query
     * @return the live data provider, to set on a Grid
     * @throws IllegalStateException if this scope already watches that key
     */
    public <T, F> LiveDataProvider<T, F> watchLazy(Class<T> type, LiveFetch<S, T, F> fetch, LiveCount<S, T, F> count) {
        return watchLazy(WatchKey.of(type), fetch, count);
    }

    /**
     * As {@link #watchLazy(Class, LiveFetch, LiveCount)}, under a key of its own.
     *
     * @param <T> the entity type
     * @param <F> the filter type
     * @param key the watch key
     * @param fetch fetches a page of rows for a subscription value and a query
     * @param count counts the rows for a subscription value and a query
     * @return the live data provider, to set on a Grid
     */
    public <T, F> LiveDataProvider<T, F> watchLazy(WatchKey<T> key, LiveFetch<S, T, F> fetch, LiveCount<S, T, F> count) {
        Objects.requireNonNull(fetch, "fetch");
        Objects.requireNonNull(count, "count");
        @SuppressWarnings("unchecked") // the value is always the scope's S
        LiveFetch<Object, T, F> untypedFetch = (value, query) -> fetch.fetch((S) value, query);
        @SuppressWarnings("unchecked")
        LiveCount<Object, T, F> untypedCount = (value, query) -> count.count((S) value, query);
        LiveDataProvider<T, F> provider = new LiveDataProvider<>(this, key, untypedFetch, untypedCount,
                fetch.getClass(), count.getClass());
        add(false, key, provider.watch());
        return provider;
    }

    /**
     * Watches one record at a time of {@code type}, shown in {@code binder} (buffered: the form reads
     * the bean, {@link WatchedBean#save()} writes it). Show a record with {@link WatchedBean#show}.
     * It is watched under a key of its own, {@code WatchKey.of("<Type> form", type)}
     * ({@link WatchedBean#key()}), not the list's {@code WatchKey.of(type)}: cancelling a view's list
     * of a type ({@code cancel(WatchKey.of(Task.class))}) leaves its form of that type alone; stop the
     * form with {@link WatchedBean#cancel()} or {@code cancel(form.key())}.
     *
     * @param <T> the entity type
     * @param type the watched entity type
     * @param binder the form's binder (buffered)
     * @return the watched bean
     * @throws IllegalStateException if this scope already watches that key
     */
    public <T> WatchedBean<T> watchBean(Class<T> type, Binder<T> binder) {
        return watchBean(WatchKey.of(type.getSimpleName() + " form", type), binder);
    }

    /**
     * As {@link #watchBean(Class, Binder)}, under a key of its own.
     *
     * @param <T> the entity type
     * @param key the watch key
     * @param binder the form's binder (buffered)
     * @return the watched bean
     */
    public <T> WatchedBean<T> watchBean(WatchKey<T> key, Binder<T> binder) {
        return add(true, key, new WatchedBean<>(this, key, Objects.requireNonNull(binder, "binder")));
    }

    /**
     * Whether a list or a bean is watched under {@code key}.
     *
     * @param key the watch key
     * @return whether a list or a bean is watched under {@code key}
     */
    public boolean isWatching(WatchKey<?> key) {
        return watches.stream().anyMatch(e -> e.key().equals(key));
    }

    /**
     * Stops watching the list and the bean under {@code key} (they keep what they show). No-op if none.
     *
     * @param key the watch key
     */
    public void cancel(WatchKey<?> key) {
        for (boolean bean : new boolean[] {false, true}) {
            Entry entry = find(bean, key);
            if (entry != null) {
                watches.remove(entry);
                entry.watch().detach();
            }
        }
    }

    /** Stops watching everything and unbinds from the owner. The lists and beans keep what they show. */
    public void cancel() {
        deactivate();
        all().forEach(Watch::detach);
        watches.clear();
        if (onAttach != null) {
            onAttach.remove();
            onDetach.remove();
            onAttach = null;
            onDetach = null;
        }
        ui = null;
    }

    /** Loads every list and bean again. */
    public void reload() {
        all().forEach(Watch::reload);
    }

    /** {@return whether the owner is attached, so that changes arrive} */
    public boolean isActive() {
        return ui != null;
    }

    void setDefaultSync(DefaultSync sync) {
        this.defaultSync = sync;
    }

    <T> List<T> defaultSync(WatchKey<T> key, List<T> rows) {
        return defaultSync == null ? rows : defaultSync.sync(key, rows);
    }

    /** The engine; resolves the application's LiveSync the first time. */
    Pipeline pipeline() {
        if (liveSync == null) {
            liveSync = LiveSync.current();
        }
        return liveSync.pipeline();
    }

    /** For log lines: the owner and the key. */
    String describe(WatchKey<?> key) {
        return owner.getClass().getSimpleName() + "/" + key.name();
    }

    void forget(WatchKey<?> key, Watch watch) {
        watches.removeIf(e -> e.watch() == watch && e.key().equals(key));
    }

    /** Lists first, then beans, each in the order they were added. */
    private List<Watch> all() {
        List<Watch> all = new ArrayList<>(watches.size());
        for (boolean bean : new boolean[] {false, true}) {
            for (Entry entry : watches) {
                if (entry.bean() == bean) {
                    all.add(entry.watch());
                }
            }
        }
        return all;
    }

    /** The list ({@code bean} false) or the bean under {@code key}, or null. */
    private Entry find(boolean bean, WatchKey<?> key) {
        for (Entry entry : watches) {
            if (entry.bean() == bean && entry.key().equals(key)) {
                return entry;
            }
        }
        return null;
    }

    private <W extends Watch> W add(boolean bean, WatchKey<?> key, W watch) {
        if (find(bean, key) != null) {
            throw new IllegalStateException("This scope already watches " + key + ": give the second one a key of its "
                    + "own (WatchKey.of(\"name\", " + key.type().getSimpleName() + ".class)), or cancel the first");
        }
        watches.add(new Entry(key, watch, bean));
        if (ui != null) {
            watch.attach(pipeline(), ui, subscriptionValue);
        }
        return watch;
    }

    /** After the session was deserialized: registers again if the owner is still attached. */
    void revive() {
        ui = null;
        // with the owner's UI and session current, as for an attach (components bind to their session)
        owner.getUI().ifPresent(attached -> {
            var previous = com.vaadin.flow.internal.CurrentInstance.setCurrent(attached);
            try {
                activate(attached);
            } finally {
                com.vaadin.flow.internal.CurrentInstance.restoreInstances(previous);
            }
        });
    }

    private void activate(UI attachedTo) {
        if (ui != null) {
            return;
        }
        ui = attachedTo;
        if (attachedTo.getSession() != null) {
            LiveScopes.of(attachedTo.getSession()).add(this);
        }
        Pipeline pipeline = pipeline();
        pipeline.checkPush(attachedTo);
        for (Watch watch : all()) {
            watch.attach(pipeline, attachedTo, subscriptionValue);
        }
    }

    private void deactivate() {
        if (ui != null && ui.getSession() != null && ui.getSession().hasLock()) {
            LiveScopes.of(ui.getSession()).remove(this);
        }
        ui = null;
        all().forEach(Watch::detach);
    }

    private static <S> S requireValue(S value) {
        return Objects.requireNonNull(value,
                "The subscription value must not be null: decide it on the server, e.g. from the signed-in user");
    }
}
