package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.SQLException;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vaadin.addons.livesync.testdb.TestDatabase;

/**
 * The cleanup of permanent slots that nodes left behind: a node drops the idle slots of ours
 * (prefix, pgoutput, this database, not temporary) and never another application's slot, one of
 * another plugin, one in use, or its own.
 */
@Timeout(120)
class SlotJanitorTest extends LivePipelineTest {

    @Test
    void idleSlotsOfOursAreDroppedAndNoOtherSlotIs() throws Exception {
        String prefix = TestDatabase.uniqueName("lsjanitor") + "_";
        String crashed = prefix + "crashed";
        String stopped = prefix + "stopped";
        String ownSlot = prefix + "self";
        String otherPlugin = prefix + "decoding";
        String otherApplication = TestDatabase.uniqueName("otherapp");
        try {
            createSlot(crashed, "pgoutput");
            createSlot(otherPlugin, "test_decoding");
            createSlot(otherApplication, "pgoutput");
            CaptureSettings permanent = env.settings().withTemporarySlot(false);
            LiveTestEnvironment.Node running = env.node(permanent.withSlotName(stopped).withSlotCleanup(SlotCleanup.OFF));
            boolean runningClosed = false;
            try (LiveTestEnvironment.Node janitor = env.node(permanent.withSlotName(ownSlot)
                    .withSlotCleanup(SlotCleanup.of(prefix, Duration.ofSeconds(1))))) {
                await().atMost(LiveTestEnvironment.WAIT).until(() -> running.liveSync.liveState().isLive() && janitor.liveSync.liveState().isLive());

                await().atMost(LiveTestEnvironment.WAIT).until(() -> !slotExists(crashed));
                assertThat(slotExists(stopped)).as("a slot in use is never dropped").isTrue();

                running.close();
                runningClosed = true;
                await().atMost(LiveTestEnvironment.WAIT).until(() -> !slotExists(stopped));
                assertThat(slotExists(ownSlot)).as("its own slot").isTrue();
                assertThat(slotExists(otherPlugin)).as("a slot of another plugin").isTrue();
                assertThat(slotExists(otherApplication)).as("another application's slot").isTrue();
            } finally {
                if (!runningClosed) {
                    running.close();
                }
            }
        } finally {
            for (String slot : new String[] {crashed, stopped, ownSlot, otherPlugin, otherApplication}) {
                TestSlots.drop(env.db, slot);
            }
        }
    }

    private static void createSlot(String slot, String plugin) {
        env.db.execute("SELECT pg_create_logical_replication_slot('" + slot + "', '" + plugin + "')");
    }

    private static boolean slotExists(String slot) throws SQLException {
        return TestSlots.exists(env.db, slot);
    }
}
