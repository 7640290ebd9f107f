package org.vaadin.addons.livesync.internal.capture;

import org.vaadin.addons.livesync.CaptureSettings;
import org.vaadin.addons.livesync.CaptureState;
import org.vaadin.addons.livesync.PreflightProblem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vaadin.addons.livesync.PreflightProblem.Kind;
import org.vaadin.addons.livesync.testdb.TestDatabase;

/**
 * A permanent slot has one stable name per application node: it is resumed across restarts, never
 * left behind under a random name, and never taken from another node that was configured with the
 * same name.
 */
@Timeout(120)
class PermanentSlotTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private final CaptureFixture fixture = new CaptureFixture();
    private final String slot = TestDatabase.uniqueName("livesync_node");

    @AfterEach
    void tearDown() {
        fixture.close();
        await().atMost(WAIT).ignoreExceptions().until(() -> {
            try (Connection c = fixture.db.connect(); PreparedStatement s = c.prepareStatement(
                    "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?")) {
                s.setString(1, slot);
                s.execute();
                return true;
            }
        });
    }

    @Test
    void permanentSlotWithoutANameFailsAtCreationSayingWhatToSet() {
        CaptureSettings unnamed = fixture.settings().withTemporarySlot(false);

        assertThatThrownBy(() -> ReplicationListener.create(unnamed, new RecordingConsumer()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("withSlotName")
                .hasMessageContaining("livesync.slot.name")
                .hasMessageContaining("one per application node");
        assertThat(ReplicationListener.create(unnamed.withSlotName(slot), new RecordingConsumer())).isNotNull();
        assertThat(ReplicationListener.create(fixture.settings().withSlotName(slot).withTemporarySlot(false),
                new RecordingConsumer())).as("the order of the calls does not matter").isNotNull();
    }

    @Test
    void restartingWithTheSamePermanentSlotNameResumesTheOneSlot() throws Exception {
        String table = fixture.table("node", "CREATE TABLE %s (id int PRIMARY KEY)");
        Set<String> slotsBefore = slotNames();
        CaptureSettings settings = fixture.settings().withSlotName(slot).withTemporarySlot(false);
        fixture.start(settings);
        fixture.db.execute("INSERT INTO " + table + " VALUES (1)");
        await().atMost(WAIT).until(() -> fixture.consumer.transactions.size() == 1);
        fixture.listener.stop();
        await().atMost(WAIT).until(() -> !slotActive());

        fixture.db.execute("INSERT INTO " + table + " VALUES (2)"); // while the node is down
        RecordingConsumer afterRestart = new RecordingConsumer();
        try (ReplicationListener restarted = ReplicationListener.create(settings, afterRestart)) {
            restarted.start();
            await().atMost(WAIT).until(() -> !afterRestart.transactions.isEmpty());
            assertThat(afterRestart.changes().get(0).newRow().get("id", Integer.class))
                    .as("the slot resumed where the first run left off").isEqualTo(2);
        }
        await().atMost(WAIT).until(() -> !slotActive());

        Set<String> added = slotNames();
        added.removeAll(slotsBefore);
        assertThat(added).as("slots left behind by two runs").containsExactly(slot);
    }

    @Test
    void secondNodeWithTheSameSlotNameReportsSlotInUseAndLeavesTheFirstStreaming() throws Exception {
        String table = fixture.table("shared", "CREATE TABLE %s (id int PRIMARY KEY)");
        CaptureSettings settings = fixture.settings().withSlotName(slot).withTemporarySlot(false);
        fixture.start(settings);
        int firstPid = activePid();

        RecordingConsumer secondConsumer = new RecordingConsumer();
        try (ReplicationListener second = ReplicationListener.create(settings, secondConsumer)) {
            second.start();
            await().atMost(WAIT).until(() -> second.problems().stream().anyMatch(p -> p.kind() == Kind.SLOT_IN_USE));
            PreflightProblem problem = second.problems().stream().filter(p -> p.kind() == Kind.SLOT_IN_USE)
                    .findFirst().orElseThrow();
            assertThat(problem.message()).contains(slot).contains(String.valueOf(firstPid));
            assertThat(problem.fix()).contains("livesync.slot.name");
            assertThat(second.state()).isEqualTo(CaptureState.NOT_READY);

            fixture.db.execute("INSERT INTO " + table + " VALUES (1)");
            await().atMost(WAIT).until(() -> fixture.consumer.transactions.size() == 1);
            assertThat(second.state()).as("still retrying").isEqualTo(CaptureState.NOT_READY);
            assertThat(secondConsumer.transactions).isEmpty();
        }
        assertThat(fixture.listener.reconnects()).as("the first node was never disturbed").isZero();
        assertThat(fixture.consumer.gaps).hasSize(1);
        assertThat(activePid()).isEqualTo(firstPid);
    }

    private Set<String> slotNames() throws SQLException {
        Set<String> names = new HashSet<>();
        try (Connection c = fixture.db.connect(); ResultSet rs = c.createStatement()
                .executeQuery("SELECT slot_name FROM pg_replication_slots WHERE NOT temporary")) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }

    private boolean slotActive() throws SQLException {
        return activePid() != 0;
    }

    private int activePid() throws SQLException {
        try (Connection c = fixture.db.connect(); PreparedStatement s = c.prepareStatement(
                "SELECT coalesce(active_pid, 0) FROM pg_replication_slots WHERE slot_name = ?")) {
            s.setString(1, slot);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        }
    }
}
