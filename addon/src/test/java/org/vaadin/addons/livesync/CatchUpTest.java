package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.UI;

/**
 * The public waits that tests build on ({@link LiveSync#awaitStreaming}, {@link LiveSync#awaitCaughtUp}),
 * on the real pipeline: what they promise when they return, and what they say when they cannot.
 */
@Timeout(120)
class CatchUpTest extends LivePipelineTest {

    @Test
    void awaitCaughtUpReturnsWithTheCommittedRowsRoutedToTheViewAndAppliedByItsNextUiAccess() throws Exception {
        ItemsView view = open(1);
        for (int i = 0; i < 5; i++) {
            env.insert(1, "row " + i);
        }

        assertThat(env.liveSync.awaitCaughtUp(LiveTestEnvironment.WAIT)).isTrue();

        // routed, not applied: the test thread holds the session's lock, so no UI.access ran yet
        assertThat(env.liveSync.metrics().busyUis()).isEqualTo(1);
        assertThat(view.titles()).isEmpty();
        MockVaadin.runUIQueue();
        assertThat(view.titles()).containsExactlyInAnyOrder("row 0", "row 1", "row 2", "row 3", "row 4");
        assertThat(env.liveSync.metrics().busyUis()).isZero();
    }

    @Test
    void awaitCaughtUpReturnsWhenNothingWasCommittedMeanwhile() throws Exception {
        assertThat(env.liveSync.awaitCaughtUp(LiveTestEnvironment.WAIT)).isTrue();
        long[] micros = new long[20];
        for (int i = 0; i < micros.length; i++) {
            long started = System.nanoTime();
            assertThat(env.liveSync.awaitCaughtUp(LiveTestEnvironment.WAIT)).isTrue();
            micros[i] = (System.nanoTime() - started) / 1_000;
        }
        java.util.Arrays.sort(micros);
        System.out.printf("awaitCaughtUp on an idle stream: median %d us, max %d us (%d calls)%n",
                micros[micros.length / 2], micros[micros.length - 1], micros.length);
    }

    @Test
    void aWriteRightAfterAwaitStreamingReachesTheNewNodesView() throws Exception {
        try (LiveTestEnvironment.Node node = env.node(env.settings())) {
            assertThat(node.liveSync.awaitStreaming(LiveTestEnvironment.WAIT)).isTrue();
            assertThat(node.liveSync.liveState().status()).isEqualTo(CaptureState.STREAMING);
            ItemsView view = new ItemsView(node.liveSync, 7L, node::load);
            UI.getCurrent().add(view);

            env.insert(7, "first write");

            assertThat(node.liveSync.awaitCaughtUp(LiveTestEnvironment.WAIT)).isTrue();
            MockVaadin.runUIQueue();
            assertThat(view.titles()).containsExactly("first write");
        }
    }

    @Test
    void awaitStreamingRefusesALiveSyncThatWasNeverStartedAndSaysWhatToDo() {
        try (LiveSync notStarted = LiveSync.create(env.sessionFactory, env.settings())) {
            assertThatThrownBy(() -> notStarted.awaitStreaming(Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("start()");
        }
    }

    @Test
    void awaitCaughtUpRefusesALiveSyncThatWasNeverStartedAndSaysWhatToDo() {
        try (LiveSync notStarted = LiveSync.create(env.sessionFactory, env.settings())) {
            assertThatThrownBy(() -> notStarted.awaitCaughtUp(Duration.ofSeconds(1)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("start()");
        }
    }

    @Test
    void bothWaitsAreFalseOnceStopped() throws Exception {
        LiveTestEnvironment.Node node = env.node(env.settings());
        node.close();
        assertThat(node.liveSync.awaitStreaming(LiveTestEnvironment.WAIT)).isFalse();
        assertThat(node.liveSync.awaitCaughtUp(LiveTestEnvironment.WAIT)).isFalse();
    }

    @Test
    void awaitStreamingIsFalseAtTheTimeoutWhileThePublicationIsMissing() throws Exception {
        try (LiveTestEnvironment.Node node = env.node(env.settings().withPublication("no_such_publication"))) {
            assertThat(node.liveSync.awaitStreaming(Duration.ofMillis(300))).isFalse();
            assertThat(node.liveSync.liveState().isLive()).isFalse();
        }
    }
}
