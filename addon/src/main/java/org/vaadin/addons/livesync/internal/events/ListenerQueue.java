package org.vaadin.addons.livesync.internal.events;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vaadin.addons.livesync.EntityEvent;
import org.vaadin.addons.livesync.EntityListener;
import org.vaadin.addons.livesync.MissedEvents;

/**
 * One listener's own ordered queue, drained by at most one task at a time on the events executor
 * (a virtual thread per task, {@link EventBus}): so the listener is called one event at a time, in
 * order, and never on the thread that offers.
 * Bounded: past {@link EventSelection#queueSize()} waiting events further ones are dropped and
 * counted, and the listener is told how many ({@link MissedEvents.Reason#QUEUE_FULL}) where they are
 * missing: one notice per gap ({@link #endGap}, at the end of the transaction that dropped), merged
 * with the gap of the next transactions while the listener has not reached it yet; each notice it
 * receives is logged at WARN once — except {@link MissedEvents.Reason#KEY_UNKNOWN}, logged at WARN
 * with the fix for the listener's first such notice, then at DEBUG (it recurs with every delete of a
 * row no view holds until the table's replica identity is changed). A listener that throws is logged (the first failure with its stack
 * trace, then at most one line a minute) and keeps receiving.
 * <p>
 * Thread-safe: the delivery thread offers, an events thread drains, any thread closes.
 */
final class ListenerQueue {

    private static final Logger LOG = LoggerFactory.getLogger(ListenerQueue.class);
    private static final long FAILURE_LOG_INTERVAL_NANOS = 60_000_000_000L;

    private final EventSelection selection;
    private final EntityListener<Object> listener;
    private final Consumer<MissedEvents> onMissed;
    private final Executor executor;
    private final EventCounters counters;
    /** Events and notices, in order; guarded by {@code this}. */
    private final ArrayDeque<Object> items = new ArrayDeque<>();
    private int events;
    private long dropped;
    private Set<Class<?>> droppedTypes = new HashSet<>();
    private boolean scheduled;
    private volatile boolean closed;
    /** Drain task only (one at a time, ordered by the lock): failures since the last one logged. */
    private long failures;
    private boolean failureLogged;
    private long lastFailureLogged;
    /** Drain task only: whether a KEY_UNKNOWN notice was logged at WARN. */
    private boolean keyUnknownWarned;

    @SuppressWarnings("unchecked") // the events it is given are of the type it selects
    ListenerQueue(EventSelection selection, EntityListener<?> listener, Consumer<MissedEvents> onMissed,
                  Executor executor, EventCounters counters) {
        this.selection = selection;
        this.listener = (EntityListener<Object>) listener;
        this.onMissed = onMissed;
        this.executor = executor;
        this.counters = counters;
    }

    EventSelection selection() {
        return selection;
    }

    /** Whether an event offered now would be queued (only the delivery thread offers, so it stays true until then). */
    synchronized boolean hasRoom() {
        return events < selection.queueSize();
    }

    /** Queues an event, or drops and counts it when the queue is full. */
    synchronized void offer(EntityEvent<?> event) {
        if (closed) {
            return;
        }
        if (events >= selection.queueSize()) {
            drop(event.entityType());
            return;
        }
        flushDropped();
        items.add(event);
        events++;
        schedule();
    }

    /** Counts an event that is not queued because the queue is full. */
    synchronized void drop(Class<?> type) {
        if (!closed) {
            dropped++;
            droppedTypes.add(type);
            counters.missed();
        }
    }

    /** The delivery thread ends a gap (a transaction dropped events): the listener is told, after what it has. */
    synchronized void endGap() {
        if (!closed) {
            flushDropped();
            schedule();
        }
    }

    /** Queues a notice of missed events (never dropped; one like the last queued item merges into it). */
    synchronized void notice(MissedEvents missed) {
        if (closed) {
            return;
        }
        flushDropped();
        queueNotice(missed);
        schedule();
    }

