package org.vaadin.addons.livesync.internal.capture;

import org.vaadin.addons.livesync.CaptureSettings;
import org.vaadin.addons.livesync.CaptureState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vaadin.addons.livesync.internal.decode.Lsn;
import org.vaadin.addons.livesync.internal.decode.Transaction;
import org.vaadin.addons.livesync.testdb.TcpProxy;
import org.vaadin.addons.livesync.testdb.TestDatabase;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Each new stream is judged by its own positions. Behind one address (a {@link TcpProxy}) the
 * listener first reads the shared test server, whose WAL positions are high, then — as after a
 * failover to a standby that was behind, a point-in-time restore or a blue/green switch — a fresh
 * embedded server whose positions are far lower. Only a stream that provably continues the same
 * history (same server, same timeline, a permanent slot that existed before) skips what the
 * previous stream already delivered.
 */
@Timeout(180)
class StreamHistoryTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final TestDatabase HIGH = TestDatabase.get();
    private static EmbeddedPostgres low;
    private static String database;

    @BeforeAll
    static void startTheServerWithLowPositions() throws Exception {
        low = EmbeddedPostgres.builder()
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "10")
                .setServerConfig("max_wal_senders", "10")
                .start();
        // the same login and database name as on the shared server, so one URL reaches either
        String url = HIGH.jdbcUrl();
        String path = url.substring(url.indexOf('/', "jdbc:postgresql://".length()) + 1);
        database = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
        try (Connection c = low.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            boolean exists;
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_roles WHERE rolname = '" + HIGH.user() + "'")) {
                exists = rs.next();
            }
            s.execute((exists ? "ALTER" : "CREATE") + " ROLE \"" + HIGH.user() + "\" LOGIN SUPERUSER REPLICATION PASSWORD '"
                    + HIGH.password() + "'");
            if (!database.equals("postgres")) {
                s.execute("CREATE DATABASE \"" + database + "\"");
            }
        }
    }

    @AfterAll
    static void stopIt() throws Exception {
        low.close();
    }

    @Test
    void transactionsOfANewServerWithLowerPositionsAreDeliveredOnATemporarySlot() throws Exception {
        switchServersWhileStreaming(settings -> settings, null);
    }

    @Test
    void transactionsOfANewServerWithLowerPositionsAreDeliveredOnAPermanentSlot() throws Exception {
        String slot = TestDatabase.uniqueName("livesync_switch");
        try {
            // the slot exists on both servers, so only the servers' identities tell the histories apart
            switchServersWhileStreaming(settings -> settings.withSlotName(slot).withTemporarySlot(false), slot);
        } finally {
            dropSlot(HIGH.jdbcUrl(), slot);
            dropSlot(lowUrl(), slot);
        }
    }

    @Test
    void aPermanentSlotResumedOnTheSameServerDeliversNoTransactionTwice() throws Exception {
        String slot = TestDatabase.uniqueName("livesync_resume");
        try (CaptureFixture fixture = new CaptureFixture()) {
            String table = fixture.table("resume", "CREATE TABLE %s (id bigserial PRIMARY KEY, batch int NOT NULL)");
            fixture.start(fixture.settings().withSlotName(slot).withTemporarySlot(false));
            try (Connection c = fixture.db.connect(); Statement s = c.createStatement()) {
                for (int batch = 0; batch < 12; batch++) {
                    s.execute("INSERT INTO " + table + " (batch) SELECT " + batch + " FROM generate_series(1, 2000)");
                    if (batch == 6) {
                        await().atMost(WAIT).until(() -> fixture.killWalsender() == 1);
                    }
                }
            }
            await().atMost(WAIT).until(() -> fixture.consumer.gaps.size() >= 2
                    && fixture.listener.state() == CaptureState.STREAMING);
            fixture.db.execute("INSERT INTO " + table + " (batch) VALUES (-1)");
            await().atMost(WAIT).until(() -> fixture.consumer.changes().stream()
                    .anyMatch(ch -> ch.newRow().get("batch", Integer.class) == -1));

            Set<Long> xids = new HashSet<>();
            for (Transaction tx : fixture.consumer.transactions) {
                assertThat(xids.add(tx.xid())).as("xid %s delivered once", tx.xid()).isTrue();
            }
        } finally {
            dropSlot(HIGH.jdbcUrl(), slot);
        }
    }

    private static void switchServersWhileStreaming(UnaryOperator<CaptureSettings> slot, String slotOnLow)
            throws Exception {
        String table = TestDatabase.uniqueName("switch");
        String publication = TestDatabase.uniqueName("pub_switch");
        for (String url : new String[] {HIGH.jdbcUrl(), lowUrl()}) {
            execute(url, "CREATE TABLE " + table + " (id int PRIMARY KEY, server text NOT NULL)",
                    "CREATE PUBLICATION " + publication + " FOR TABLE " + table);
        }
        if (slotOnLow != null) {
            execute(lowUrl(), "SELECT pg_create_logical_replication_slot('" + slotOnLow + "', 'pgoutput')");
        }
        raiseHighAboveLow();
        RecordingConsumer consumer = new RecordingConsumer();
        try (TcpProxy proxy = new TcpProxy(HIGH.jdbcUrl());
             ReplicationListener listener = ReplicationListener.create(slot.apply(
                     CaptureSettings.forDatabase(proxy.jdbcUrl(HIGH.jdbcUrl()), HIGH.user(), HIGH.password())
                             .withPublication(publication)
                             .withReconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))), consumer)) {
            listener.start();
            await().atMost(WAIT).until(() -> listener.state() == CaptureState.STREAMING && !consumer.gaps.isEmpty());
            execute(HIGH.jdbcUrl(), "INSERT INTO " + table + " VALUES (1, 'high')");
            await().atMost(WAIT).until(() -> consumer.transactions.size() == 1);
            Lsn onHigh = consumer.transactions.get(0).endLsn();

            proxy.switchTo(lowUrl());
            await().atMost(WAIT).until(() -> consumer.gaps.size() == 2 && listener.state() == CaptureState.STREAMING);
            execute(lowUrl(), "INSERT INTO " + table + " VALUES (2, 'low')");

            await().atMost(WAIT).until(() -> consumer.changes().stream().anyMatch(c -> "low".equals(c.newRow().text("server"))));
            System.out.println("server switch: last delivered position on the first server " + onHigh
                    + ", first on the second " + consumer.transactions.get(consumer.transactions.size() - 1).endLsn());
        } finally {
            for (String url : new String[] {HIGH.jdbcUrl(), lowUrl()}) {
                execute(url, "DROP PUBLICATION IF EXISTS " + publication, "DROP TABLE IF EXISTS " + table);
            }
        }
    }

    /** Moves the shared server's WAL position well past the embedded server's. */
    private static void raiseHighAboveLow() throws SQLException {
        Lsn target = Lsn.ofLong(currentLsn(lowUrl()).asLong() + 64L * 1024 * 1024);
        while (!currentLsn(HIGH.jdbcUrl()).isAfter(target)) {
            execute(HIGH.jdbcUrl(), "SELECT pg_logical_emit_message(false, 'livesync-test', 'raise')", "SELECT pg_switch_wal()");
        }
    }

    private static Lsn currentLsn(String url) throws SQLException {
        try (Connection c = connect(url); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            rs.next();
            return Lsn.valueOf(rs.getString(1));
        }
    }

    /** Drops the slot once its last walsender has gone. */
    private static void dropSlot(String url, String slot) {
        await().atMost(WAIT).ignoreExceptions().until(() -> {
            try (Connection c = connect(url); PreparedStatement s = c.prepareStatement(
                    "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?")) {
                s.setString(1, slot);
                s.execute();
                return true;
            }
        });
    }

    private static String lowUrl() {
        return "jdbc:postgresql://127.0.0.1:" + low.getPort() + "/" + database;
    }

    private static void execute(String url, String... sql) throws SQLException {
        try (Connection c = connect(url); Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        }
    }

    private static Connection connect(String url) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", HIGH.user());
        props.setProperty("password", HIGH.password());
        return DriverManager.getConnection(url, props);
    }
}
