package org.vaadin.addons.livesync;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;


import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.data.binder.Binder;
import com.vaadin.flow.data.provider.ListDataProvider;
import com.vaadin.flow.function.SerializableConsumer;
import com.vaadin.flow.function.SerializableFunction;
import com.vaadin.flow.function.SerializableSupplier;

/**
 * A view that stays live with the database. Extend it, pass the subscription value (decided on the
 * server, e.g. the signed-in user's organization id) to the constructor, and declare what it shows:
 *
 * <pre>
 * &#64;Route("")
 * public class TasksView extends LiveSyncView&lt;Long&gt; {
 *     TasksView(TaskRepository tasks, CurrentUser user) {
 *         super(user.organizationId());
 *         watchList(Task.class, grid, org -&gt; tasks.findByOrganizationId(org));
 *         watchBean(Task.class, binder, () -&gt; selectedId);
 *     }
 * }
 * </pre>
 *
 * When the view attaches it registers every watched list and bean with the dispatcher and then
 * loads them, so nothing committed meanwhile is lost; while attached, committed changes whose
 * subscription key equals the subscription value arrive through {@code UI.access} (with
 * {@code @Push} on the application's {@code AppShellConfigurator}, at once), pass through
 * {@link #sync}, and are shown; when it detaches every registration is removed. After an
 * interruption of the replication stream every list reloads through its loader.
 * <p>
 * Not thread-safe, like every component: use it on the UI thread.
 *
 * @param <S> the subscription value's type: the type of the watched entities' subscription key
 */
public abstract class LiveSyncView<S> extends VerticalLayout {

    private final List<Watch> watches = new ArrayList<>();
    private transient LiveSync liveSync;
    private S subscriptionValue;
    private boolean attached;
    private Notification formNotice;

    /** A view for this subscription value, using the application's {@link LiveSync}. */
    protected LiveSyncView(S subscriptionValue) {
        this(null, subscriptionValue);
    }

    /** A view for this subscription value, using the given {@link LiveSync} (null: the application's). */
    protected LiveSyncView(LiveSync liveSync, S subscriptionValue) {
        this.liveSync = liveSync;
        this.subscriptionValue = Objects.requireNonNull(subscriptionValue,
                "The subscription value must not be null: decide it on the server, e.g. from the signed-in user");
    }

    /** The subscription value: only rows whose subscription key equals it are shown. */
    public S getSubscriptionValue() {
        return subscriptionValue;
    }

    /**
     * Changes the subscription value (e.g. the user switched organization, as decided on the
     * server): every watched list and bean registers anew and reloads.
     */
    protected void setSubscriptionValue(S value) {
        Objects.requireNonNull(value, "The subscription value must not be null");
        if (value.equals(subscriptionValue)) {
            return;
        }
        subscriptionValue = value;
        if (attached) {
            UI ui = getUI().orElseThrow();
            watches.forEach(Watch::detach);
            watches.forEach(w -> w.attach(liveSync(), ui, value));
        }
    }

    /** Watches a list shown in a Grid, loaded by {@code loader} for the subscription value. */
    protected <T> WatchedList<T> watchList(Class<T> type, Grid<T> grid, SerializableFunction<S, List<T>> loader) {
        return watchList(WatchKey.of(type), grid, loader);
    }

    /** Watches a list shown in a Grid, under a key of its own (to watch one type twice). */
    protected <T> WatchedList<T> watchList(WatchKey<T> key, Grid<T> grid, SerializableFunction<S, List<T>> loader) {
        List<T> backing = new ArrayList<>();
        ListDataProvider<T> provider = new ListDataProvider<>(backing) {
            @Override
            public Object getId(T item) {
                // rows are identified by the entity's id, so a new version keeps the selection
                return liveSync().pipeline().entity(key.type()).idOf(item);
            }
        };
        grid.setItems(provider);
        return watchList(key, loader, items -> GridUpdate.apply(provider, backing, items));
    }

    /**
     * Watches a list shown by your own code: {@code display} receives the whole list, after
     * {@link #sync}, at the first load and after every change.
     */
    protected <T> WatchedList<T> watchList(WatchKey<T> key, SerializableFunction<S, List<T>> loader,
                                           SerializableConsumer<List<T>> display) {
        @SuppressWarnings("unchecked")
        SerializableFunction<Object, List<T>> untyped = value -> loader.apply((S) value);
        return add(new WatchedList<>(this, key, untyped, display));
    }