    private void queueNotice(MissedEvents missed) {
        if (items.peekLast() instanceof MissedEvents last && last.reason() == missed.reason()) {
            Set<Class<?>> types = new HashSet<>(last.entityTypes());
            types.addAll(missed.entityTypes());
            items.pollLast();
            items.add(new MissedEvents(last.reason(), last.count() + missed.count(), types));
        } else {
            items.add(missed);
        }
    }

    /** Stops delivery: nothing queued is delivered any more, and nothing is queued from now on. */
    synchronized void close() {
        closed = true;
        items.clear();
        events = 0;
        dropped = 0;
    }

    boolean isClosed() {
        return closed;
    }

    private void flushDropped() {
        if (dropped > 0) {
            queueNotice(new MissedEvents(MissedEvents.Reason.QUEUE_FULL, dropped, droppedTypes));
            dropped = 0;
            droppedTypes = new HashSet<>();
        }
    }

    private void schedule() {
        if (!scheduled) {
            scheduled = true;
            try {
                executor.execute(this::drain);
            } catch (RejectedExecutionException e) {
                scheduled = false; // stopping
            }
        }
    }

    private void drain() {
        while (true) {
            Object next;
            synchronized (this) {
                next = items.poll();
                if (next == null || closed) {
                    scheduled = false;
                    return;
                }
                if (next instanceof EntityEvent<?>) {
                    events--;
                }
            }
            if (next instanceof EntityEvent<?> event) {
                deliver(event);
            } else {
                deliver((MissedEvents) next);
            }
        }
    }

    @SuppressWarnings("unchecked")
    private void deliver(EntityEvent<?> event) {
        try {
            listener.onEvent((EntityEvent<Object>) event);
        } catch (Throwable e) {
            failed(event, e);
        } finally {
            counters.delivered();
        }
    }

    private void deliver(MissedEvents missed) {
        if (missed.reason() == MissedEvents.Reason.STREAM_INTERRUPTED) {
            // the pipeline logged the interruption once for every listener; the stream is back
            LOG.debug("LiveSync entity listener {} ({}) missed events: {}", listener, selection, missed.reason());
        } else if (missed.reason() != MissedEvents.Reason.KEY_UNKNOWN) {
            LOG.warn("LiveSync entity listener {} ({}) missed events: {}{}", listener, selection, missed.reason(),
                    missed.count() > 0 ? " (" + missed.count() + ")" : "");
        } else if (!keyUnknownWarned) {
            keyUnknownWarned = true;
            LOG.warn("LiveSync entity listener {} ({}) missed events: KEY_UNKNOWN ({}): deletes whose subscription "
                    + "value the WAL does not carry, of rows no view holds. Give the table {} REPLICA IDENTITY FULL, "
                    + "or an identity index that contains the key column; further such notices of this listener "
                    + "are logged at DEBUG", listener, selection, missed.count(), selection.entity().qualifiedTable());
        } else {
            LOG.debug("LiveSync entity listener {} ({}) missed events: KEY_UNKNOWN ({})", listener, selection,
                    missed.count());
        }
        try {
            listener.onMissed(missed);
            if (onMissed != null) {
                onMissed.accept(missed);
            }
        } catch (Throwable e) {
            failed(missed, e);
        }
    }

    private void failed(Object item, Throwable e) {
        failures++;
        long now = System.nanoTime();
        if (!failureLogged) {
            LOG.error("LiveSync entity listener {} ({}) threw on {}; it keeps receiving", listener, selection, item, e);
        } else if (now - lastFailureLogged > FAILURE_LOG_INTERVAL_NANOS) {
            LOG.error("LiveSync entity listener {} ({}) threw {} time(s) since it was last logged, last on {}: {}",
                    listener, selection, failures, item, e.toString());
        } else {
            return;
        }
        failureLogged = true;
        lastFailureLogged = now;
        failures = 0;
    }

    @Override
    public String toString() {
        return "ListenerQueue[" + selection + ", " + listener + "]";
    }
}
