package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * No reload herd: when every view must reload (an interruption that a temporary slot cannot
 * bridge), at most {@link DeliverySettings#maxConcurrentReloads()} loaders run at once, the others
 * wait their turn, and the live state says views are resyncing until every one is fresh.
 */
@Timeout(120)
class ReloadHerdTest extends LivePipelineTest {

    private static final int VIEWS = 12;
    private static final int MAX_RELOADS = 2;

    @Test
    void afterAnInterruptionAtMostTheBoundOfViewsReloadAtOnceAndTheStateSaysResyncingUntilAllAreFresh()
            throws Exception {
        LiveSyncSettings settings = LiveSyncSettings.of(env.settings()).withDelivery(DeliverySettings.defaults()
                .withUiThreads(VIEWS / 2).withMaxConcurrentReloads(MAX_RELOADS));
        try (LiveTestEnvironment.Node node = env.node(settings)) {
            await().atMost(LiveTestEnvironment.WAIT).until(() -> node.liveSync.liveState().isLive());
            AtomicBoolean hold = new AtomicBoolean();
            CountDownLatch release = new CountDownLatch(1);
            AtomicInteger running = new AtomicInteger();
            AtomicInteger mostAtOnce = new AtomicInteger();
            List<ItemsView> views = new ArrayList<>();
            for (int i = 0; i < VIEWS; i++) {
                views.add(TestSessions.openInNewSession(() -> new ItemsView(node.liveSync, 1L, tenant -> {
                    if (!hold.get()) {
                        return node.load(tenant);
                    }
                    mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                        release.await(LiveTestEnvironment.WAIT.toSeconds(), TimeUnit.SECONDS);
                        return node.load(tenant);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    } finally {
                        running.decrementAndGet();
                    }
                })));
            }
            int[] loadsBefore = views.stream().mapToInt(view -> view.loads.get()).toArray();
            assertThat(node.liveSync.liveState().isResyncing()).isFalse();

            hold.set(true);
            long reconnects = node.liveSync.metrics().reconnects();
            TestSlots.terminateWalsender(env.db, node.liveSync.settings().slotName());
            await().atMost(LiveTestEnvironment.WAIT).until(() -> node.liveSync.metrics().reconnects() > reconnects);

            // each view's list is still to reload (its form, showing no bean, may have finished already)
            await().atMost(LiveTestEnvironment.WAIT).until(() -> running.get() == MAX_RELOADS
                    && node.liveSync.liveState().resyncing() >= VIEWS);
            assertThat(node.liveSync.liveState().isResyncing()).as("the state says views are resyncing").isTrue();
            env.insert(1, "committed after the interruption");
            release.countDown();

            await().atMost(LiveTestEnvironment.WAIT).until(() -> views.stream().allMatch(view ->
                    TestSessions.read(view, view::titles).contains("committed after the interruption")));
            await().atMost(LiveTestEnvironment.WAIT).until(() -> !node.liveSync.liveState().isResyncing());
            assertThat(mostAtOnce.get()).as("loaders that ran at once").isEqualTo(MAX_RELOADS);
            for (int i = 0; i < VIEWS; i++) {
                assertThat(views.get(i).loads.get()).as("view %d reloaded", i).isGreaterThan(loadsBefore[i]);
            }
            assertThat(node.liveSync.liveState().resyncing()).isZero();
        }
    }
}
