package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vaadin.addons.livesync.internal.dispatch.Dispatcher;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.UI;

/**
 * A view's loader that throws (the database away a moment) is not the view's end: the view stays
 * resyncing and is loaded again, with backoff, until a load succeeds; and it never stays marked as
 * loading, which would route other tenants' changes to it for good.
 */
@Timeout(120)
class FailedLoadTest extends LivePipelineTest {

    private static final int BULK = DeliverySettings.DEFAULT_MAX_PENDING + 1;

    /** A tenant's list whose loader throws while {@code away} is set. */
    private static ItemsView failingWhile(AtomicBoolean away) {
        return new ItemsView(env.liveSync, 1L, tenant -> {
            if (away.get()) {
                throw new IllegalStateException("the database is away a moment (a test)");
            }
            return env.load(tenant);
        });
    }

    /** Awaits {@code condition}, running the UI's queue meanwhile; fails with {@code what}. */
    private static void awaitUi(String what, BooleanSupplier condition) {
        await(what).atMost(LiveTestEnvironment.WAIT).pollInSameThread().pollInterval(Duration.ofMillis(20)).until(() -> {
            MockVaadin.runUIQueue();
            return condition.getAsBoolean();
        });
    }

    @Test
    void aReloadThatFailsIsRetriedUntilTheListShowsTheRowsWrittenMeanwhile() {
        AtomicBoolean away = new AtomicBoolean();
        ItemsView view = failingWhile(away);
        UI.getCurrent().add(view);
        int loads = view.loads.get();

        away.set(true);
        // more rows than a view takes one by one: the view reloads through its loader
        env.db.execute("INSERT INTO live_view_test.item (tenant, title) SELECT 1, 'bulk ' || g "
                + "FROM generate_series(1, " + BULK + ") g");
        awaitUi("the failed reload is tried again, the view resyncing meanwhile",
                () -> view.loads.get() >= loads + 2 && env.liveSync.liveState().isResyncing());

        away.set(false);
        awaitUi("a retry shows the rows", () -> view.titles().size() == BULK);
        awaitUi("no view resyncing once the load succeeded", () -> !env.liveSync.liveState().isResyncing());
    }

    @Test
    void aFirstLoadThatFailsLeavesNoViewLoadingAndIsRetried() {
        env.insert(1, "before the view opened");
        env.quiesce();
        Dispatcher dispatcher = env.liveSync.pipeline().dispatcher();
        AtomicBoolean away = new AtomicBoolean(true);
        ItemsView view = failingWhile(away);
        RuntimeException thrown = null;
        try {
            UI.getCurrent().add(view);
        } catch (RuntimeException e) {
            thrown = e;
        }

        assertThat(dispatcher.loadingViews()).as("views loading after the first load failed").isZero();
        assertThat(thrown).as("what attaching the view threw").isNull();
        awaitUi("the failed first load is tried again, the view resyncing meanwhile",
                () -> view.loads.get() >= 2 && env.liveSync.liveState().isResyncing());

        away.set(false);
        awaitUi("a retry shows the rows", () -> view.titles().equals(List.of("before the view opened")));
        awaitUi("no view resyncing once the load succeeded", () -> !env.liveSync.liveState().isResyncing());
        assertThat(dispatcher.loadingViews()).isZero();
    }
}
