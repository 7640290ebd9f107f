package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.vaadin.flow.shared.Registration;

/**
 * Many entity listeners that are all busy at once (registered per session, say) do not make LiveSync
 * start a platform thread each: the documented bound ({@code EventBus}) is no platform
 * {@code livesync-events} thread at all, and each listener still receives its events in commit
 * order.
 */
@Timeout(180)
class EntityListenerThreadsTest extends LivePipelineTest {

    private static final int LISTENERS = 200;

    /** Records the ids it hears, and blocks on its first event until released. */
    private static final class SlowListener implements EntityListener<Item> {

        final List<Long> ids = new CopyOnWriteArrayList<>();
        private final CountDownLatch entered;
        private final CountDownLatch release;

        SlowListener(CountDownLatch entered, CountDownLatch release) {
            this.entered = entered;
            this.release = release;
        }

        @Override
        public void onEvent(EntityEvent<Item> event) {
            if (Long.valueOf(EventRecorder.MARKER_TENANT).equals(event.newKey())) {
                return;
            }
            ids.add(event.id(Long.class));
            if (ids.size() == 1) {
                entered.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    @Test
    void manyBusyListenersStartNoPlatformThreadEachAndEachHearsItsEventsInCommitOrder() {
        CountDownLatch entered = new CountDownLatch(LISTENERS);
        CountDownLatch release = new CountDownLatch(1);
        List<SlowListener> listeners = new ArrayList<>();
        List<Registration> registrations = new ArrayList<>();
        try {
            for (int i = 0; i < LISTENERS; i++) {
                SlowListener listener = new SlowListener(entered, release);
                listeners.add(listener);
                registrations.add(env.liveSync.events(Item.class).listen(listener));
            }
            List<Long> ids = new ArrayList<>();
            ids.add(env.insert(1, "first"));
            await().atMost(LiveTestEnvironment.WAIT).until(() -> entered.getCount() == 0); // every one is busy
            for (int i = 2; i <= 6; i++) {
                ids.add(env.insert(i, "row " + i)); // queued behind each busy listener
            }

            long platformThreads = Thread.getAllStackTraces().keySet().stream() // platform threads only
                    .filter(t -> t.getName().startsWith("livesync-events")).count();
            System.out.printf("EntityListenerThreadsTest: %d busy listeners, %d livesync-events platform threads%n",
                    LISTENERS, platformThreads);
            assertThat(platformThreads).as("livesync-events platform threads while %d listeners are busy", LISTENERS)
                    .isZero();

            release.countDown();
            for (SlowListener listener : listeners) {
                await().atMost(LiveTestEnvironment.WAIT).until(() -> listener.ids.size() >= ids.size());
                assertThat(listener.ids).containsExactlyElementsOf(ids);
            }
        } finally {
            release.countDown();
            registrations.forEach(Registration::remove);
        }
        assertThat(env.liveSync.metrics().entityListeners()).isZero();
    }
}
