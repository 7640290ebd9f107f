package org.vaadin.addons.livesync.internal.events;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vaadin.addons.livesync.ChangeType;
import org.vaadin.addons.livesync.EntityEvent;
import org.vaadin.addons.livesync.EntityListener;
import org.vaadin.addons.livesync.MissedEvents;
import org.vaadin.addons.livesync.internal.watch.EntityChange;
import org.vaadin.addons.livesync.internal.watch.WatchedEntity;

import com.vaadin.flow.shared.Registration;

/**
 * The entity listeners of one pipeline: code that is not a view and receives typed events of the
 * changes it selects ({@link EventSelection}). The reader thread asks it whether a change is wanted
 * ({@link #concerns}), so that the interest filter keeps it; the delivery thread turns each
 * transaction into an {@link EventBatch} ({@link #select}) that the dispatcher delivers once the
 * transaction is visible, with the rows loaded once for views and listeners alike. Each listener has
 * its own bounded queue ({@link ListenerQueue}) drained by a task on a virtual thread named
 * {@code livesync-events-N}, at most one per listener at a time and only while it has something
 * queued: a slow or throwing listener holds up neither the stream nor another listener.
 * <p>
 * Thread bound: the bus starts <em>no platform thread</em>, however many listeners are registered or
 * busy. Its virtual threads (one per listener with queued events) run on the JDK's shared
 * virtual-thread scheduler, whose carrier platform threads are bounded by the JDK
 * ({@code jdk.virtualThreadScheduler.parallelism}, the number of processors by default). A listener
 * that waits (I/O, a lock, a latch, a sleep) frees its carrier; one that computes for a long time
 * without waiting, or (before Java 24) waits inside a {@code synchronized} block, occupies one
 * carrier meanwhile.
 * <p>
 * A listener of one subscription value never hears of another value's row. A row change whose WAL
 * carries no key (a delete under REPLICA IDENTITY DEFAULT) goes to the listeners of the value the
 * stream last told for the row, or of the values views hold it under ({@link RowValues}); when
 * neither knows it, its value is unknown and the listeners of every value that select its change
 * type are told instead: one
 * {@link MissedEvents.Reason#KEY_UNKNOWN} notice per listener and transaction, with the count and
 * no id. Registering the first such listener of a type whose table's WAL lacks the old key logs
 * one WARN with the fix.
 * <p>
 * For internal use only. Thread-safe: listeners register and unregister from any thread.
 */
public final class EventBus {

    private static final Logger LOG = LoggerFactory.getLogger(EventBus.class);

    private final Set<Class<?>> watchedTypes;
    private final Function<WatchedEntity<?>, Boolean> carriesOldKey;
    /** Delivery thread only, as {@link #followed}: the index {@link #rowValues} followed last. */
    private final RowValues rowValues;
    private ListenerIndex followed = ListenerIndex.EMPTY;
    /** The types whose old-key check for listeners of one value was made, or is under way. */
    private final Set<Class<?>> oldKeyChecked = ConcurrentHashMap.newKeySet();
    /** A virtual thread per drain task: no platform thread of the bus's own (see the class comment). */
    private final ExecutorService executor = Executors.newThreadPerTaskExecutor(
            Thread.ofVirtual().name("livesync-events-", 0).factory());
    private final EventCounters counters = new EventCounters();
    private final Object lock = new Object();
    /** Replaced, never changed, under {@link #lock}; read without it. */
    private volatile ListenerIndex index = ListenerIndex.EMPTY;
    private boolean stopped;

    /**
     * A bus for listeners of these entity types (what a listener of every type is told it missed).
     *
     * @param watchedTypes the pipeline's watched entity types
     * @param holders the values views hold a row under: where a delete without its key goes
     * @param carriesOldKey whether the WAL carries an entity's old subscription key, as the catalog
     *     tells ({@code null}: cannot tell); asked off the registering thread, once per type
     */
    public EventBus(Set<Class<?>> watchedTypes, RowHolders holders, Function<WatchedEntity<?>, Boolean> carriesOldKey) {
        this.watchedTypes = Set.copyOf(watchedTypes);
        this.rowValues = new RowValues(holders);
        this.carriesOldKey = carriesOldKey;
    }

