package org.vaadin.addons.livesync.internal.capture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vaadin.addons.livesync.CaptureSettings;
import org.vaadin.addons.livesync.CaptureState;
import org.vaadin.addons.livesync.PreflightProblem;
import org.vaadin.addons.livesync.internal.decode.ChangeKind;
import org.vaadin.addons.livesync.internal.decode.Lsn;
import org.vaadin.addons.livesync.internal.decode.RowChange;
import org.vaadin.addons.livesync.internal.decode.Transaction;
import org.vaadin.addons.livesync.testdb.StandbyPair;
import org.vaadin.addons.livesync.testdb.TestDatabase;

/**
 * Logical decoding on a hot standby (PostgreSQL 17, the test's own primary and standby): with a
 * {@linkplain CaptureSettings#withReplicationSource replication source} of its own, the listener's
 * slot and stream are on the standby while its SQL (preflight of the publication, heartbeats,
 * position marks) goes to the primary, where the rows are written.
 */
@Timeout(180)
class StandbyDecodingTest {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String TABLE = "standby_task";
    private static final String PUBLICATION = "standby_pub";
    private static StandbyPair servers;

    private final RecordingConsumer consumer = new RecordingConsumer();
    private ReplicationListener listener;

    @BeforeAll
    static void startPrimaryAndStandby() {
        servers = StandbyPair.start();
        servers.primary().execute("CREATE TABLE " + TABLE + " (id bigserial PRIMARY KEY, org bigint NOT NULL, title text)",
                "CREATE PUBLICATION " + PUBLICATION + " FOR TABLE " + TABLE);
        servers.awaitReplayed();
    }

    @AfterAll
    static void stopServers() {
        servers.close();
    }

    @AfterEach
    void stopListener() {
        if (listener != null) {
            listener.stop();
        }
        servers.primary().execute("ALTER SYSTEM RESET hot_standby_feedback", "SELECT pg_reload_conf()");
        servers.standby().execute("ALTER SYSTEM RESET hot_standby_feedback", "SELECT pg_reload_conf()");
        servers.primary().execute("DELETE FROM " + TABLE);
    }

    @Test
    void changesCommittedOnThePrimaryArriveOnceAndInOrderFromASlotOnTheStandby() throws Exception {
        long started = System.nanoTime();
        start(settings());
        System.out.printf("standby: slot created and streaming on an idle primary after %d ms%n",
                (System.nanoTime() - started) / 1_000_000);

        servers.primary().execute("INSERT INTO " + TABLE + " (org, title) VALUES (1, 'written on the primary')",
                "UPDATE " + TABLE + " SET title = 'changed on the primary' WHERE org = 1",
                "DELETE FROM " + TABLE + " WHERE org = 1",
                "INSERT INTO " + TABLE + " (org, title) VALUES (2, 'the last')");

        await().atMost(WAIT).until(() -> consumer.transactions.size() >= 4);
        Lsn mark = WalPosition.now(listener.settings()); // on the primary: after every commit above
        await().atMost(WAIT).until(() -> !mark.isAfter(listener.caughtUpTo()));
        List<RowChange> changes = consumer.changesOf(TABLE);
        assertThat(changes).as("each change once, in commit order").extracting(RowChange::kind)
                .containsExactly(ChangeKind.INSERT, ChangeKind.UPDATE, ChangeKind.DELETE, ChangeKind.INSERT);
        assertThat(changes.get(1).newRow().text("title")).isEqualTo("changed on the primary");
        assertThat(consumer.transactions).extracting(Transaction::commitLsn).isSorted();
        assertThat(consumer.gaps).as("one stream, never interrupted").hasSize(1);
        String slot = listener.settings().slotName();
        assertThat(StandbyPair.query(servers.standby(), "SELECT temporary::text || ' ' || active::text"
                + " FROM pg_replication_slots WHERE slot_name = '" + slot + "'")).isEqualTo("true true");
        assertThat(StandbyPair.query(servers.primary(),
                "SELECT count(*) FROM pg_replication_slots WHERE slot_type = 'logical'"))
                .as("no logical slot on the primary").isEqualTo("0");
        assertThat(listener.warnings()).isEmpty();
    }

