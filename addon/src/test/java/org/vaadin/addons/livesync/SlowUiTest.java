package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.server.VaadinSession;

/**
 * A UI whose session lock is held (a long request, a slow client) while many transactions arrive:
 * its pending changes are coalesced (bounded by the rows they touch, not by the transactions),
 * other sessions are not held up, and it converges once released. A UI detached while changes are
 * pending is dropped quietly.
 */
@Timeout(180)
class SlowUiTest extends LivePipelineTest {

    @Test
    void heldUiCoalescesItsChangesWhileOthersStayLiveAndConvergesWhenReleased() {
        List<Long> ids = IntStream.range(0, 10).mapToObj(i -> env.insert(1, "v0")).toList();
        ItemsView slow = TestSessions.openInNewSession(() -> new ItemsView(env.liveSync, 1L, env::load));
        ItemsView live = TestSessions.openInNewSession(() -> new ItemsView(env.liveSync, 1L, env::load));
        UI slowUi = slow.getUI().orElseThrow();
        VaadinSession slowSession = slowUi.getSession();
        int rounds = 300;

        slowSession.lock();
        try {
            for (int round = 1; round <= rounds; round++) {
                env.db.execute("UPDATE live_view_test.item SET title = 'v" + round + "' WHERE id = " + ids.get(round % 10));
            }
            String last = "v" + rounds;
            await().atMost(LiveTestEnvironment.WAIT).until(() -> TestSessions.read(live,
                    () -> live.list.rows().stream().anyMatch(i -> last.equals(i.getTitle()))));
            env.catchUp();
            assertThat(env.liveSync.pipeline().dispatcher().pendingFor(slowUi)).as("pending row operations").isLessThanOrEqualTo(10);
            assertThat(slow.list.rows()).extracting(Item::getTitle).containsOnly("v0");
        } finally {
            slowSession.unlock();
        }

        List<String> converged = TestSessions.read(slow, () -> slow.list.rows().stream().map(Item::getTitle).toList());
        assertThat(converged).doesNotContain("v0").containsExactlyInAnyOrderElementsOf(
                TestSessions.read(live, () -> live.list.rows().stream().map(Item::getTitle).toList()));
    }

    @Test
    void uiDetachedWhileChangesArePendingIsDroppedQuietly() {
        int before = env.liveSync.metrics().registrations();
        ItemsView doomed = TestSessions.openInNewSession(() -> new ItemsView(env.liveSync, 1L, env::load));
        ItemsView other = TestSessions.openInNewSession(() -> new ItemsView(env.liveSync, 1L, env::load));
        VaadinSession session = doomed.getUI().orElseThrow().getSession();

        session.lock();
        try {
            env.insert(1, "pending for a UI about to go");
            await().atMost(LiveTestEnvironment.WAIT)
                    .until(() -> env.liveSync.pipeline().dispatcher().pendingFor(doomed.getUI().orElseThrow()) > 0);
        } finally {
            session.unlock();
        }
        TestSessions.close(doomed);
        env.insert(1, "after the detach");

        await().atMost(LiveTestEnvironment.WAIT).until(() -> TestSessions.read(other, () -> other.list.rows().size() == 2));
        assertThat(env.liveSync.metrics().registrations()).isEqualTo(before + 2);
        assertThat(env.liveSync.liveState().status()).isEqualTo(org.vaadin.addons.livesync.CaptureState.STREAMING);
    }
}