    /**
     * Registers a listener; it receives the events of transactions decoded from now on (one being
     * read at this moment may not reach it). {@code onMissed} (may be {@code null}) is told what it
     * missed after the listener's own {@link EntityListener#onMissed}.
     *
     * @param selection which events the listener receives
     * @param listener receives them, on a {@code livesync-events-N} virtual thread
     * @param onMissed also told of missed events, or {@code null}
     * @return the registration; removing it closes the listener's queue (idempotent)
     * @throws IllegalStateException when the pipeline is stopped
     */
    public Registration register(EventSelection selection, EntityListener<?> listener,
                                 Consumer<MissedEvents> onMissed) {
        ListenerQueue queue = new ListenerQueue(selection, listener, onMissed, executor, counters);
        synchronized (lock) {
            if (stopped) {
                throw new IllegalStateException("LiveSync is stopped: an entity listener would receive nothing");
            }
            index = index.with(queue);
        }
        LOG.debug("LiveSync entity listener registered: {} ({})", listener, selection);
        if (selection.value() != null && selection.accepts(ChangeType.DELETED)) {
            checkOldKey(selection.entity());
        }
        return () -> unregister(queue);
    }

    /** Once per type, off this thread: a WARN with the fix when its WAL lacks the old key (deletes name no value). */
    private void checkOldKey(WatchedEntity<?> entity) {
        if (!oldKeyChecked.add(entity.type())) {
            return;
        }
        try {
            executor.execute(() -> {
                Boolean carries = carriesOldKey.apply(entity);
                if (carries == null) {
                    oldKeyChecked.remove(entity.type()); // cannot tell now: the next registration asks again
                } else if (!carries) {
                    LOG.warn("LiveSync: the WAL of {} does not carry the subscription key of a deleted row, so entity "
                            + "listeners of one subscription value of {} receive such a delete only when a view holds "
                            + "the row, else a KEY_UNKNOWN notice (no id). Give the table REPLICA IDENTITY FULL, or an "
                            + "identity index that contains the key column ({})", entity.qualifiedTable(),
                            entity.type().getSimpleName(), entity.keyColumn());
                }
            });
        } catch (RejectedExecutionException e) {
            oldKeyChecked.remove(entity.type()); // stopping
        }
    }

    private void unregister(ListenerQueue queue) {
        synchronized (lock) {
            index = index.without(queue);
        }
        if (!queue.isClosed()) {
            queue.close();
            LOG.debug("LiveSync entity listener removed: {}", queue);
        }
    }

    /**
     * Reader thread: whether some listener wants an event of this change. Cheap when none listens to
     * its type.
     *
     * @param change a decoded change of a watched entity
     * @return whether some listener's selection takes an event of it
     */
    public boolean concerns(EntityChange change) {
        ListenerIndex listeners = index;
        if (listeners.isEmpty() || !listeners.hasListenersOf(change.type())) {
            return false;
        }
        for (EntityEvent<?> event : eventsOf(change, Instant.EPOCH)) {
            if (!listeners.visit(event, queue -> false) || ListenerIndex.keyless(event)
                    && !listeners.visitValues(event, null, queue -> false)) {
                return true; // a keyless one: delivered, or a notice, by the values views hold it under
            }
        }
        return false;
    }

    /**
     * Delivery thread: the events of one transaction's changes for the listeners they reach, a
     * notice for the listeners of {@code tooManyChanges}, types of which the transaction did not keep
     * every change, and after its events a {@link MissedEvents.Reason#KEY_UNKNOWN} notice for each
     * listener of one value that a change without a key may have concerned (see the class comment).
     *
     * @param changes the transaction's changes of watched entities, in order
     * @param commitTime when the transaction committed
     * @param tooManyChanges the entity types of which the transaction did not keep every change
     * @param notRead how many changes of these types it did not keep, or {@code 0} when not known (a
     *     notice carries it to each listener that selects every change of every one of these types,
     *     and {@code 0}, not known, to the others)
     * @return the batch to deliver once the transaction is visible; {@link EventBatch#NONE} when no
     *     listener is registered
     */
    public EventBatch select(List<EntityChange> changes, Instant commitTime, Set<Class<?>> tooManyChanges,
                             long notRead) {
        ListenerIndex listeners = index;
        followValues(listeners);
        if (listeners.isEmpty()) {
            return EventBatch.NONE;
        }
        EventBatch batch = new EventBatch();
        if (!tooManyChanges.isEmpty()) {
            for (ListenerQueue queue : listeners.all()) {
                Set<Class<?>> missed = typesOf(queue, tooManyChanges);
                if (!missed.isEmpty()) {
                    long count = missed.equals(tooManyChanges) && queue.selection().takesEveryChange() ? notRead : 0;
                    batch.notice(queue, new MissedEvents(MissedEvents.Reason.TOO_MANY_CHANGES, count, missed));
                }
            }
        }
        Set<ListenerQueue> reached = Collections.newSetFromMap(new IdentityHashMap<>());
        Map<ListenerQueue, Long> keyUnknown = new IdentityHashMap<>();
        for (EntityChange change : changes) {
            if (!listeners.hasListenersOf(change.type())) {
                continue;
            }
            for (EntityEvent<?> event : eventsOf(change, commitTime)) {
                reached.clear();
                Predicate<ListenerQueue> add = queue -> {
                    if (reached.add(queue)) {
                        batch.add(queue, event, change.entity());
                    }
                    return true;
                };
                listeners.visit(event, add);
                if (!listeners.hasValueListeners(change.type())) {
                    continue;
                }
                if (!ListenerIndex.keyless(event)) {
                    rowValues.seen(event);
                    continue;
                }
                List<Object> values = rowValues.valuesOf(event, event.changeType() == ChangeType.DELETED);
                if (values.isEmpty()) {
                    listeners.visitValues(event, null, queue -> {
                        keyUnknown.merge(queue, 1L, Long::sum);
                        return true;
                    });
                } else {
                    listeners.visitValues(event, values, add);
                }
            }
        }
        rowValues.forget(tooManyChanges); // what it left out may have changed their rows' keys
        keyUnknown.forEach((queue, count) -> batch.notice(queue, new MissedEvents(MissedEvents.Reason.KEY_UNKNOWN,
                count, Set.of(queue.selection().entity().type()))));
        return batch;
    }

