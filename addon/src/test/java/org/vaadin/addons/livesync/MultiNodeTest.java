package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vaadin.addons.livesync.PreflightProblem.Kind;
import org.vaadin.addons.livesync.testdb.TestDatabase;

/**
 * Two application nodes on one PostgreSQL, as two instances of an application behind a load
 * balancer: each its own SessionFactory and LiveSync, hence its own replication slot and
 * walsender, and its own views (real Vaadin sessions). Every change reaches the views of both;
 * stopping one leaves the other streaming; slots never collide.
 */
@Timeout(180)
class MultiNodeTest extends LivePipelineTest {

    /** The second node; the environment's own LiveSync is the first. */
    private static LiveTestEnvironment.Node second;

    @BeforeAll
    static void startSecondNode() {
        if (env != null) {
            second = env.node(env.settings());
            await().atMost(LiveTestEnvironment.WAIT).until(() -> second.liveSync.liveState().isLive());
        }
    }

    @AfterAll
    static void stopSecondNode() {
        if (second != null) {
            second.close();
            second = null;
        }
    }

    @Test
    void everyInsertUpdateMoveAndDeleteReachesTheViewsOfBothNodes() {
        ItemsView acmeOnFirst = open(() -> new ItemsView(env.liveSync, 1L, env::load));
        ItemsView globexOnFirst = open(() -> new ItemsView(env.liveSync, 2L, env::load));
        ItemsView acmeOnSecond = open(() -> new ItemsView(second.liveSync, 1L, second::load));
        ItemsView globexOnSecond = open(() -> new ItemsView(second.liveSync, 2L, second::load));
        List<ItemsView> acme = List.of(acmeOnFirst, acmeOnSecond);
        List<ItemsView> globex = List.of(globexOnFirst, globexOnSecond);

        long id = env.insert(1, "inserted");
        awaitTitles(acme, List.of("inserted"));
        awaitTitles(globex, List.of());

        env.db.execute("UPDATE live_view_test.item SET title = 'updated' WHERE id = " + id);
        awaitTitles(acme, List.of("updated"));

        env.db.execute("UPDATE live_view_test.item SET tenant = 2 WHERE id = " + id);
        awaitTitles(acme, List.of());
        awaitTitles(globex, List.of("updated"));

        env.db.execute("DELETE FROM live_view_test.item WHERE id = " + id);
        awaitTitles(globex, List.of());

        assertThat(env.liveSync.settings().slotName()).as("each node its own slot")
                .isNotEqualTo(second.liveSync.settings().slotName());
        assertThat(activePid(env.liveSync)).as("each node its own walsender").isNotZero()
                .isNotEqualTo(activePid(second.liveSync));
    }

    @Test
    void stoppingOneNodeDropsItsSlotAndLeavesTheOthersStreamingWithoutAReconnect() {
        ItemsView onFirst = open(() -> new ItemsView(env.liveSync, 1L, env::load));
        ItemsView onSecond = open(() -> new ItemsView(second.liveSync, 1L, second::load));
        int firstPid = activePid(env.liveSync);
        int secondPid = activePid(second.liveSync);
        long firstReconnects = env.liveSync.metrics().reconnects();
        long secondReconnects = second.liveSync.metrics().reconnects();
        String stoppedSlot;
        try (LiveTestEnvironment.Node third = env.node(env.settings())) {
            await().atMost(LiveTestEnvironment.WAIT).until(() -> third.liveSync.liveState().isLive());
            ItemsView onThird = open(() -> new ItemsView(third.liveSync, 1L, third::load));
            env.insert(1, "before the stop");
            awaitTitles(List.of(onFirst, onSecond, onThird), List.of("before the stop"));
            stoppedSlot = third.liveSync.settings().slotName();
        }
        await().atMost(LiveTestEnvironment.WAIT).until(() -> !slotExists(stoppedSlot));

        env.insert(1, "after the stop");
        awaitTitles(List.of(onFirst, onSecond), List.of("before the stop", "after the stop"));
        assertThat(env.liveSync.liveState().isLive()).isTrue();
        assertThat(second.liveSync.liveState().isLive()).isTrue();
        assertThat(env.liveSync.metrics().reconnects()).as("first node never reconnected").isEqualTo(firstReconnects);
        assertThat(second.liveSync.metrics().reconnects()).as("second node never reconnected")
                .isEqualTo(secondReconnects);
        assertThat(activePid(env.liveSync)).as("the same walsender").isEqualTo(firstPid);
        assertThat(activePid(second.liveSync)).as("the same walsender").isEqualTo(secondPid);
    }

