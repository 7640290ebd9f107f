package org.vaadin.addons.livesync;

import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * An entity listener for tests: records each event (except the inserts of the marker rows that
 * {@link LiveTestEnvironment#catchUp()} writes), each notice of missed events, and the threads it
 * was called on. Thread-safe.
 */
class EventRecorder<T> implements EntityListener<T> {

    static final long MARKER_TENANT = -999L;

    final List<EntityEvent<T>> events = new CopyOnWriteArrayList<>();
    /** Events and notices in the order they came: {@link #describe} strings, and "missed REASON count". */
    final List<String> sequence = new CopyOnWriteArrayList<>();
    final List<MissedEvents> missed = new CopyOnWriteArrayList<>();
    final Set<String> threads = ConcurrentHashMap.newKeySet();

    @Override
    public void onEvent(EntityEvent<T> event) {
        threads.add(Thread.currentThread().getName());
        if (event.changeType() == ChangeType.INSERTED && Long.valueOf(MARKER_TENANT).equals(event.newKey())) {
            return;
        }
        events.add(event);
        sequence.add(describe(event));
    }

    @Override
    public void onMissed(MissedEvents notice) {
        threads.add(Thread.currentThread().getName());
        missed.add(notice);
        sequence.add("missed " + notice.reason() + " " + notice.count());
    }

    /** Waits until an event that matches arrived, and returns the events up to and including it. */
    List<String> until(Predicate<EntityEvent<T>> last) {
        await().atMost(LiveTestEnvironment.WAIT).until(() -> events.stream().anyMatch(last));
        return sequence.subList(0, sequence.indexOf(describe(events.stream().filter(last).findFirst().orElseThrow())) + 1);
    }

    /** Waits for {@code count} events. */
    void awaitEvents(int count) {
        await().atMost(LiveTestEnvironment.WAIT).until(() -> events.size() >= count);
    }

    /** "KIND id old→new", a key that is not known shown as "?". */
    static String describe(EntityEvent<?> e) {
        return e.changeType() + (e.id() == null ? "" : " " + e.id()) + (e.changeType() == ChangeType.TRUNCATED ? ""
                : " " + (e.oldKeyKnown() ? e.oldKey() : "?") + "→" + (e.newKeyKnown() ? e.newKey() : "?"));
    }

    static String event(ChangeType kind, long id, Object oldKey, Object newKey) {
        return kind + " " + id + " " + (oldKey == null ? "?" : oldKey) + "→" + (newKey == null ? "?" : newKey);
    }
}
