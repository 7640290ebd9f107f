package org.vaadin.addons.livesync.internal.capture;

import org.vaadin.addons.livesync.CaptureSettings;
import org.vaadin.addons.livesync.CaptureState;
import org.vaadin.addons.livesync.PreflightProblem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vaadin.addons.livesync.PreflightProblem.Kind;
import org.vaadin.addons.livesync.testdb.LogCapture;
import org.vaadin.addons.livesync.testdb.TestDatabase;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * Stall detection takes a stream for dead only when it is: a server busy decoding a big
 * transaction is alive, and a heartbeat that cannot be written (so that stall detection is off) is
 * a visible problem rather than a silent one.
 */
@Timeout(180)
class StallDetectionTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Duration BEAT = Duration.ofMillis(200);
    private static final String EMIT_MESSAGE = "pg_logical_emit_message(boolean, text, text)";

    private final CaptureFixture fixture = new CaptureFixture();
    private LogCapture log;

    @AfterEach
    void tearDown() {
        if (log != null) {
            log.close();
        }
        fixture.close();
    }

    @Test
    void longDecodeOfABigTransactionOnAnUnpublishedTableIsNotTakenForAStall() {
        String watched = fixture.table("watched", "CREATE TABLE %s (id int PRIMARY KEY)");
        String other = fixture.table("unpublished", "CREATE TABLE %s (id int, payload text)");
        fixture.start(fixture.settings().withHeartbeatInterval(BEAT));
        fixture.db.execute("ALTER PUBLICATION " + fixture.publication + " DROP TABLE " + other);

        long committing = System.nanoTime();
        fixture.db.execute("INSERT INTO " + other + " SELECT g, 'some payload to decode' FROM generate_series(1, 1500000) g",
                "INSERT INTO " + watched + " VALUES (1)");
        long committed = System.nanoTime();
        // a stream taken for stalled reconnects on a new temporary slot, which starts after the marker
        await().atMost(WAIT).until(() -> fixture.consumer.transactions.size() == 1 || fixture.listener.reconnects() > 0);
        System.out.println("big unpublished transaction: written in " + (committed - committing) / 1_000_000
                + " ms, the next change arrived " + (System.nanoTime() - committed) / 1_000_000
                + " ms after its commit (heartbeat " + BEAT.toMillis() + " ms)");

        assertThat(fixture.listener.reconnects()).as("reconnects while the server decoded").isZero();
        fixture.db.execute("INSERT INTO " + watched + " VALUES (2)");
        await().atMost(WAIT).until(() -> fixture.consumer.transactions.size() == 2);
        assertThat(fixture.consumer.gaps).hasSize(1);
    }

    @Test
    void failingHeartbeatIsReportedOnceAndClearedWhenHeartbeatsWorkAgain() {
        fixture.table("beat", "CREATE TABLE %s (id int PRIMARY KEY)");
        String role = TestDatabase.uniqueName("nobeat");
        fixture.db.execute("CREATE ROLE " + role + " LOGIN REPLICATION NOSUPERUSER PASSWORD 'secret'",
                "REVOKE EXECUTE ON FUNCTION " + EMIT_MESSAGE + " FROM PUBLIC");
        log = LogCapture.start("org.vaadin.addons.livesync.internal.capture");
        try {
            fixture.start(CaptureSettings.forDatabase(fixture.db.jdbcUrl(), role, "secret")
                    .withPublication(fixture.publication)
                    .withHeartbeatInterval(BEAT));

            await().atMost(WAIT).until(() -> fixture.listener.warnings().stream().anyMatch(p -> p.kind() == Kind.HEARTBEAT_FAILING));
            PreflightProblem problem = fixture.listener.warnings().get(0);
            assertThat(problem.message()).contains("stall detection is off").contains("permission denied");
            assertThat(problem.fix()).contains("GRANT EXECUTE ON FUNCTION " + EMIT_MESSAGE + " TO \"" + role + "\"");
            assertThat(fixture.listener.state()).as("still streaming").isEqualTo(CaptureState.STREAMING);
            await().atMost(WAIT).until(() -> heartbeatFailuresLogged() >= 5);
            assertThat(warnings()).as("warned once, not per beat").hasSize(1);

            fixture.db.execute("GRANT EXECUTE ON FUNCTION " + EMIT_MESSAGE + " TO " + role);
            await().atMost(WAIT).until(() -> fixture.listener.warnings().isEmpty());
            assertThat(warnings()).hasSize(1);
        } finally {
            fixture.close();
            fixture.db.execute("GRANT EXECUTE ON FUNCTION " + EMIT_MESSAGE + " TO PUBLIC",
                    "REVOKE EXECUTE ON FUNCTION " + EMIT_MESSAGE + " FROM " + role,
                    "DROP ROLE " + role);
        }
    }

    private List<ILoggingEvent> warnings() {
        return log.events().stream().filter(e -> e.getLevel() == Level.WARN && e.getFormattedMessage().contains("heartbeat"))
                .toList();
    }

    private long heartbeatFailuresLogged() {
        return log.lines().stream().filter(line -> line.contains("heartbeat not written")).count();
    }
}