    @Test
    void twoNodesCreatedFromEqualSettingsReadThroughTemporarySlotsOfTheirOwn() {
        CaptureSettings shared = env.settings();
        try (LiveTestEnvironment.Node one = env.node(shared); LiveTestEnvironment.Node other = env.node(shared)) {
            await().atMost(LiveTestEnvironment.WAIT).until(() -> one.liveSync.liveState().isLive() && other.liveSync.liveState().isLive());
            String oneSlot = one.liveSync.settings().slotName();
            String otherSlot = other.liveSync.settings().slotName();
            System.out.println("multi-node: two nodes from one CaptureSettings read slots " + oneSlot + " and " + otherSlot);
            assertThat(oneSlot).startsWith("livesync_").isNotEqualTo(otherSlot);
            assertThat(other.liveSync.settings().temporarySlot()).isTrue();
            assertThat(List.of(one.liveSync, other.liveSync)).allSatisfy(node -> assertThat(node.liveState().problems()).isEmpty());

            ItemsView onOne = open(() -> new ItemsView(one.liveSync, 1L, one::load));
            ItemsView onOther = open(() -> new ItemsView(other.liveSync, 1L, other::load));
            env.insert(1, "to both");
            awaitTitles(List.of(onOne, onOther), List.of("to both"));
        }
    }

    @Test
    void twoNodesConfiguredWithOnePermanentSlotNameTheSecondReportsSlotInUseUntilItGetsItsOwn() throws SQLException {
        String name = TestDatabase.uniqueName("livesync_node");
        CaptureSettings permanent = env.settings().withTemporarySlot(false);
        try {
            try (LiveTestEnvironment.Node first = env.node(permanent.withSlotName(name))) {
                await().atMost(LiveTestEnvironment.WAIT).until(() -> first.liveSync.liveState().isLive());
                ItemsView onFirst = open(() -> new ItemsView(first.liveSync, 1L, first::load));
                int firstPid = activePid(first.liveSync);

                try (LiveTestEnvironment.Node clash = env.node(permanent.withSlotName(name))) {
                    await().atMost(LiveTestEnvironment.WAIT).until(() -> clash.liveSync.liveState().problems().stream()
                            .anyMatch(p -> p.kind() == Kind.SLOT_IN_USE));
                    PreflightProblem problem = clash.liveSync.liveState().problems().stream()
                            .filter(p -> p.kind() == Kind.SLOT_IN_USE).findFirst().orElseThrow();
                    System.out.println("multi-node: the same permanent slot name twice: " + problem.message()
                            + " Fix: " + problem.fix());
                    assertThat(problem.message()).contains(name).contains(String.valueOf(firstPid));
                    assertThat(problem.fix()).contains("livesync.slot.name");
                    env.insert(1, "while the clash waits");
                    awaitTitles(List.of(onFirst), List.of("while the clash waits"));
                    assertThat(clash.liveSync.liveState().status()).as("still waiting").isEqualTo(CaptureState.NOT_READY);
                }

                try (LiveTestEnvironment.Node own = env.node(permanent.withSlotName(name + "_b"))) {
                    await().atMost(LiveTestEnvironment.WAIT).until(() -> own.liveSync.liveState().isLive());
                    ItemsView onOwn = open(() -> new ItemsView(own.liveSync, 1L, own::load));
                    env.insert(1, "with a name of its own");
                    awaitTitles(List.of(onFirst), List.of("while the clash waits", "with a name of its own"));
                    awaitTitles(List.of(onOwn), List.of("while the clash waits", "with a name of its own"));
                }
                assertThat(first.liveSync.metrics().reconnects()).as("the first node was never disturbed").isZero();
                assertThat(activePid(first.liveSync)).isEqualTo(firstPid);
            }
        } finally {
            dropPermanentSlots(name, name + "_b");
        }
    }

