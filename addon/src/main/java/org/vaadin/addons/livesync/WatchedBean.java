package org.vaadin.addons.livesync;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vaadin.addons.livesync.internal.dispatch.Delta;
import org.vaadin.addons.livesync.internal.dispatch.Pipeline;
import org.vaadin.addons.livesync.internal.dispatch.RowState;
import org.vaadin.addons.livesync.internal.dispatch.SaveGuard;
import org.vaadin.addons.livesync.internal.dispatch.Subscription;
import org.vaadin.addons.livesync.internal.watch.WatchedEntity;

import com.vaadin.flow.component.HasValue;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.data.binder.Binder;
import com.vaadin.flow.function.SerializableConsumer;
import com.vaadin.flow.shared.Registration;
import com.vaadin.flow.signals.Signal;

import jakarta.persistence.EntityManager;

/**
 * One record of a watched entity, shown in a {@link Binder} in buffered mode ({@code readBean}):
 * when the row changes in the database the form re-reads it, unless the user has unsaved changes —
 * then nothing is overwritten and the {@link #addConflictListener conflict listeners} are told (by
 * default a notice offers the newest version). When the row is deleted or moves to another
 * subscription value, the form is cleared and the {@link #addRemovedListener removed listeners} are
 * told. The bean is this view's private copy, loaded only when its subscription key equals the
 * scope's subscription value.
 * <p>
 * {@link #show(Object)} works before the scope's owner is attached (from {@code setParameter} or
 * {@code beforeEnter}): the record is loaded at once and kept live from the attach on.
 * <p>
 * {@link #save()} writes the form only over the row exactly as the form loaded it, and only as
 * that row in the view's subscription value: in one transaction it locks the row and checks that it
 * still exists, still belongs to the subscription value and has not been changed by anyone (any
 * writer, plain SQL included) since the form read it, and that the form's values (and after the
 * write, the bean and the row) keep the row's id and subscription key; otherwise nothing is
 * written, the {@link #addSaveRefusedListener save-refused listeners} are told (by default a
 * notice) and the form keeps the user's edits.
 * <p>
 * Not thread-safe: used only on the UI thread.
 *
 * @param <T> the entity type
 */
public final class WatchedBean<T> extends Watch {

    private static final Logger LOG = LoggerFactory.getLogger(WatchedBean.class);

    private final LiveScope<?> scope;
    private final WatchKey<T> key;
    private final Binder<T> binder;
    private final List<SerializableConsumer<BeanConflict<T>>> conflictListeners = new ArrayList<>();
    private final List<SerializableConsumer<BeanRemoved<T>>> removedListeners = new ArrayList<>();
    private final List<SerializableConsumer<SaveRefused<T>>> saveRefusedListeners = new ArrayList<>();
    private final FormNotices notices = new FormNotices();
    private final LiveSignal<T> newestSignal = new LiveSignal<>();
    private boolean cancelled;
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
    private transient Pipeline pipeline;
    private transient WatchedEntity<T> entity;
    private transient Subscription<T> subscription;
    private transient Object value;

    WatchedBean(LiveScope<?> scope, WatchKey<T> key, Binder<T> binder) {
        this.scope = scope;
        this.key = key;
        this.binder = binder;
    }

    /** {@return the key of this bean} */
    public WatchKey<T> key() {
        return key;
    }

    /** {@return the binder} */
    public Binder<T> binder() {
        return binder;
    }

    /** {@return the record shown, or null} */
    public T bean() {
        return bean;
    }

    /**
     * The record as the database has it now, as a read-only signal: its newest committed version
     * this form has read — also while the form holds unsaved edits and keeps showing the version
     * they started from (see {@link #addConflictListener}) — or null when no record is shown, it was
     * deleted or moved to another subscription value. Never a row of another subscription value.
     * Use it in {@code Signal.effect(component, ...)} or a component binding, e.g. a header that
     * follows the record's title. Its value is a copy of its own: changing it changes nothing.
     * Session-local: read and bound on the UI thread; it serializes with the session.
     *
     * @return the newest committed version of the shown record, or null, as a signal
     */
    public Signal<T> signal() {
        return newestSignal.get(newest());
    }

    /** The newest version read: the conflicting one while the form holds unsaved edits, else the shown one. */
    private T newest() {
        T newest = latest != null ? latest : bean;
        return newest == null ? null : scope.pipeline().copy(entity(), newest);
    }

    /** {@return the shown record's id, or null} */
    public Object id() {
        return id;
    }

    /** {@return whether the form has changes that were not saved} */
    public boolean hasChanges() {
        return bean != null && (binder.hasChanges() || !writtenEdits.isEmpty());
    }

    /** {@return whether a newer version arrived while the form had unsaved changes} */
    public boolean hasNewerVersion() {
        return latest != null;
    }

