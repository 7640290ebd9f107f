package org.vaadin.addons.livesync.internal.events;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.vaadin.addons.livesync.ChangeType;
import org.vaadin.addons.livesync.EntityEvent;

/**
 * Which listeners an event reaches, as an immutable snapshot of the registrations: rebuilt on every
 * registration and removal (rare), read without locks by the reader thread (does any listener want
 * this change?) and the delivery thread (which ones?). Work per event grows with the listeners it
 * reaches, not with all listeners: those of one id or one value are found by that id or value.
 * <p>
 * Who receives an event of a type ({@link #visit}): listeners of every type and of all its rows;
 * listeners of one id when the event's id is theirs, or when it carries no id (a truncate);
 * listeners of one subscription value when its known new or old key is theirs, or when it is a
 * truncate. A row change that carries no key at all (a delete whose old key the WAL lacks, an
 * update whose new key is an unchanged TOAST value and whose old key the WAL lacks) reaches no
 * listener of one value here: the caller finds which values it may be of and asks
 * {@link #visitValues}. Each only for the change types it selects. Immutable and thread-safe.
 */
final class ListenerIndex {

    static final ListenerIndex EMPTY = new ListenerIndex(List.of());

    /** The listeners of one entity type. */
    private static final class OfType {
        final List<ListenerQueue> allRows = new ArrayList<>();
        final List<ListenerQueue> anyId = new ArrayList<>();
        final Map<Object, List<ListenerQueue>> byId = new HashMap<>();
        final List<ListenerQueue> anyValue = new ArrayList<>();
        final Map<Object, List<ListenerQueue>> byValue = new HashMap<>();
    }

    private final List<ListenerQueue> all;
    private final List<ListenerQueue> everyType = new ArrayList<>();
    private final Map<Class<?>, OfType> byType = new HashMap<>();

    private ListenerIndex(List<ListenerQueue> all) {
        this.all = List.copyOf(all);
        for (ListenerQueue queue : this.all) {
            EventSelection selection = queue.selection();
            if (selection.entity() == null) {
                everyType.add(queue);
                continue;
            }
            OfType of = byType.computeIfAbsent(selection.entity().type(), t -> new OfType());
            if (selection.id() != null) {
                of.anyId.add(queue);
                of.byId.computeIfAbsent(selection.id(), i -> new ArrayList<>()).add(queue);
            } else if (selection.value() != null) {
                of.anyValue.add(queue);
                of.byValue.computeIfAbsent(selection.value(), v -> new ArrayList<>()).add(queue);
            } else {
                of.allRows.add(queue);
            }
        }
    }

    ListenerIndex with(ListenerQueue queue) {
        List<ListenerQueue> more = new ArrayList<>(all);
        more.add(queue);
        return new ListenerIndex(more);
    }

    ListenerIndex without(ListenerQueue queue) {
        List<ListenerQueue> fewer = new ArrayList<>(all);
        fewer.remove(queue);
        return new ListenerIndex(fewer);
    }

    List<ListenerQueue> all() {
        return all;
    }

    boolean isEmpty() {
        return all.isEmpty();
    }

    /** Whether some listener selects a type: cheap, for the common case of a type nobody listens to. */
    boolean hasListenersOf(Class<?> type) {
        return !everyType.isEmpty() || byType.containsKey(type);
    }

    /**
     * Offers each listener the event (its entity not loaded yet) reaches to {@code each} (a listener may be
     * offered twice, e.g. when its value is both the old and the new key), until {@code each}
     * returns {@code false}. Returns whether it went through all of them.
     */
    boolean visit(EntityEvent<?> event, Predicate<ListenerQueue> each) {
        if (!offer(everyType, event, each)) {
            return false;
        }
        OfType of = byType.get(event.entityType());
        if (of == null) {
            return true;
        }
        if (!offer(of.allRows, event, each)) {
            return false;
        }
        if (!of.anyId.isEmpty()) {
            if (!offer(event.id() == null ? of.anyId : of.byId.get(event.id()), event, each)) {
                return false;
            }
        }
        if (!of.anyValue.isEmpty()) {
            if (!event.oldKeyKnown() && !event.newKeyKnown()) {
                return event.changeType() != ChangeType.TRUNCATED || offer(of.anyValue, event, each);
            }
            return (!event.newKeyKnown() || offer(of.byValue.get(event.newKey()), event, each))
                    && (!event.oldKeyKnown() || offer(of.byValue.get(event.oldKey()), event, each));
        }
        return true;
    }

    /** Whether some listener follows one subscription value of the type. */
    boolean hasValueListeners(Class<?> type) {
        OfType of = byType.get(type);
        return of != null && !of.anyValue.isEmpty();
    }

    /**
     * As {@link #visit}, for the listeners of one subscription value of the event's type only: of
     * each of {@code values}, or of every value when {@code values} is {@code null}.
     */
    boolean visitValues(EntityEvent<?> event, List<Object> values, Predicate<ListenerQueue> each) {
        OfType of = byType.get(event.entityType());
        if (of == null) {
            return true;
        }
        if (values == null) {
            return offer(of.anyValue, event, each);
        }
        for (Object value : values) {
            if (!offer(of.byValue.get(value), event, each)) {
                return false;
            }
        }
        return true;
    }

    /** {@return whether the event is of a row and carries no subscription key: its value is not known from it} */
    static boolean keyless(EntityEvent<?> event) {
        return event.id() != null && !event.oldKeyKnown() && !event.newKeyKnown();
    }

    private static boolean offer(List<ListenerQueue> queues, EntityEvent<?> event, Predicate<ListenerQueue> each) {
        if (queues == null) {
            return true;
        }
        for (ListenerQueue queue : queues) {
            if (queue.selection().accepts(event.changeType()) && !each.test(queue)) {
                return false;
            }
        }
        return true;
    }
}