    /**
     * Not a bound but a figure for the README's scaling model: the primary decodes the WAL once per
     * slot, so each node's walsender pays the decoding of every commit again. Printed, not asserted;
     * skipped unless the server's processes are visible in this machine's /proc.
     */
    @Test
    void eachNodesWalsenderDecodesEveryCommitOnThePrimary() throws Exception {
        int commits = 3_000;
        try (LiveTestEnvironment.Node third = env.node(env.settings())) {
            await().atMost(LiveTestEnvironment.WAIT).until(() -> third.liveSync.liveState().isLive());
            List<LiveSync> nodes = List.of(env.liveSync, second.liveSync, third.liveSync);
            List<Integer> walsenders = nodes.stream().map(MultiNodeTest::activePid).toList();
            try (Connection writer = env.db.connect(); PreparedStatement insert = writer.prepareStatement(
                    "INSERT INTO live_view_test.item (tenant, title) VALUES (5, 'no view shows tenant 5')")) {
                int backend = intQuery(writer, "SELECT pg_backend_pid()");
                Assumptions.assumeTrue(Files.isReadable(Path.of("/proc/" + backend + "/stat")),
                        "the server's processes are not visible here");
                double writerBefore = cpuSeconds(backend);
                List<Double> before = walsenders.stream().map(MultiNodeTest::cpuSeconds).toList();
                for (int i = 0; i < commits; i++) {
                    insert.executeUpdate();
                }
                double writerCpu = cpuSeconds(backend) - writerBefore;
                nodes.forEach(env::catchUp);
                StringBuilder figures = new StringBuilder();
                for (int i = 0; i < nodes.size(); i++) {
                    figures.append(i == 0 ? "" : " / ").append(Math.round(1000 * (cpuSeconds(walsenders.get(i)) - before.get(i))));
                }
                System.out.printf("multi-node: %,d single-row commits (no view shows them): the writing backend used %d ms"
                        + " CPU; the walsenders of the %d nodes %s ms each (each decodes the whole WAL)%n",
                        commits, Math.round(1000 * writerCpu), nodes.size(), figures);
            }
        }
    }

    private static int intQuery(Connection connection, String sql) throws SQLException {
        try (var s = connection.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** CPU seconds (user + system) a local process has used, from /proc/<pid>/stat (USER_HZ 100). */
    private static double cpuSeconds(int pid) {
        try {
            String[] fields = Files.readString(Path.of("/proc/" + pid + "/stat")).replaceFirst("^.*\\) ", "").split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ItemsView open(Supplier<ItemsView> view) {
        return TestSessions.openInNewSession(view);
    }

    private static void awaitTitles(List<ItemsView> views, List<String> titles) {
        await().atMost(LiveTestEnvironment.WAIT).until(() -> views.stream()
                .allMatch(view -> TestSessions.read(view, view::titles).equals(titles)));
    }

    /** The pid of the walsender streaming the node's slot; 0 when none does. */
    private static int activePid(LiveSync node) {
        try (Connection c = env.db.connect(); PreparedStatement s = c.prepareStatement(
                "SELECT coalesce(active_pid, 0) FROM pg_replication_slots WHERE slot_name = ?")) {
            s.setString(1, node.settings().slotName());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean slotExists(String slot) throws SQLException {
        return TestSlots.exists(env.db, slot);
    }

    /** Drops the permanent slots once their walsenders have gone. */
    private static void dropPermanentSlots(String... slots) {
        for (String slot : slots) {
            TestSlots.drop(env.db, slot);
        }
    }
}