    /**
     * Delivery thread: what {@link RowValues} knows of a type is recorded only while it has listeners of
     * one value; when a type gains its first again, what it knew from before is stale and forgotten.
     */
    private void followValues(ListenerIndex listeners) {
        if (listeners == followed) {
            return;
        }
        for (Class<?> type : watchedTypes) {
            if (listeners.hasValueListeners(type) && !followed.hasValueListeners(type)) {
                rowValues.forget(Set.of(type));
            }
        }
        followed = listeners;
    }

    /** Delivery thread: the stream was interrupted (or a transaction lost); every listener is told, in order. */
    public void interrupted() {
        rowValues.forget(watchedTypes);
        for (ListenerQueue queue : index.all()) {
            queue.notice(new MissedEvents(MissedEvents.Reason.STREAM_INTERRUPTED, 0, typesOf(queue, watchedTypes)));
        }
    }

    /** {@return how many listeners are registered: back to zero when every registration was removed} */
    public int listeners() {
        return index.all().size();
    }

    /** {@return how many events were handed to listeners since start (also those a listener threw on)} */
    public long delivered() {
        return counters.deliveredCount();
    }

    /** {@return how many events were dropped since start because a listener's queue was full} */
    public long missed() {
        return counters.missedCount();
    }

    /** Ends delivery: queued events are dropped, running listeners are interrupted. Idempotent. */
    public void stop() {
        List<ListenerQueue> queues;
        synchronized (lock) {
            stopped = true;
            queues = index.all();
            index = ListenerIndex.EMPTY;
        }
        queues.forEach(ListenerQueue::close);
        executor.shutdownNow();
    }

    private static Set<Class<?>> typesOf(ListenerQueue queue, Set<Class<?>> among) {
        if (queue.selection().entity() == null) {
            return among;
        }
        Class<?> type = queue.selection().entity().type();
        return among.contains(type) ? Set.of(type) : Set.of();
    }

    /** The events a change is: one, or for an update that changed the id a delete of the old id and an update. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    static List<EntityEvent<?>> eventsOf(EntityChange change, Instant commitTime) {
        Class type = change.type();
        Optional none = Optional.empty();
        return switch (change.kind()) {
            case INSERT -> List.of(new EntityEvent(type, ChangeType.INSERTED, change.id(), null, false,
                    change.newKey(), change.newKeyKnown(), commitTime, none));
            case UPDATE -> {
                EntityEvent updated = new EntityEvent(type, ChangeType.UPDATED, change.id(), change.oldKey(),
                        change.oldKeyKnown(), change.newKey(), change.newKeyKnown(), commitTime, none);
                if (!change.idChanged()) {
                    yield List.of(updated);
                }
                List<EntityEvent<?>> two = new ArrayList<>(2);
                two.add(new EntityEvent(type, ChangeType.DELETED, change.oldId(), change.oldKey(),
                        change.oldKeyKnown(), null, false, commitTime, none));
                two.add(updated);
                yield two;
            }
            case DELETE -> List.of(new EntityEvent(type, ChangeType.DELETED, change.id(), change.oldKey(),
                    change.oldKeyKnown(), null, false, commitTime, none));
            case TRUNCATE -> List.of(new EntityEvent(type, ChangeType.TRUNCATED, null, null, false, null, false,
                    commitTime, none));
        };
    }
}
