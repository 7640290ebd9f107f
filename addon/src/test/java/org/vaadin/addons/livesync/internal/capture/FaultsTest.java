package org.vaadin.addons.livesync.internal.capture;

import org.vaadin.addons.livesync.CaptureSettings;
import org.vaadin.addons.livesync.CaptureState;
import org.vaadin.addons.livesync.PreflightProblem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vaadin.addons.livesync.internal.decode.Transaction;
import org.vaadin.addons.livesync.testdb.TcpProxy;
import org.vaadin.addons.livesync.testdb.TestDatabase;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The listener under faults: walsenders killed repeatedly during load, a replication connection
 * that stalls without closing, a database that is down when the application starts, and a crash
 * of the application's JVM. Recovery times are printed, not asserted.
 */
@Timeout(300)
class FaultsTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String DDL = "CREATE TABLE %s (id bigserial PRIMARY KEY, batch int NOT NULL, n int NOT NULL)";

    private final CaptureFixture fixture = new CaptureFixture();

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void walsenderKilledRepeatedlyDuringLoadLosesNoWholeTransactionAfterResync() throws Exception {
        String table = fixture.table("faults", DDL);
        fixture.start();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger committed = new AtomicInteger();
        Thread writer = Thread.ofPlatform().name("writer").start(() -> {
            try (Connection c = fixture.db.connect();
                 PreparedStatement s = c.prepareStatement("INSERT INTO " + table + " (batch, n) SELECT ?, g FROM generate_series(1, 20) g")) {
                for (int batch = 0; writing.get() && batch < 20_000; batch++) {
                    s.setInt(1, batch);
                    s.executeUpdate();
                    committed.incrementAndGet();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        List<Long> recoveryMillis = new ArrayList<>();
        for (int kill = 0; kill < 5; kill++) {
            int before = committed.get();
            await().atMost(WAIT).until(() -> committed.get() > before + 50);
            long reconnectsBefore = fixture.listener.reconnects();
            long killedAt = System.nanoTime();
            await().atMost(WAIT).until(() -> fixture.killWalsender() == 1);
            await().atMost(WAIT).until(() -> fixture.listener.reconnects() > reconnectsBefore
                    && fixture.listener.state() == CaptureState.STREAMING);
            recoveryMillis.add((System.nanoTime() - killedAt) / 1_000_000);
        }
        writing.set(false);
        writer.join();
        fixture.db.execute("INSERT INTO " + table + " (batch, n) VALUES (-1, 1)");
        await().atMost(WAIT).until(() -> fixture.consumer.changes().stream().anyMatch(c -> c.newRow().get("batch", Integer.class) == -1));

        System.out.println("walsender kills: recovery (kill -> streaming again) ms = " + recoveryMillis
                + ", batches committed " + committed.get() + ", delivered " + fixture.consumer.transactions.size());
        assertThat(fixture.consumer.gaps).hasSize(6);
        Set<Long> xids = new HashSet<>();
        for (Transaction tx : fixture.consumer.transactions) {
            assertThat(xids.add(tx.xid())).as("transaction %s delivered once", tx.xid()).isTrue();
            int batch = tx.changes().get(0).newRow().get("batch", Integer.class);
            assertThat(tx.changes()).as("batch %s whole", batch).hasSize(batch < 0 ? 1 : 20)
                    .allMatch(c -> c.newRow().get("batch", Integer.class) == batch);
        }
    }

    @Test
    void stalledReplicationConnectionIsDetectedAndReplaced() throws Exception {
        String table = fixture.table("stall", DDL);
        try (TcpProxy proxy = new TcpProxy(fixture.db.jdbcUrl())) {
            CaptureSettings settings = CaptureSettings.forDatabase(proxy.jdbcUrl(fixture.db.jdbcUrl()), fixture.db.user(),
                            fixture.db.password())
                    .withPublication(fixture.publication)
                    .withHeartbeatInterval(Duration.ofMillis(200))
                    .withReconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500));
            fixture.start(settings);
            fixture.db.execute("INSERT INTO " + table + " (batch, n) VALUES (1, 1)");
            await().atMost(WAIT).until(() -> fixture.consumer.transactions.size() == 1);

            long stalledAt = System.nanoTime();
            proxy.stallReplicationConnections();
            fixture.db.execute("INSERT INTO " + table + " (batch, n) VALUES (2, 1)");

            await().atMost(WAIT).until(() -> fixture.consumer.gaps.size() == 2
                    && fixture.listener.state() == CaptureState.STREAMING);
            System.out.println("stall: detected and streaming again after " + (System.nanoTime() - stalledAt) / 1_000_000
                    + " ms (heartbeat 200 ms)");
            fixture.db.execute("INSERT INTO " + table + " (batch, n) VALUES (3, 1)");
            await().atMost(WAIT).until(() -> fixture.consumer.changes().stream()
                    .anyMatch(c -> c.newRow().get("batch", Integer.class) == 3));
            assertThat(proxy.replicationConnections()).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void databaseDownAtStartLogsOneProblemAndStreamsOnceItIsUp() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0)) {
            port = probe.getLocalPort();
        }
        RecordingConsumer consumer = new RecordingConsumer();
        CaptureSettings settings = CaptureSettings.forDatabase("jdbc:postgresql://127.0.0.1:" + port + "/postgres",
                        "postgres", "postgres")
                .withReconnectBackoff(Duration.ofMillis(100), Duration.ofMillis(500));
        try (ReplicationListener listener = ReplicationListener.create(settings, consumer)) {
            listener.start();
            await().atMost(WAIT).until(() -> listener.state() == CaptureState.NOT_READY);
            assertThat(listener.problems()).extracting(PreflightProblem::kind)
                    .containsExactly(PreflightProblem.Kind.DATABASE_UNREACHABLE);

            try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setPort(port)
                    .setServerConfig("wal_level", "logical").start()) {
                try (Connection c = pg.getPostgresDatabase().getConnection(); var s = c.createStatement()) {
                    s.execute("CREATE TABLE late (id int PRIMARY KEY)");
                    s.execute("CREATE PUBLICATION livesync FOR TABLE late");
                }
                await().atMost(WAIT).until(() -> listener.state() == CaptureState.STREAMING);
                try (Connection c = pg.getPostgresDatabase().getConnection(); var s = c.createStatement()) {
                    s.execute("INSERT INTO late VALUES (1)");
                }
                await().atMost(WAIT).until(() -> consumer.transactions.size() == 1);
                listener.stop();
            }
        }
    }

    @Test
    void crashedApplicationLeavesNoSlotPinningWal() throws Exception {
        TestDatabase db = fixture.db;
        String slot = "livesync_crash_" + ProcessHandle.current().pid();
        String publication = TestDatabase.uniqueName("pub_crash");
        db.execute("CREATE PUBLICATION " + publication + " FOR ALL TABLES");
        Process child = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                "-cp", System.getProperty("java.class.path"), CrashingApp.class.getName(),
                db.jdbcUrl(), db.user(), db.password(), publication, slot)
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            await().atMost(WAIT).until(() -> slotActive(slot));
            child.destroyForcibly().waitFor();
            await().atMost(WAIT).until(() -> !slotExists(slot));
        } finally {
            child.destroyForcibly();
            db.execute("DROP PUBLICATION IF EXISTS " + publication);
        }
    }

    private boolean slotActive(String slot) throws Exception {
        return query("SELECT 1 FROM pg_replication_slots WHERE slot_name = ? AND active", slot);
    }

    private boolean slotExists(String slot) throws Exception {
        return query("SELECT 1 FROM pg_replication_slots WHERE slot_name = ?", slot);
    }

    private boolean query(String sql, String slot) throws Exception {
        try (Connection c = fixture.db.connect(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, slot);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** A process that streams until it is killed. */
    public static final class CrashingApp {
        public static void main(String[] args) throws Exception {
            CaptureSettings settings = CaptureSettings.forDatabase(args[0], args[1], args[2]).withPublication(args[3])
                    .withSlotName(args[4]);
            ReplicationListener.create(settings, tx -> { }).start();
            Thread.currentThread().join();
        }

        private CrashingApp() {
        }
    }

}
