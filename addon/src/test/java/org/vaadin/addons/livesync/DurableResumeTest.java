package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vaadin.addons.livesync.testdb.TestDatabase;

import com.vaadin.flow.shared.Registration;

/**
 * A node with a permanent (durable) slot resumes after an interruption from the slot's confirmed
 * position: what it missed while the stream was down arrives once and in order, and no view
 * reloads. A slot the server invalidated is dropped and made again (then, and only then, views
 * reload). The temporary-slot path (every view reloads) is {@code LiveSyncViewTest}'s
 * {@code everyViewReloadsAfterTheStreamIsInterrupted}.
 */
@Timeout(180)
class DurableResumeTest extends LivePipelineTest {

    private static final int ROWS = 300;

    @Test
    void aWalsenderKilledUnderLoadResumesFromTheSlotWithoutReloadingAndDeliversEveryChangeOnceInOrder()
            throws Exception {
        String slot = TestDatabase.uniqueName("livesync_durable");
        try (LiveTestEnvironment.Node node = env.node(env.settings().withSlotName(slot).withTemporarySlot(false))) {
            await().atMost(LiveTestEnvironment.WAIT).until(() -> node.liveSync.liveState().isLive());
            ItemsView view = TestSessions.openInNewSession(() -> new ItemsView(node.liveSync, 1L, node::load));
            EventRecorder<Item> recorder = new EventRecorder<>();
            Registration listening = node.liveSync.events(Item.class).ofKind(ChangeType.INSERTED).listen(recorder);
            int loadsBefore = view.loads.get();
            long reconnectsBefore = node.liveSync.metrics().reconnects();

            List<Long> inserted = insertWhileKillingTheWalsenderTwice(node, slot);
            assertThat(inserted).hasSize(ROWS);

            await().atMost(LiveTestEnvironment.WAIT)
                    .until(() -> TestSessions.read(view, view::titles).size() == ROWS);
            recorder.awaitEvents(ROWS);
            listening.remove();

            assertThat(node.liveSync.metrics().reconnects()).as("the walsender was killed twice")
                    .isGreaterThanOrEqualTo(reconnectsBefore + 2);
            assertThat(view.loads.get()).as("no view reloaded").isEqualTo(loadsBefore);
            assertThat(recorder.events.stream().map(event -> event.id(Long.class)).toList())
                    .as("every insert delivered once, in commit order").isEqualTo(inserted);
            assertThat(recorder.missed).as("nothing reported missed").isEmpty();
        } finally {
            dropPermanentSlot(slot);
        }
    }

    @Test
    void transactionsSkippedOnResumeLeaveNoRowCountedInFlight() throws Exception {
        String slot = TestDatabase.uniqueName("livesync_skipped");
        try (LiveTestEnvironment.Node node = env.node(env.settings().withSlotName(slot).withTemporarySlot(false))) {
            await().atMost(LiveTestEnvironment.WAIT).until(() -> node.liveSync.liveState().isLive());
            ItemsView view = TestSessions.openInNewSession(() -> new ItemsView(node.liveSync, 1L, node::load));
            long skippedBefore = TestAccess.pipeline(node.liveSync).listener().transactionsSkipped();

            insertWhileKillingTheWalsenderTwice(node, slot);
            await().atMost(LiveTestEnvironment.WAIT)
                    .until(() -> TestSessions.read(view, view::titles).size() == ROWS);
            node.quiesce();

            assertThat(TestAccess.pipeline(node.liveSync).listener().transactionsSkipped())
                    .as("the resumed streams sent again transactions delivered before").isGreaterThan(skippedBefore);
            assertThat(TestAccess.pipeline(node.liveSync).interestEntries())
                    .as("what the interest filter holds at quiescence").isZero();
        } finally {
            dropPermanentSlot(slot);
        }
    }

    @Test
    void aSlotTheServerInvalidatedIsDroppedAndMadeAgainSoTheNodeStreamsAgain() throws Exception {
        String slot = TestDatabase.uniqueName("livesync_lost");
        CaptureSettings settings = env.settings().withSlotName(slot).withTemporarySlot(false);
        try {
            try (LiveTestEnvironment.Node first = env.node(settings)) {
                await().atMost(LiveTestEnvironment.WAIT).until(() -> first.liveSync.liveState().isLive());
            }
            invalidate(slot);

            try (LiveTestEnvironment.Node again = env.node(settings)) {
                await().atMost(LiveTestEnvironment.WAIT).until(() -> again.liveSync.liveState().isLive());
                ItemsView view = TestSessions.openInNewSession(() -> new ItemsView(again.liveSync, 1L, again::load));
                env.insert(1, "after the slot was lost");
                await().atMost(LiveTestEnvironment.WAIT).until(() -> TestSessions.read(view, view::titles)
                        .contains("after the slot was lost"));
                assertThat(walStatus(slot)).as("a new slot of the same name").isNotEqualTo("lost");
            }
        } finally {
            dropPermanentSlot(slot);
        }
    }

