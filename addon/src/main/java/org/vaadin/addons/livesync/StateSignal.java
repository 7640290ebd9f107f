package org.vaadin.addons.livesync;

import java.io.InvalidObjectException;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.io.Serializable;

import com.vaadin.flow.signals.Signal;
import com.vaadin.flow.signals.shared.SharedValueSignal;

/**
 * The {@link LiveState} of one {@link LiveSync} as a Vaadin signal ({@link LiveSync#stateSignal()}).
 * Reading it in an effect makes the effect depend on a {@link SharedValueSignal} (the kind Vaadin
 * offers for state that many sessions read and any thread may change) that counts the feed's
 * updates; the value itself is the feed's last published state, the same instance for every reader.
 * Thread-safe. It serializes as a reference: deserialized, it is the signal of the LiveSync that
 * {@link LiveSync#current()} finds.
 */
final class StateSignal implements Signal<LiveState> {

    @Serial
    private static final long serialVersionUID = 1L;

    private final transient LiveStateFeed feed;
    private final transient SharedValueSignal<Long> updates = new SharedValueSignal<>(0L);
    private transient long count;

    StateSignal(LiveStateFeed feed) {
        this.feed = feed;
    }

    @Override
    public LiveState get() {
        updates.get(); // the dependency: throws outside a reactive context, as every signal's get() does
        return feed.published();
    }

    @Override
    public LiveState peek() {
        return feed.published();
    }

    /** The feed published a new state: effects that read this signal run again. Feed thread only. */
    void changed() {
        updates.set(++count);
    }

    @Serial
    private Object writeReplace() {
        return new Reference();
    }

    @Override
    public String toString() {
        return "LiveSync.stateSignal[" + feed.published() + "]";
    }

    /** The serialized form: "the state signal of the installed LiveSync". */
    private static final class Reference implements Serializable {
        @Serial
        private static final long serialVersionUID = 1L;

        @Serial
        private Object readResolve() throws ObjectStreamException {
            try {
                return LiveSync.current().sharedStateSignal();
            } catch (IllegalStateException e) {
                throw new InvalidObjectException("LiveSync's state signal cannot be restored: " + e.getMessage());
            }
        }
    }
}
