package org.vaadin.addons.livesync.internal.capture;

import org.vaadin.addons.livesync.CaptureSettings;
import org.vaadin.addons.livesync.CaptureState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vaadin.addons.livesync.internal.decode.Transaction;

/**
 * PostgreSQL restarted (pg_ctlcluster) while a writer keeps committing: the listener reconnects with
 * backoff, signals a gap, and delivers only whole transactions afterwards. Runs where the tests own
 * a Debian cluster ({@code LIVESYNC_TEST_PG_CLUSTER}, set by {@code .ci/run}); the recovery time is
 * printed.
 */
@Timeout(300)
class ServerRestartTest {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private final CaptureFixture fixture = new CaptureFixture();

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void serverRestartDuringLoadReconnectsAndResumesWithWholeTransactions() throws Exception {
        String cluster = System.getenv("LIVESYNC_TEST_PG_CLUSTER");
        Assumptions.assumeTrue(cluster != null && !cluster.isBlank(),
                "needs a Debian PostgreSQL cluster the tests may restart (LIVESYNC_TEST_PG_CLUSTER, set by .ci/run)");
        String table = fixture.table("restart", "CREATE TABLE %s (id bigserial PRIMARY KEY, batch int NOT NULL, n int NOT NULL)");
        // the production defaults for reconnecting: what a user's application does after a restart
        fixture.start(CaptureSettings.forDatabase(fixture.db.jdbcUrl(), fixture.db.user(), fixture.db.password())
                .withPublication(fixture.publication));
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger committed = new AtomicInteger();
        Thread writer = Thread.ofPlatform().name("restart-writer").start(() -> {
            int batch = 0;
            while (writing.get()) {
                try (Connection c = fixture.db.connect(); PreparedStatement s = c.prepareStatement(
                        "INSERT INTO " + table + " (batch, n) SELECT ?, g FROM generate_series(1, 10) g")) {
                    while (writing.get()) {
                        s.setInt(1, batch++);
                        s.executeUpdate();
                        committed.incrementAndGet();
                    }
                } catch (SQLException e) {
                    // the server is restarting: connect again
                }
            }
        });
        await().atMost(WAIT).until(() -> committed.get() > 100);

        long restartedAt = System.nanoTime();
        AcceptWatch accepting = AcceptWatch.start(fixture.db.jdbcUrl(), fixture.db.user(), fixture.db.password());
        String[] versionAndName = cluster.split("/");
        Process restart = new ProcessBuilder("pg_ctlcluster", versionAndName[0], versionAndName[1], "restart")
                .redirectErrorStream(true).start();
        String output = new String(restart.getInputStream().readAllBytes());
        assertThat(restart.waitFor()).as("pg_ctlcluster restart: %s", output).isZero();
        await().atMost(WAIT).until(() -> fixture.consumer.gaps.size() >= 2
                && fixture.listener.state() == CaptureState.STREAMING);
        long recoveredMillis = (System.nanoTime() - restartedAt) / 1_000_000;
        long acceptedAt = accepting.acceptedAgainNanos();
        long streamingAt = fixture.consumer.gapNanos.get(1);
        await().atMost(WAIT).until(() -> fixture.consumer.firstTransactionAfter(streamingAt) != -1);
        long firstChangeAt = fixture.consumer.firstTransactionAfter(streamingAt);
        int afterRecovery = committed.get();
        await().atMost(WAIT).until(() -> committed.get() > afterRecovery + 50);
        writing.set(false);
        writer.join();
        fixture.db.execute("INSERT INTO " + table + " (batch, n) VALUES (-1, 1)");
        await().atMost(WAIT).until(() -> fixture.consumer.changes().stream()
                .anyMatch(c -> c.newRow().get("batch", Integer.class) == -1));

        System.out.println("server restart: streaming again " + recoveredMillis + " ms after pg_ctlcluster restart began; "
                + committed.get() + " batches committed, " + fixture.consumer.transactions.size() + " delivered");
        System.out.println("server restart: accepting connections -> streaming again " + (streamingAt - acceptedAt) / 1_000_000
                + " ms, -> first change delivered " + (firstChangeAt - acceptedAt) / 1_000_000 + " ms");
        assertThat(fixture.consumer.gaps.get(0).serverRestarted()).isFalse();
        assertThat(fixture.consumer.gaps.get(1).serverRestarted()).as("the gap after the restart").isTrue();
        for (Transaction tx : fixture.consumer.transactions) {
            int batch = tx.changes().get(0).newRow().get("batch", Integer.class);
            assertThat(tx.changes()).as("batch %s whole", batch).hasSize(batch < 0 ? 1 : 10);
        }
    }

    /** Notes when the server, after refusing connections, accepts one again (polled every 20 ms). */
    private static final class AcceptWatch {
        private volatile long acceptedAgainNanos;
        private final CountDownLatch accepted = new CountDownLatch(1);

        static AcceptWatch start(String url, String user, String password) {
            AcceptWatch watch = new AcceptWatch();
            Properties props = new Properties();
            props.setProperty("user", user);
            props.setProperty("password", password);
            props.setProperty("connectTimeout", "1");
            Thread.ofPlatform().daemon().name("accept-watch").start(() -> {
                boolean refused = false;
                while (true) {
                    try (Connection c = DriverManager.getConnection(url, props)) {
                        if (refused) {
                            watch.acceptedAgainNanos = System.nanoTime();
                            watch.accepted.countDown();
                            return;
                        }
                    } catch (SQLException e) {
                        refused = true;
                    }
                    LockSupport.parkNanos(20_000_000);
                }
            });
            return watch;
        }

        long acceptedAgainNanos() throws InterruptedException {
            accepted.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return acceptedAgainNanos;
        }
    }
}
