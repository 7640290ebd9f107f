package org.vaadin.addons.livesync.internal.events;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vaadin.addons.livesync.ChangeType;
import org.vaadin.addons.livesync.EntityEvent;
import org.vaadin.addons.livesync.MissedEvents;
import org.vaadin.addons.livesync.internal.watch.WatchedEntity;

/**
 * What one transaction gives the entity listeners, in order, before any row is loaded: each event
 * with the listeners it goes to, and notices of what they missed. The dispatcher delivers it once
 * the transaction is visible, loading the rows it names ({@link #rowsToLoad()}) in the same query
 * per entity type as the views' rows; each listener that asked for the entity gets its own copy.
 * Not thread-safe: built and delivered on the delivery thread.
 */
public final class EventBatch {

    private static final Logger LOG = LoggerFactory.getLogger(EventBatch.class);

    /** A batch with nothing in it. */
    public static final EventBatch NONE = new EventBatch();

    /** An event (with the entity of its type) or a notice, for one listener. */
    private record Entry(ListenerQueue queue, EntityEvent<?> event, WatchedEntity<?> entity, MissedEvents notice) {

        boolean needsRow() {
            return event != null && queue.selection().withEntity() && event.id() != null
                    && (event.changeType() == ChangeType.INSERTED || event.changeType() == ChangeType.UPDATED);
        }
    }

    private final List<Entry> entries = new ArrayList<>();

    EventBatch() {
    }

    void add(ListenerQueue queue, EntityEvent<?> event, WatchedEntity<?> entity) {
        entries.add(new Entry(queue, event, entity, null));
    }

    void notice(ListenerQueue queue, MissedEvents notice) {
        entries.add(new Entry(queue, null, null, notice));
    }

    /** {@return whether it has nothing to deliver} */
    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /**
     * {@return the rows its listeners want loaded, by entity: the ids of INSERTED and UPDATED events of
     * listeners that asked}
     */
    public Map<WatchedEntity<?>, Set<Object>> rowsToLoad() {
        Map<WatchedEntity<?>, Set<Object>> rows = new LinkedHashMap<>();
        for (Entry entry : entries) {
            if (entry.needsRow()) {
                rows.computeIfAbsent(entry.entity(), e -> new LinkedHashSet<>()).add(entry.event().id());
            }
        }
        return rows;
    }

    /**
     * Hands every event and notice to its listener's queue (the transaction is visible; its rows are
     * loaded), skipping listeners removed meanwhile. Once a listener's queue is full, it misses the
     * rest of the transaction: those events are dropped and counted, and one
     * {@link MissedEvents.Reason#QUEUE_FULL} notice with their count follows what it did receive. An INSERTED or UPDATED event for a listener that asked for the entity carries its
     * own copy of the row: none when the row is not among {@code rows}, cannot be copied (logged), or
     * has moved to another subscription value than the listener's.
     *
     * @param rows the rows loaded for the transaction ({@link #rowsToLoad()}), copied for each listener
     */
    public void deliver(LoadedRows rows) {
        Set<ListenerQueue> dropping = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Entry entry : entries) {
            ListenerQueue queue = entry.queue();
            if (queue.isClosed()) {
                continue;
            }
            if (entry.notice() != null) {
                queue.notice(entry.notice());
            } else if (dropping.contains(queue) || !queue.hasRoom()) {
                dropping.add(queue); // the rest of the transaction too: one gap, not holes it drained between
                queue.drop(entry.event().entityType()); // no copy made for an event that is dropped anyway
            } else {
                queue.offer(entry.needsRow() ? withEntity(entry, rows) : entry.event());
            }
        }
        dropping.forEach(ListenerQueue::endGap);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static EntityEvent<?> withEntity(Entry entry, LoadedRows rows) {
        EntityEvent event = entry.event();
        WatchedEntity entity = entry.entity();
        Object copy;
        try {
            copy = rows.copy(entity, event.id());
            Object value = entry.queue().selection().value();
            if (copy != null && value != null && !Objects.equals(entity.keyOf(copy), value)) {
                copy = null; // moved to another subscription value since: not this listener's row any more
            }
        } catch (RuntimeException e) {
            LOG.warn("LiveSync could not copy {} {} for an entity listener; its event has no entity",
                    entity.type().getSimpleName(), event.id(), e);
            copy = null;
        }
        return new EntityEvent(event.entityType(), event.changeType(), event.id(), event.oldKey(),
                event.oldKeyKnown(), event.newKey(), event.newKeyKnown(), event.commitTime(), Optional.ofNullable(copy));
    }
}
