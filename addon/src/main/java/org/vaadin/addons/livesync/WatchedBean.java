package org.vaadin.addons.livesync;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

import org.vaadin.addons.livesync.internal.dispatch.Delta;
import org.vaadin.addons.livesync.internal.dispatch.RowState;
import org.vaadin.addons.livesync.internal.dispatch.SaveGuard;
import org.vaadin.addons.livesync.internal.dispatch.Subscription;
import org.vaadin.addons.livesync.internal.watch.WatchedEntity;

import com.vaadin.flow.component.HasValue;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.data.binder.Binder;
import com.vaadin.flow.function.SerializableConsumer;
import com.vaadin.flow.function.SerializableSupplier;

import jakarta.persistence.EntityManager;

/**
 * One record of a watched entity, shown in a {@link Binder} in buffered mode ({@code readBean}):
 * when the row changes in the database the form re-reads it, unless the user has unsaved changes —
 * then the view is told ({@link LiveSyncView#onBeanChangedWhileEditing}) and nothing is
 * overwritten. When the row is deleted or moves to another subscription value, the view is told
 * ({@link LiveSyncView#onBeanDeleted}). The bean is this view's private copy, loaded only when its
 * subscription key equals the view's subscription value.
 * <p>
 * {@link #save()} writes the form only over the row exactly as the form loaded it: in one
 * transaction it locks the row and checks that it still exists, still belongs to the view's
 * subscription value and has not been changed by anyone (any writer, plain SQL included) since the
 * form read it; otherwise nothing is written, the view is told ({@link LiveSyncView#onSaveRefused})
 * and the form keeps the user's edits. See {@link org.vaadin.addons.livesync.internal.dispatch.SaveGuard}.
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
    /** The persisted state of {@link #bean} as the form read it: what a save checks the row against. */
    private RowState loaded;
    private T latest;
    /**
     * The fields whose edits were written for a save that then failed: the binder no longer counts
     * them as changes, but they are still unsaved.
     */
    private List<HasValue<?, ?>> writtenEdits = List.of();
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
        return bean != null && (binder.hasChanges() || !writtenEdits.isEmpty());
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
            read(null);
            return false;
        }
        subscription.hold(List.of(recordId));
        subscription.beforeLoad();
        T found = liveSync.pipeline().find(entity, recordId, value);
        if (found == null) {
            subscription.releaseAll();
            id = null;
        }
        read(found);
        return found != null;
    }

    /** Clears the form. */
    public void clear() {
        if (subscription != null) {
            show(null);
        } else {
            id = null;
            latest = null;
            read(null);
        }
    }

    /**
     * Saves the form's edits: if the row is still exactly as the form loaded it, in the view's
     * subscription value, writes the form's values into a copy of the bean and merges it, in one
     * transaction that holds the row's lock (see {@link SaveGuard}). The change then comes back
     * through the database like any other. When the row was changed elsewhere, deleted or moved, or
     * the input is invalid, nothing is written, the form keeps the edits, and for a changed or
     * removed row {@link LiveSyncView#onSaveRefused} tells the user.
     *
     * @return what was done
     * @throws IllegalStateException if the view was never attached
     */
    public SaveResult save() {
        return save((entityManager, draft) -> entityManager.merge(draft));
    }

    /**
     * As {@link #save()}, handing the bean with the form's values to {@code saver} (e.g. a Spring Data
     * repository's {@code save}) instead of merging it. The saver runs inside the save's transaction,
     * after the checks, while the row is locked: in a Spring application (the auto-configuration
     * runs saves on the application's transaction manager) repositories and {@code @Transactional}
     * code join that transaction. Without Spring the transaction is a Hibernate session's that the
     * add-on opened ({@link org.vaadin.addons.livesync.TransactionRunner#of}), which
     * {@code saver} cannot reach: use {@link #save()} there, or install a runner of your own with
     * {@code liveSync.pipeline().saveGuard().useTransactions(...)}. A saver must not write in a transaction of
     * its own: on another connection it would wait for the row lock this save holds.
     *
     * @return what was done
     */
    public SaveResult save(SerializableConsumer<T> saver) {
        Objects.requireNonNull(saver, "saver");
        return save((entityManager, draft) -> saver.accept(draft));
    }

    private SaveResult save(BiConsumer<EntityManager, T> writer) {
        if (bean == null) {
            return SaveResult.NO_RECORD;
        }
        requireAttached();
        if (!binder.validate().isOk()) {
            return SaveResult.INVALID;
        }
        SaveGuard guard = liveSync.pipeline().saveGuard();
        T draft = guard.copy(entity, bean);
        List<HasValue<?, ?>> edited = editedFields();
        SaveGuard.Outcome outcome = guard.save(entity, id, value, loaded, entityManager -> {
            if (!binder.writeBeanIfValid(draft)) { // bean-level validators run here
                return false;
            }
            writtenEdits = edited; // the binder no longer counts them as changes; until saved, they are
            writer.accept(entityManager, draft);
            return true;
        });
        return switch (outcome) {
            case WRITTEN -> saved(draft);
            case DECLINED -> SaveResult.INVALID;
            case CHANGED -> refused(SaveResult.CHANGED_ELSEWHERE);
            case REMOVED -> refused(SaveResult.REMOVED);
        };
    }

    /** After a save: the form shows the row as saved (read back, so that the next save checks against it). */
    private SaveResult saved(T draft) {
        T stored = liveSync.pipeline().find(entity, id, value);
        latest = null;
        read(stored != null ? stored : draft); // null: moved by the save itself; its removal is on its way
        return SaveResult.SAVED;
    }

    private SaveResult refused(SaveResult result) {
        if (result == SaveResult.CHANGED_ELSEWHERE) {
            latest = liveSync.pipeline().find(entity, id, value);
            if (latest == null) {
                result = SaveResult.REMOVED; // and gone by now
            }
        }
        view.onSaveRefused(this, result);
        return result;
    }

    /** Discards unsaved changes and shows the newest version of the record. */
    public void showNewest() {
        if (latest != null) {
            T newest = latest;
            latest = null;
            read(newest);
        } else if (id != null) {
            show(id);
        }
    }

    /**
     * Shows the newest version of the record with the user's unsaved edits on top: the fields the
     * user changed keep their values (and still count as changes), the others show the newest
     * version. A save then writes those edits over the newest version, deliberately.
     *
     * @return whether the record still exists here (if not, the form is left as it is)
     */
    public boolean keepEditsOnNewest() {
        requireAttached();
        T newest = latest != null ? latest : id == null ? null : liveSync.pipeline().find(entity, id, value);
        if (newest == null) {
            return false;
        }
        Map<HasValue<?, ?>, Object> edits = new LinkedHashMap<>();
        editedFields().forEach(field -> edits.put(field, field.getValue()));
        latest = null;
        read(newest);
        edits.forEach(WatchedBean::setValue); // the binder counts each as the user's change again
        return true;
    }

    /** The fields the user changed since the form read its record. */
    private List<HasValue<?, ?>> editedFields() {
        List<HasValue<?, ?>> edited = new ArrayList<>(writtenEdits);
        binder.getChangedBindings().stream().map(Binder.Binding::getField).filter(f -> !edited.contains(f))
                .forEach(edited::add);
        return edited;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static void setValue(HasValue field, Object value) {
        field.setValue(value);
    }

    /** Shows {@code row} (null: none) as the version the form loaded. */
    private void read(T row) {
        bean = row;
        loaded = row == null ? null : liveSync.pipeline().saveGuard().stateOf(entity, row);
        writtenEdits = List.of();
        binder.readBean(row);
    }

    @Override
    public void attach(LiveSync liveSync, UI ui, Object subscriptionValue) {
        detach();
        this.liveSync = liveSync;
        this.entity = liveSync.pipeline().entity(key.type());
        this.value = subscriptionValue;
        this.subscription = liveSync.pipeline().dispatcher().subscribeToHeldRows(ui, entity, subscriptionValue, this::apply,
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
            T fresh = liveSync.pipeline().find(entity, id, value);
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
            if (hasChanges()) {
                latest = fresh;
                view.onBeanChangedWhileEditing(this, fresh);
            } else {
                latest = null;
                read(fresh);
            }
        } else if (delta.cleared() || delta.removals().contains(id)) {
            view.onBeanDeleted(this);
        }
    }

    private void requireAttached() {
        if (subscription == null) {
            throw new IllegalStateException("The view is not attached: a watched bean shows and saves records only "
                    + "while its view is attached (e.g. in a selection listener); to show one when the view "
                    + "attaches, pass an id supplier to watchBean");
        }
    }
}