    /**
     * Watches one record shown in a Binder (buffered: the form reads the bean, your Save writes it).
     * {@code idSupplier} tells which record to show when the view attaches or reloads; show another
     * with {@link WatchedBean#show}.
     */
    protected <T> WatchedBean<T> watchBean(Class<T> type, Binder<T> binder, SerializableSupplier<?> idSupplier) {
        return watchBean(WatchKey.of(type), binder, idSupplier);
    }

    /** Watches one record shown in a Binder, under a key of its own. */
    protected <T> WatchedBean<T> watchBean(WatchKey<T> key, Binder<T> binder, SerializableSupplier<?> idSupplier) {
        return add(new WatchedBean<>(this, key, binder, idSupplier));
    }

    /**
     * Called with a watched list's rows before they are shown, at the first load and after every
     * change: filter, sort, re-load associations. Runs on the UI thread. The default shows the rows
     * as they are. If it throws, the error is logged and the view keeps what it showed.
     *
     * @param key     which watched list
     * @param updated the list's rows, loaded and updated (a new list you may change)
     * @return what to show
     */
    protected <T> List<T> sync(WatchKey<T> key, List<T> updated) {
        return updated;
    }

    /**
     * The record in a form changed in the database while the user has unsaved changes in it.
     * Nothing was overwritten. The default shows a notification saying so, offering to show the
     * newest version ({@link WatchedBean#showNewest()}), to put the user's edits on top of it
     * ({@link WatchedBean#keepEditsOnNewest()}) or to keep editing.
     */
    protected <T> void onBeanChangedWhileEditing(WatchedBean<T> bean, T newest) {
        showFormNotice("livesync-conflict", "This record was changed by someone else while you were editing it.",
                bean, true);
    }

    /**
     * The record in a form was deleted, or moved to another subscription value. The default clears
     * the form.
     */
    protected <T> void onBeanDeleted(WatchedBean<T> bean) {
        bean.clear();
    }

    /**
     * A {@link WatchedBean#save save} wrote nothing because the row is no longer what the form
     * loaded: {@code result} is {@link SaveResult#CHANGED_ELSEWHERE} or {@link SaveResult#REMOVED}.
     * The form keeps the user's edits; the database keeps what it has. The default shows a
     * notification saying so (for a changed row offering the same choices as
     * {@link #onBeanChangedWhileEditing}). Runs on the UI thread, before {@code save} returns.
     */
    protected <T> void onSaveRefused(WatchedBean<T> bean, SaveResult result) {
        if (result == SaveResult.CHANGED_ELSEWHERE) {
            showFormNotice("livesync-save-conflict", "This record was changed by someone else since you opened it. "
                    + "Your edits are still in the form; nothing was saved.", bean, true);
        } else {
            showFormNotice("livesync-save-removed", "This record was deleted or moved elsewhere, so nothing was "
                    + "saved.", bean, false);
        }
    }

    /** Opens a form notice, closing the one this view opened before. */
    private <T> void showFormNotice(String className, String message, WatchedBean<T> bean, boolean offerNewest) {
        if (formNotice != null) {
            formNotice.close();
            formNotice.removeFromParent(); // at once, not when the client confirms the close
        }
        Notification notification = new Notification();
        notification.setPosition(Notification.Position.TOP_CENTER);
        notification.setDuration(0);
        HorizontalLayout content = new HorizontalLayout(new Span(message));
        if (offerNewest) {
            content.add(new Button("Show newest", e -> {
                bean.showNewest();
                notification.close();
            }), new Button("Apply my edits to newest", e -> {
                bean.keepEditsOnNewest();
                notification.close();
            }), new Button("Keep editing", e -> notification.close()));
        } else {
            content.add(new Button("Close", e -> notification.close()));
        }
        notification.add(content);
        notification.addClassName(className);
        notification.open();
        formNotice = notification;
    }

    /** Loads every watched list and bean again through their loaders. */
    public void reload() {
        watches.forEach(Watch::reload);
    }

    @Override
    protected void onAttach(AttachEvent attachEvent) {
        super.onAttach(attachEvent);
        UI ui = attachEvent.getUI();
        LiveSync sync = liveSync();
        sync.pipeline().checkPush(ui);
        for (Watch watch : watches) {
            watch.attach(sync, ui, subscriptionValue);
        }
        attached = true;
    }

    @Override
    protected void onDetach(DetachEvent detachEvent) {
        attached = false;
        watches.forEach(Watch::detach);
        super.onDetach(detachEvent);
    }

    private <W extends Watch> W add(W watch) {
        watches.add(watch);
        if (attached) {
            watch.attach(liveSync(), getUI().orElseThrow(), subscriptionValue);
        }
        return watch;
    }

    private LiveSync liveSync() {
        if (liveSync == null) {
            liveSync = LiveSync.current();
        }
        return liveSync;
    }

}
