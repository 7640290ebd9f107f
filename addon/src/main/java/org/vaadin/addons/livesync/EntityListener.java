package org.vaadin.addons.livesync;

import java.util.EventListener;

/**
 * Receives the {@link EntityEvent}s of the changes it was registered for
 * ({@link EntityEvents#listen}: {@code liveSync.events(Task.class).listen(...)}).
 * <p>
 * Threads: called on a {@code livesync-events-N} virtual thread, never on LiveSync's reader or
 * delivery thread; one call at a time per registration, in commit order. A listener registered
 * twice is two registrations, each with its own queue. Listeners start no platform thread of their
 * own: a listener that waits (I/O, a lock) frees its carrier thread for the others; one that computes
 * for long without waiting occupies one of the JDK's carrier threads (as many as processors). A listener that throws is logged
 * and keeps receiving; one that is slow only delays itself (see {@link #onMissed}).
 *
 * @param <T> the entity type ({@code Object} for a listener of every watched type)
 */
@FunctionalInterface
public interface EntityListener<T> extends EventListener {

    /**
     * One committed change of a row this listener selects.
     *
     * @param event what changed, with the entity when the selection asked for it
     */
    void onEvent(EntityEvent<T> event);

    /**
     * Events this listener selects were not delivered to it (its queue was full, a transaction was
     * too large, the stream was interrupted, or — for a listener of one subscription value — a
     * delete's value was unknown); called in order, where they are missing. LiveSync logs each such
     * notice at WARN, but for an interrupted stream (the pipeline logs that once for all listeners,
     * at INFO when the stream is back, and each listener's notice only at DEBUG) and a listener's
     * {@link MissedEvents.Reason#KEY_UNKNOWN} notices after its first (DEBUG). Does nothing by default.
     *
     * @param missed why events were missed, how many when that is known, and of which entity types
     */
    default void onMissed(MissedEvents missed) {
    }
}
