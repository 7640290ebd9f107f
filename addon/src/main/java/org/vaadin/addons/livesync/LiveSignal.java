package org.vaadin.addons.livesync;

import java.io.Serializable;
import java.util.function.Supplier;

import com.vaadin.flow.signals.Signal;
import com.vaadin.flow.signals.local.ValueSignal;

/**
 * What a watched list or bean shows, as a read-only Vaadin signal: made on the first request,
 * set on the UI thread each time the list or bean changes (compared by identity, so that a new
 * version of an equal row still notifies). Session-local, serializable with the session.
 *
 * @param <T> the value's type
 */
final class LiveSignal<T> implements Serializable {

    private ValueSignal<T> signal;
    private Signal<T> readOnly;

    /** UI thread: the read-only signal, made with {@code current} on the first call. */
    Signal<T> get(T current) {
        if (signal == null) {
            signal = new ValueSignal<>(current, (a, b) -> a == b);
            readOnly = signal.asReadonly();
        }
        return readOnly;
    }

    /** UI thread: the list or bean shows {@code value} now (asked only once the signal was made). */
    void set(Supplier<T> value) {
        if (signal != null) {
            signal.set(value.get());
        }
    }
}