    @Test
    void aPermanentSlotOnTheStandbyResumesAfterTheNodeRestartsWithWhatWasWrittenMeanwhile() throws Exception {
        String slot = TestDatabase.uniqueName("livesync_standby");
        CaptureSettings permanent = settings().withSlotName(slot).withTemporarySlot(false);
        try {
            start(permanent);
            servers.primary().execute("INSERT INTO " + TABLE + " (org, title) VALUES (4, 'before the restart')");
            await().atMost(WAIT).until(() -> consumer.changesOf(TABLE).size() == 1);
            listener.stop();
            servers.primary().execute("INSERT INTO " + TABLE + " (org, title) VALUES (4, 'while the node was down')");

            RecordingConsumer second = new RecordingConsumer();
            listener = ReplicationListener.create(permanent, second);
            listener.start();
            await().atMost(WAIT).until(() -> listener.state() == CaptureState.STREAMING);
            Lsn mark = WalPosition.now(permanent);
            await().atMost(WAIT).until(() -> !mark.isAfter(listener.caughtUpTo()));

            assertThat(second.changesOf(TABLE)).as("from where the slot was left: not again what came before")
                    .extracting(change -> change.newRow().text("title")).containsExactly("while the node was down");
            assertThat(StandbyPair.query(servers.standby(), "SELECT count(*) FROM pg_replication_slots"
                    + " WHERE NOT temporary AND slot_name = '" + slot + "'")).isEqualTo("1");
            assertThat(StandbyPair.query(servers.primary(),
                    "SELECT count(*) FROM pg_replication_slots WHERE slot_type = 'logical'")).isEqualTo("0");
        } finally {
            listener.stop();
            listener = null;
            await().atMost(WAIT).ignoreExceptions().until(() -> {
                servers.standby().execute("SELECT pg_drop_replication_slot('" + slot + "')");
                return true;
            });
        }
    }

    @Test
    void heartbeatsWrittenOnThePrimaryKeepTheStandbysStreamMoving() {
        start(settings().withHeartbeatInterval(Duration.ofMillis(100)));
        Lsn before = listener.caughtUpTo();

        // nothing published is written: only the heartbeats on the primary move the stream on
        await().atMost(WAIT).until(() -> listener.caughtUpTo().isAfter(before));
        await().atMost(WAIT).until(() -> {
            String confirmed = StandbyPair.query(servers.standby(), "SELECT confirmed_flush_lsn::text"
                    + " FROM pg_replication_slots WHERE slot_name = '" + listener.settings().slotName() + "'");
            return confirmed != null && Lsn.valueOf(confirmed).isAfter(before);
        });
        assertThat(listener.warnings()).as("the heartbeat is written (on the primary)").isEmpty();
    }

    @Test
    void commitOnThePrimaryToDeliveryThroughTheStandby() {
        start(settings());
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            servers.primary().execute("INSERT INTO " + TABLE + " (org, title) VALUES (3, 'latency " + i + "')");
            long committed = System.nanoTime();
            int expected = i + 1;
            await().atMost(WAIT).until(() -> consumer.transactions.size() >= expected);
            micros.add((consumer.transactionNanos.get(i) - committed) / 1_000);
        }
        List<Long> sorted = micros.stream().sorted().toList();
        System.out.printf("standby: commit on the primary (returned) to delivery through the standby's slot, 50 single-row"
                        + " inserts one after the other: median %.2f ms, p90 %.2f ms, max %.2f ms%n",
                sorted.get(25) / 1000.0, sorted.get(45) / 1000.0, sorted.get(49) / 1000.0);
        assertThat(consumer.changesOf(TABLE)).hasSize(50);
    }

    @Test
    void aStandbyWithoutHotStandbyFeedbackIsAWarningThatNamesTheFix() {
        servers.standby().execute("ALTER SYSTEM SET hot_standby_feedback = off", "SELECT pg_reload_conf()");
        await().atMost(WAIT).until(() -> "off".equals(StandbyPair.query(servers.standby(), "SHOW hot_standby_feedback")));

        start(settings());

        assertThat(listener.warnings()).extracting(PreflightProblem::kind)
                .containsExactly(PreflightProblem.Kind.STANDBY_FEEDBACK_OFF);
        assertThat(listener.warnings().get(0).fix()).contains("hot_standby_feedback = on", "primary_slot_name");
    }

    @Test
    void aReplicationSourceThatCannotBeReachedIsNamedWithItsPasswordRedacted() {
        CaptureSettings settings = settings().withSlotName("livesync_standby_unreachable")
                .withReplicationSource("jdbc:postgresql://localhost:1/postgres?password=secret-standby");

        Preflight.Outcome outcome = Preflight.run(settings, null);

        assertThat(outcome.problems()).extracting(PreflightProblem::kind)
                .containsExactly(PreflightProblem.Kind.DATABASE_UNREACHABLE);
        assertThat(outcome.serverAway()).isTrue();
        assertThat(outcome.problems().get(0).message()).contains("replication source", "password=***")
                .doesNotContain("secret-standby");
        assertThat(settings.toString()).contains("replication from jdbc:postgresql://localhost:1/postgres?password=***")
                .doesNotContain("secret-standby");
    }

    private static CaptureSettings settings() {
        TestDatabase primary = servers.primary();
        return CaptureSettings.forDatabase(primary.jdbcUrl(), primary.user(), primary.password())
                .withPublication(PUBLICATION)
                .withReconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500))
                .withReplicationSource(servers.standby().jdbcUrl());
    }

    private void start(CaptureSettings settings) {
        listener = ReplicationListener.create(settings, consumer);
        listener.start();
        await().atMost(WAIT).until(() -> listener.state() == CaptureState.STREAMING && !consumer.gaps.isEmpty());
    }
}
