package org.vaadin.addons.livesync.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A view that closes while the delivery thread marks it as due to reload (a gap in the stream, an
 * overflow) is not counted as resyncing for ever: {@code LiveState#resyncing()} goes back to 0, and
 * a UI's badge does not say "Resyncing…" for the rest of the application's life.
 */
@Timeout(300)
class ResyncCountRaceTest {

    /** Views closed while marked; before the fix the count stuck above 0 within the first few thousand. */
    private static final int ROUNDS = 200_000;

    @Test
    void aViewClosedWhileMarkedDueToReloadIsNoLongerCountedAsResyncing() throws Exception {
        Dispatcher dispatcher = new Dispatcher(null, null, null, 10, Runnable::run, 4, (delay, task) -> { },
                entity -> false);
        AtomicReference<Subscription<?>> next = new AtomicReference<>();
        AtomicBoolean stop = new AtomicBoolean();
        // the delivery thread: marks each new view as due to reload, as a gap's reloadAll does
        Thread delivery = Thread.ofPlatform().start(() -> {
            while (!stop.get()) {
                Subscription<?> subscription = next.getAndSet(null);
                if (subscription != null) {
                    subscription.resyncDue();
                }
            }
        });
        try {
            for (int round = 0; round < ROUNDS; round++) {
                Subscription<?> view = new Subscription<>(dispatcher, null, null, 1L, null, "view " + round, true);
                next.set(view);
                Thread.onSpinWait();
                dispatcher.unregister(view); // its UI closes (a UI thread)
            }
        } finally {
            stop.set(true);
            delivery.join();
        }
        assertThat(dispatcher.reloadGate().resyncing()).as("views counted as resyncing after all closed").isZero();
    }
}