    /**
     * Shows the record with this id (null clears the form). Loads it with one query; a row that does
     * not exist or belongs to another subscription value is not shown. Before the scope's owner is
     * attached (e.g. from {@code setParameter}), the record is loaded now and kept live once it is.
     * An id of another type than the entity's is converted when that is exact (an {@code Integer}
     * from a route parameter for a {@code Long} id).
     *
     * @param recordId the id of the record to show, or null to clear the form
     * @return whether a record is shown
     * @throws IllegalArgumentException if the id cannot be the entity's id (a clear message says why)
     */
    public boolean show(Object recordId) {
        if (cancelled) {
            throw new IllegalStateException(key + " was cancelled: watch it again to show records");
        }
        Object wanted = recordId == null ? null : entity().convertId(recordId);
        latest = null;
        id = wanted;
        if (subscription == null) { // not attached yet: loaded now, registered (and loaded again) on attach
            T found = wanted == null ? null : scope.pipeline().find(entity(), wanted, scope.getSubscriptionValue());
            read(found);
            return found != null;
        }
        subscription.releaseAll();
        if (wanted == null) {
            read(null);
            return false;
        }
        subscription.hold(List.of(wanted));
        subscription.beforeLoad();
        T found = pipeline.find(entity, wanted, value);
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
     * Tells {@code listener} when the record changed in the database while the form has unsaved
     * edits (nothing was overwritten). While any conflict listener is registered, the default
     * notice is not shown. UI thread.
     *
     * @param listener told on the UI thread when a newer version arrives while the form has unsaved changes
     * @return the registration that removes the listener
     */
    public Registration addConflictListener(SerializableConsumer<BeanConflict<T>> listener) {
        return add(conflictListeners, listener);
    }

    /**
     * Tells {@code listener} when the record was deleted or moved to another subscription value (the
     * form has been cleared). UI thread.
     *
     * @param listener told on the UI thread when the shown record is deleted or moved away
     * @return the registration that removes the listener
     */
    public Registration addRemovedListener(SerializableConsumer<BeanRemoved<T>> listener) {
        return add(removedListeners, listener);
    }

    /**
     * Tells {@code listener} when a save wrote nothing because the row changed elsewhere or was
     * removed, or the save would have changed the record's id or subscription key (the form keeps
     * the edits). While any is registered, the default notice is not
     * shown. UI thread.
     *
     * @param listener told on the UI thread when a save was refused
     * @return the registration that removes the listener
     */
    public Registration addSaveRefusedListener(SerializableConsumer<SaveRefused<T>> listener) {
        return add(saveRefusedListeners, listener);
    }

    /** Stops keeping it live (the form keeps what it shows) and removes it from its scope. */
    public void cancel() {
        cancelled = true;
        detach();
        scope.forget(key, this);
    }

    /** {@return whether it is registered, so that changes arrive} */
    public boolean isActive() {
        return subscription != null;
    }

    /**
     * Saves the form's edits: if the row is still exactly as the form loaded it, in the view's
     * subscription value, writes the form's values into a copy of the bean and merges it, in one
     * transaction that holds the row's lock (see {@link SaveGuard}). The change then comes back
     * through the database like any other. When the row was changed elsewhere, deleted or moved,
     * the form's values change the record's id or subscription key (fields bound to them and
     * edited: {@link SaveResult#IDENTITY_CHANGED}), or the input is invalid, nothing is written, the
     * form keeps the edits, and except for invalid input the
     * {@link #addSaveRefusedListener save-refused listeners} are told (by default a notice tells
     * the user).
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
     * {@link LiveSync#useTransactions}. A saver must not write in a transaction of
     * its own: on another connection it would wait for the row lock this save holds. A saver that
     * changes the bean's id or subscription key, or whose write leaves the row in another
     * subscription value (or without it), is rolled back: {@link SaveResult#IDENTITY_CHANGED}.
     *
     * @param saver writes the bean, in the transaction the save runs in (e.g. {@code repository::save})
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
        SaveGuard guard = pipeline.saveGuard();
        T draft = guard.copy(entity, bean);
        List<HasValue<?, ?>> edited = editedFields();
        SaveGuard.Outcome outcome = guard.save(entity, id, value, loaded, draft, filled -> {
            if (!binder.writeBeanIfValid(filled)) { // bean-level validators run here
                return false;
            }
            writtenEdits = edited; // the binder no longer counts them as changes; until saved, they are
            return true;
        }, writer);
        return switch (outcome) {
            case WRITTEN -> saved(draft);
            case DECLINED -> SaveResult.INVALID;
            case CHANGED -> refused(SaveResult.CHANGED_ELSEWHERE);
            case REMOVED -> refused(SaveResult.REMOVED);
            case IDENTITY_CHANGED -> refused(SaveResult.IDENTITY_CHANGED);
        };
    }

    /** After a save: the form shows the row as saved (read back, so that the next save checks against it). */
    private SaveResult saved(T draft) {
        T stored = pipeline.find(entity, id, value);
        latest = null;
        read(stored != null ? stored : draft); // null: deleted or moved since the save committed; on its way
        return SaveResult.SAVED;
    }

    private SaveResult refused(SaveResult refusal) {
        if (refusal == SaveResult.CHANGED_ELSEWHERE) {
            latest = pipeline.find(entity, id, value);
        }
        SaveResult result = refusal == SaveResult.CHANGED_ELSEWHERE && latest == null
                ? SaveResult.REMOVED // and gone by now
                : refusal;
        fire(saveRefusedListeners, new SaveRefused<>(this, result), () -> defaultSaveRefusedNotice(result));
        return result;
    }

    void defaultSaveRefusedNotice(SaveResult result) {
        if (result == SaveResult.CHANGED_ELSEWHERE) {
            notices.show(scope.owner(), "livesync-save-conflict", FormNotices.Text.SAVE_CONFLICT, this, true);
        } else if (result == SaveResult.IDENTITY_CHANGED) {
            notices.show(scope.owner(), "livesync-save-identity-changed", FormNotices.Text.SAVE_IDENTITY_CHANGED,
                    this, false);
        } else {
            notices.show(scope.owner(), "livesync-save-removed", FormNotices.Text.SAVE_REMOVED, this, false);
        }
    }

    void defaultConflictNotice() {
        notices.show(scope.owner(), "livesync-conflict", FormNotices.Text.CONFLICT, this, true);
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
        T newest = latest != null ? latest : id == null ? null : pipeline.find(entity, id, value);
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
        loaded = row == null ? null : scope.pipeline().saveGuard().stateOf(entity(), row);
        writtenEdits = List.of();
        binder.readBean(row);
        newestSignal.set(this::newest);
    }

    @Override
    void attach(Pipeline pipeline, UI ui, Object subscriptionValue) {
        detach();
        if (cancelled) {
            return;
        }
        this.pipeline = pipeline;
        this.entity = pipeline.entity(key.type());
        this.value = subscriptionValue;
        this.subscription = pipeline.dispatcher().subscribeToHeldRows(ui, entity, subscriptionValue, this::apply, this);
        load();
    }

    @Override
    void detach() {
        if (subscription != null) {
            subscription.close();
            subscription = null;
        }
    }

    /**
     * Loads the shown record again; with unsaved edits in the form, a newer version is a conflict
     * (nothing is overwritten) and a vanished record a removal, as for live changes.
     */
    @Override
    public void reload() {
        if (subscription != null) {
            pipeline.dispatcher().reloadRequested();
        }
        load();
    }

    /**
     * Loads the record: first, on request, or when a change cannot be applied one by one (a failure
     * is retried: {@link Subscription#load}).
     */
    private void load() {
        if (subscription != null) {
            subscription.load(this::fill);
        }
    }

    private void fill() {
        if (hasChanges()) {
            subscription.hold(List.of(id));
            subscription.beforeLoad();
            T fresh = pipeline.find(entity, id, value);
            if (fresh == null) {
                removed();
            } else {
                conflict(fresh);
            }
            return;
        }
        show(id);
    }

    private void apply(Delta<T> delta) {
        if (subscription == null || id == null || delta.isEmpty()) {
            return;
        }
        if (delta.reload()) {
            subscription.resync(this::load); // within the pipeline's bound of concurrent reloads
            return;
        }
        T fresh = delta.puts().get(id);
        if (fresh != null) {
            if (hasChanges()) {
                conflict(fresh);
            } else {
                latest = null;
                read(fresh);
            }
        } else if (delta.cleared() || delta.removals().contains(id)) {
            removed();
        }
    }

    private void conflict(T newest) {
        latest = newest;
        newestSignal.set(this::newest);
        fire(conflictListeners, new BeanConflict<>(this, newest), this::defaultConflictNotice);
    }

    private void removed() {
        Object was = id;
        T shown = bean;
        clear();
        fire(removedListeners, new BeanRemoved<>(this, was, shown), () -> { });
    }

    private <E> void fire(List<SerializableConsumer<E>> listeners, E event, Runnable otherwise) {
        if (listeners.isEmpty()) {
            otherwise.run();
            return;
        }
        for (SerializableConsumer<E> listener : List.copyOf(listeners)) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.error("A listener of {} threw; the other listeners still run", scope.describe(key), e);
            }
        }
    }

    private static <E> Registration add(List<SerializableConsumer<E>> listeners, SerializableConsumer<E> listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private WatchedEntity<T> entity() {
        if (entity == null) {
            entity = scope.pipeline().entity(key.type());
        }
        return entity;
    }

    private void requireAttached() {
        if (subscription == null) {
            throw new IllegalStateException("The form of " + scope.describe(key) + " is not attached: a watched bean "
                    + "saves only while its owner is attached");
        }
    }

    /** {@return its owner and key, as log lines name it (e.g. {@code TasksView/Task})} */
    @Override
    public String toString() {
        return scope.describe(key);
    }
}
