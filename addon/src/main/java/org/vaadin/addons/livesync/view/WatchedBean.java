package org.vaadin.addons.livesync.view;

import java.util.List;
import java.util.Objects;

import org.vaadin.addons.livesync.dispatch.Delta;
import org.vaadin.addons.livesync.dispatch.LiveSync;
import org.vaadin.addons.livesync.dispatch.Subscription;
import org.vaadin.addons.livesync.watch.WatchedEntity;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.data.binder.Binder;
import com.vaadin.flow.function.SerializableConsumer;
import com.vaadin.flow.function.SerializableSupplier;

/**
 * One record of a watched entity, shown in a {@link Binder} in buffered mode ({@code readBean}):
 * when the row changes in the database the form re-reads it, unless the user has unsaved changes —
 * then the view is told ({@link LiveSyncView#onBeanChangedWhileEditing}) and nothing is
 * overwritten. When the row is deleted or moves to another subscription value, the view is told
 * ({@link LiveSyncView#onBeanDeleted}). The bean is this view's private copy, loaded only when its
 * subscription key equals the view's subscription value.
 * <p>
 * Not thread-safe: used only on the UI thread.
 *
 * @param <T> the entity type
 */
public final class WatchedBean<T> implements Watch {

    private final LiveSyncView<?> view;
    private final WatchKey<T> key;
    private final Binder<T> binder;
    private final SerializableSupplier<?> idSupplier;
    private Object id;
    private T bean;
    private T latest;
    private transient LiveSync liveSync;
    private transient WatchedEntity<T> entity;
    private transient Subscription<T> subscription;
    private transient Object value;

    WatchedBean(LiveSyncView<?> view, WatchKey<T> key, Binder<T> binder, SerializableSupplier<?> idSupplier) {
        this.view = view;
        this.key = key;
        this.binder = binder;
        this.idSupplier = idSupplier;
    }

    /** The key of this bean. */
    public WatchKey<T> key() {
        return key;
    }

    /** The binder. */
    public Binder<T> binder() {
        return binder;
    }

    /** The record shown, or null. */
    public T bean() {
        return bean;
    }

    /** The shown record's id, or null. */
    public Object id() {
        return id;
    }

    /** Whether the form has changes that were not saved. */
    public boolean hasChanges() {
        return bean != null && binder.hasChanges();
    }

    /** Whether a newer version arrived while the form had unsaved changes. */
    public boolean hasNewerVersion() {
        return latest != null;
    }

    /**
     * Shows the record with this id (null clears the form). Loads it with one query; a row that does
     * not exist or belongs to another subscription value is not shown.
     *
     * @return whether a record is shown
     */
    public boolean show(Object recordId) {
        requireAttached();
        subscription.releaseAll();
        latest = null;
        id = recordId;
        if (recordId == null) {
            bean = null;
            binder.readBean(null);
            return false;
        }
        subscription.hold(List.of(recordId));
        subscription.beforeLoad();
        bean = liveSync.find(entity, recordId, value);
        if (bean == null) {
            subscription.releaseAll();
            id = null;
        }
        binder.readBean(bean);
        return bean != null;
    }

    /** Clears the form. */
    public void clear() {
        if (subscription != null) {
            show(null);
        } else {
            id = null;
            bean = null;
            latest = null;
            binder.readBean(null);
        }
    }

    /**
     * Writes the form into the bean if valid and hands it to {@code saver} (e.g. a repository's
     * save). The change then comes back through the database like any other.
     *
     * @return whether it was valid and saved
     */
    public boolean save(SerializableConsumer<T> saver) {
        if (bean == null || !binder.writeBeanIfValid(bean)) {
            return false;
        }
        saver.accept(bean);
        latest = null;
        return true;
    }

    /** Discards unsaved changes and shows the newest version of the record. */
    public void showNewest() {
        if (latest != null) {
            bean = latest;
            latest = null;
            binder.readBean(bean);
        } else if (id != null) {
            show(id);
        }
    }

    @Override
    public void attach(LiveSync liveSync, UI ui, Object subscriptionValue) {
        detach();
        this.liveSync = liveSync;
        this.entity = liveSync.entity(key.type());
        this.value = subscriptionValue;
        this.subscription = liveSync.dispatcher().subscribeToHeldRows(ui, entity, subscriptionValue, this::apply,
                view.getClass().getSimpleName() + "/" + key.name());
        reload();
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
        Object wanted = idSupplier != null ? idSupplier.get() : id;
        if (hasChanges() && Objects.equals(wanted, id)) {
            subscription.beforeLoad();
            T fresh = liveSync.find(entity, id, value);
            if (fresh == null) {
                view.onBeanDeleted(this);
            } else {
                latest = fresh;
                view.onBeanChangedWhileEditing(this, fresh);
            }
            return;
        }
        show(wanted);
    }

    private void apply(Delta<T> delta) {
        if (subscription == null || id == null || delta.isEmpty()) {
            return;
        }
        if (delta.reload()) {
            reload();
            return;
        }
        T fresh = delta.puts().get(id);
        if (fresh != null) {
            if (binder.hasChanges()) {
                latest = fresh;
                view.onBeanChangedWhileEditing(this, fresh);
            } else {
                bean = fresh;
                latest = null;
                binder.readBean(fresh);
            }
        } else if (delta.cleared() || delta.removals().contains(id)) {
            view.onBeanDeleted(this);
        }
    }

    private void requireAttached() {
        if (subscription == null) {
            throw new IllegalStateException("The view is not attached: show a record from an attached view "
                    + "(e.g. in a selection listener), or pass an id supplier to watchBean");
        }
    }
}