    @Test
    void aPermanentSlotWhoseRetentionIsUnboundedIsWarnedAboutUntilTheServerBoundsIt() throws Exception {
        String slot = TestDatabase.uniqueName("livesync_retention");
        env.db.execute("ALTER SYSTEM RESET max_slot_wal_keep_size", "SELECT pg_reload_conf()");
        try (LiveTestEnvironment.Node node = env.node(env.settings().withSlotName(slot).withTemporarySlot(false))) {
            await().atMost(LiveTestEnvironment.WAIT).until(() -> node.liveSync.liveState().isLive());
            assertThat(node.liveSync.liveState().warnings()).singleElement().satisfies(warning -> {
                assertThat(warning.kind()).isEqualTo(PreflightProblem.Kind.SLOT_RETENTION_UNBOUNDED);
                assertThat(warning.fix()).contains("ALTER SYSTEM SET max_slot_wal_keep_size");
            });
            assertThat(env.liveSync.liveState().warnings()).as("a temporary slot retains nothing once gone").isEmpty();

            env.db.execute("ALTER SYSTEM SET max_slot_wal_keep_size = '10GB'", "SELECT pg_reload_conf()");
            long reconnects = node.liveSync.metrics().reconnects();
            terminateWalsender(slot);
            await().atMost(LiveTestEnvironment.WAIT).until(() -> node.liveSync.metrics().reconnects() > reconnects
                    && node.liveSync.liveState().isLive() && node.liveSync.liveState().warnings().isEmpty());
        } finally {
            env.db.execute("ALTER SYSTEM RESET max_slot_wal_keep_size", "SELECT pg_reload_conf()");
            dropPermanentSlot(slot);
        }
    }

    /**
     * Inserts {@link #ROWS} rows of tenant 1 on a thread of its own and meanwhile terminates the
     * node's walsender twice (after a third and two thirds of them), each time until the node
     * reconnected; returns the ids inserted, in commit order.
     */
    private static List<Long> insertWhileKillingTheWalsenderTwice(LiveTestEnvironment.Node node, String slot)
            throws Exception {
        List<Long> inserted = new CopyOnWriteArrayList<>();
        Thread writer = Thread.ofPlatform().name("durable-resume-writer").start(() -> {
            for (int i = 0; i < ROWS; i++) {
                inserted.add(env.insert(1, "row " + i));
            }
        });
        for (int kill = 1; kill <= 2; kill++) {
            int after = kill * ROWS / 3;
            await().atMost(LiveTestEnvironment.WAIT).until(() -> inserted.size() >= after);
            long reconnects = node.liveSync.metrics().reconnects();
            terminateWalsender(slot);
            await().atMost(LiveTestEnvironment.WAIT).until(() -> node.liveSync.metrics().reconnects() > reconnects);
        }
        writer.join(LiveTestEnvironment.WAIT.toMillis());
        return inserted;
    }

    /**
     * Makes the server invalidate the inactive slot as one that fell behind by more than
     * {@code max_slot_wal_keep_size}: a tiny limit, WAL switched past the slot, a checkpoint.
     */
    private static void invalidate(String slot) {
        env.db.execute("ALTER SYSTEM SET max_slot_wal_keep_size = '1MB'", "SELECT pg_reload_conf()");
        try {
            await().atMost(LiveTestEnvironment.WAIT).until(() -> {
                env.insert(EventRecorder.MARKER_TENANT, "wal filler");
                env.db.execute("SELECT pg_switch_wal()", "CHECKPOINT");
                return "lost".equals(walStatus(slot));
            });
        } finally {
            env.db.execute("ALTER SYSTEM RESET max_slot_wal_keep_size", "SELECT pg_reload_conf()");
        }
    }

    private static String walStatus(String slot) throws SQLException {
        return TestSlots.walStatus(env.db, slot);
    }

    private static void terminateWalsender(String slot) throws SQLException {
        TestSlots.terminateWalsender(env.db, slot);
    }

    private static void dropPermanentSlot(String slot) {
        TestSlots.drop(env.db, slot);
    }
}
