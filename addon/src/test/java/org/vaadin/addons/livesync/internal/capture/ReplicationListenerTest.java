package org.vaadin.addons.livesync.internal.capture;

import org.vaadin.addons.livesync.CaptureState;
import org.vaadin.addons.livesync.PreflightProblem;
import org.vaadin.addons.livesync.PublicationSetup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vaadin.addons.livesync.internal.decode.ChangeKind;
import org.vaadin.addons.livesync.internal.decode.Lsn;
import org.vaadin.addons.livesync.internal.decode.RowChange;
import org.vaadin.addons.livesync.internal.decode.Transaction;

/** The listener against a real PostgreSQL with logical replication. */
@Timeout(120)
class ReplicationListenerTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TASK_DDL = """
            CREATE TABLE %s (id bigserial PRIMARY KEY, org bigint NOT NULL, title text NOT NULL, notes text,
                             done boolean NOT NULL DEFAULT false)""";

    private final CaptureFixture fixture = new CaptureFixture();

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void insertUpdateAndDeleteArriveAsTypedChangesInCommitOrder() {
        String task = fixture.table("task", TASK_DDL);
        fixture.start();

        fixture.db.execute("INSERT INTO " + task + " (org, title) VALUES (1, 'write tests')",
                "UPDATE " + task + " SET title = 'write more tests', done = true WHERE org = 1",
                "DELETE FROM " + task + " WHERE org = 1");

        await().atMost(WAIT).until(() -> fixture.consumer.transactions.size() == 3);
        List<RowChange> changes = fixture.consumer.changes();
        assertThat(changes).extracting(RowChange::kind)
                .containsExactly(ChangeKind.INSERT, ChangeKind.UPDATE, ChangeKind.DELETE);
        RowChange insert = changes.get(0);
        assertThat(insert.table()).isEqualTo(task);
        assertThat(insert.newRow().get("id", Long.class)).isPositive();
        assertThat(insert.newRow().get("org", Long.class)).isEqualTo(1L);
        assertThat(insert.newRow().text("title")).isEqualTo("write tests");
        assertThat(insert.newRow().isNull("notes")).isTrue();
        assertThat(changes.get(1).newRow().get("done", Boolean.class)).isTrue();
        assertThat(changes.get(1).oldRow()).as("default identity, key unchanged: no old row").isNull();
        assertThat(changes.get(2).oldRow().get("id", Long.class)).isEqualTo(insert.newRow().get("id", Long.class));
        List<Transaction> txs = fixture.consumer.transactions;
        assertThat(txs.get(1).commitLsn()).isGreaterThan(txs.get(0).commitLsn());
        assertThat(txs.get(2).commitLsn()).isGreaterThan(txs.get(1).commitLsn());
    }

    @Test
    void manyRowsInOneTransactionArriveAsOneTransactionInOrder() {
        String task = fixture.table("task", TASK_DDL);
        fixture.start();

        fixture.db.execute("INSERT INTO " + task + " (org, title) SELECT 1, 'task ' || g FROM generate_series(1, 5000) g");

        await().atMost(WAIT).until(() -> fixture.consumer.transactions.size() == 1);
        List<RowChange> changes = fixture.consumer.transactions.get(0).changes();
        assertThat(changes).hasSize(5000);
        for (int i = 0; i < changes.size(); i++) {
            assertThat(changes.get(i).newRow().text("title")).isEqualTo("task " + (i + 1));
        }
    }

    @Test
    void severalTablesInOneTransactionArriveTogether() throws Exception {
        String task = fixture.table("task", TASK_DDL);
        String org = fixture.table("org", "CREATE TABLE %s (id bigint PRIMARY KEY, name text)");
        fixture.start();

        try (Connection c = fixture.db.connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("INSERT INTO " + org + " VALUES (7, 'Initech')");
            s.execute("INSERT INTO " + task + " (org, title) VALUES (7, 'fix printer')");
            s.execute("UPDATE " + org + " SET name = 'Initrode' WHERE id = 7");
            c.commit();
        }

        await().atMost(WAIT).until(() -> fixture.consumer.transactions.size() == 1);
        assertThat(fixture.consumer.transactions.get(0).changes())
                .extracting(RowChange::table, RowChange::kind)
                .containsExactly(tuple(org, ChangeKind.INSERT),
                        tuple(task, ChangeKind.INSERT),
                        tuple(org, ChangeKind.UPDATE));
    }

    @Test
    void rolledBackTransactionYieldsNothing() throws Exception {
        String task = fixture.table("task", TASK_DDL);
        fixture.start();

        try (Connection c = fixture.db.connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("INSERT INTO " + task + " (org, title) VALUES (1, 'never happened')");
            c.rollback();
        }
        fixture.db.execute("INSERT INTO " + task + " (org, title) VALUES (1, 'marker')");

        await().atMost(WAIT).until(() -> !fixture.consumer.transactions.isEmpty());
        assertThat(fixture.consumer.changes()).extracting(c -> c.newRow().text("title")).containsExactly("marker");
    }

    @Test
    void largeToastedValueLeftUntouchedByAnUpdateStaysUnchanged() {
        String task = fixture.table("task", TASK_DDL);
        fixture.start();

        // ~40 KB of incompressible text: stored out of line (TOAST).
        fixture.db.execute("INSERT INTO " + task + " (org, title, notes) SELECT 1, 'big', string_agg(md5(random()::text), '') "
                        + "FROM generate_series(1, 1250)",
                "UPDATE " + task + " SET title = 'renamed'");

        await().atMost(WAIT).until(() -> fixture.consumer.transactions.size() == 2);
        RowChange insert = fixture.consumer.changes().get(0);
        RowChange update = fixture.consumer.changes().get(1);
        assertThat(insert.newRow().text("notes")).hasSize(40_000);
        assertThat(update.newRow().text("title")).isEqualTo("renamed");
        assertThat(update.newRow().isUnchanged("notes")).isTrue();
        assertThat(update.newRow().isNull("notes")).isFalse();
    }

    @Test
    void replicaIdentityDefaultDeletesCarryOnlyTheKey() {
        String task = fixture.table("task", TASK_DDL);
        fixture.start();

        fixture.db.execute("INSERT INTO " + task + " (org, title) VALUES (3, 'a')", "DELETE FROM " + task);

        await().atMost(WAIT).until(() -> fixture.consumer.transactions.size() == 2);
        RowChange delete = fixture.consumer.changes().get(1);
        assertThat(delete.kind()).isEqualTo(ChangeKind.DELETE);
        assertThat(delete.oldRowIsKeyOnly()).isTrue();
        assertThat(delete.oldRow().get("id", Long.class)).isPositive();
        assertThat(delete.oldRow().isNull("org")).as("not part of the key: not sent").isTrue();
    }

    @Test
    void replicaIdentityFullCarriesTheWholeOldRow() {
        String task = fixture.table("task", TASK_DDL);
        fixture.db.execute("ALTER TABLE " + task + " REPLICA IDENTITY FULL");
        fixture.start();

        fixture.db.execute("INSERT INTO " + task + " (org, title) VALUES (3, 'a')",
                "UPDATE " + task + " SET org = 4", "DELETE FROM " + task);

        await().atMost(WAIT).until(() -> fixture.consumer.transactions.size() == 3);
        RowChange update = fixture.consumer.changes().get(1);
        assertThat(update.oldRowIsKeyOnly()).isFalse();
        assertThat(update.oldRow().get("org", Long.class)).isEqualTo(3L);
        assertThat(update.newRow().get("org", Long.class)).isEqualTo(4L);
        RowChange delete = fixture.consumer.changes().get(2);
        assertThat(delete.oldRow().get("org", Long.class)).isEqualTo(4L);
        assertThat(delete.oldRow().text("title")).isEqualTo("a");
    }

    @Test
    void truncateArrivesAsOneChangePerTable() {
        String task = fixture.table("task", TASK_DDL);
        fixture.start();

        fixture.db.execute("INSERT INTO " + task + " (org, title) VALUES (1, 'a')", "TRUNCATE " + task);

        await().atMost(WAIT).until(() -> fixture.consumer.transactions.size() == 2);
        RowChange truncate = fixture.consumer.changes().get(1);
        assertThat(truncate.kind()).isEqualTo(ChangeKind.TRUNCATE);
        assertThat(truncate.table()).isEqualTo(task);
    }

    @Test
    void transactionalLogicalMessageTravelsWithItsTransaction() throws Exception {
        String task = fixture.table("task", TASK_DDL);
        fixture.start();

        try (Connection c = fixture.db.connect(); Statement s = c.createStatement()) {
            c.setAutoCommit(false);
            s.execute("INSERT INTO " + task + " (org, title) VALUES (1, 'a')");
            s.execute("SELECT pg_logical_emit_message(true, 'livesync-test', 'hello')");
            c.commit();
        }

        await().atMost(WAIT).until(() -> fixture.consumer.transactions.size() == 1);
        Transaction tx = fixture.consumer.transactions.get(0);
        assertThat(tx.messages()).hasSize(1);
        assertThat(tx.messages().get(0).prefix()).isEqualTo("livesync-test");
        assertThat(new String(tx.messages().get(0).content())).isEqualTo("hello");
    }

    @Test
    void killedWalsenderReconnectsSignalsAGapAndDeliversNoTransactionTwiceOrInPart() throws Exception {
        String task = fixture.table("task", TASK_DDL);
        fixture.start();
        int rowsPerTx = 2000;
        int transactions = 12;

        try (Connection c = fixture.db.connect()) {
            for (int i = 0; i < transactions; i++) {
                try (Statement s = c.createStatement()) {
                    s.execute("INSERT INTO " + task + " (org, title) SELECT " + i + ", 'r' FROM generate_series(1, "
                            + rowsPerTx + ")");
                }
                if (i == transactions / 2) {
                    await().atMost(WAIT).until(() -> fixture.killWalsender() == 1);
                }
            }
        }
        await().atMost(WAIT).until(() -> fixture.consumer.gaps.size() >= 2
                && fixture.listener.state() == CaptureState.STREAMING);
        fixture.db.execute("INSERT INTO " + task + " (org, title) VALUES (-1, 'after reconnect')");

        await().atMost(WAIT).until(() -> fixture.consumer.changes().stream()
                .anyMatch(ch -> "after reconnect".equals(ch.newRow().text("title"))));
        assertThat(fixture.consumer.gaps.get(0).initial()).isTrue();
        assertThat(fixture.consumer.gaps.get(1).initial()).isFalse();
        assertThat(fixture.consumer.gaps.get(1).serverRestarted()).as("a walsender kill is no server restart").isFalse();
        assertThat(fixture.listener.reconnects()).isGreaterThanOrEqualTo(1);
        Set<Long> xids = new HashSet<>();
        for (Transaction tx : fixture.consumer.transactions) {
            assertThat(xids.add(tx.xid())).as("xid %s delivered once", tx.xid()).isTrue();
            long org = tx.changes().get(0).newRow().get("org", Long.class);
            assertThat(tx.changes()).as("transaction of org %s is whole", org).hasSize(org < 0 ? 1 : rowsPerTx);
        }
    }

    @Test
    void stoppingDropsTheTemporarySlot() throws Exception {
        fixture.table("task", TASK_DDL);
        fixture.start();
        String slot = fixture.listener.settings().slotName();
        assertThat(slotExists(slot)).isTrue();

        fixture.listener.stop();
        fixture.listener.stop();

        await().atMost(WAIT).until(() -> !slotExists(slot));
        assertThat(fixture.listener.state()).isEqualTo(CaptureState.STOPPED);
    }

    @Test
    void idleSlotConfirmsPastWritesToUnpublishedTables() throws Exception {
        fixture.table("task", TASK_DDL);
        String other = fixture.table("other", "CREATE TABLE %s (id int)");
        // publish only the first table: writes to the other one must not pin WAL
        fixture.start(fixture.settings().withStatusInterval(Duration.ofMillis(500)));
        fixture.db.execute("ALTER PUBLICATION " + fixture.publication + " DROP TABLE " + other);
        String slot = fixture.listener.settings().slotName();

        fixture.db.execute("INSERT INTO " + other + " SELECT g FROM generate_series(1, 1000) g");
        Lsn written = currentWalLsn();

        await().atMost(WAIT).until(() -> confirmedFlush(slot).compareTo(written) >= 0);
        assertThat(fixture.consumer.transactions).isEmpty();
    }

    @Test
    void consumerFailureIsLoggedAndTheNextTransactionStillArrives() {
        String task = fixture.table("task", TASK_DDL);
        fixture.db.execute("CREATE PUBLICATION " + fixture.publication + " FOR TABLE " + task);
        RecordingConsumer recorder = new RecordingConsumer();
        TransactionConsumer failingOnce = new TransactionConsumer() {
            private boolean failed;

            @Override
            public void onTransaction(Transaction transaction) {
                if (!failed) {
                    failed = true;
                    throw new IllegalStateException("consumer bug");
                }
                recorder.onTransaction(transaction);
            }
        };
        try (ReplicationListener listener = ReplicationListener.create(fixture.settings(), failingOnce)) {
            listener.start();
            await().atMost(WAIT).until(() -> listener.state() == CaptureState.STREAMING);
            fixture.db.execute("INSERT INTO " + task + " (org, title) VALUES (1, 'first')",
                    "INSERT INTO " + task + " (org, title) VALUES (1, 'second')");
            await().atMost(WAIT).until(() -> recorder.transactions.size() == 1);
            assertThat(recorder.changes().get(0).newRow().text("title")).isEqualTo("second");
        }
        fixture.db.execute("DROP PUBLICATION " + fixture.publication);
    }

    @Test
    void changesOfAPartitionArriveUnderTheWatchedRootTableWithThePublicationSetupCreates() throws Exception {
        String parted = fixture.table("parted", "CREATE TABLE %s (id int, org int, PRIMARY KEY (id, org)) PARTITION BY LIST (org)");
        fixture.db.execute("CREATE TABLE " + parted + "_1 PARTITION OF " + parted + " FOR VALUES IN (1)");
        try (Connection c = fixture.db.connect()) {
            PublicationSetup.named(fixture.publication).up(c, List.of("public." + parted));
        }
        try (ReplicationListener listener = ReplicationListener.create(fixture.settings()
                .withRequiredTables(Set.of("public." + parted)), fixture.consumer)) {
            listener.start();
            await().atMost(WAIT).until(() -> listener.state() == CaptureState.STREAMING);
            fixture.db.execute("INSERT INTO " + parted + " VALUES (1, 1)");

            await().atMost(WAIT).until(() -> fixture.consumer.transactions.size() == 1);
            assertThat(fixture.consumer.changes()).extracting(RowChange::table).containsExactly(parted);
        }
    }

    @Test
    void watchedTableDroppedFromThePublicationWhileStreamingIsReportedAndClearedWhenAddedBack() {
        String task = fixture.table("task", TASK_DDL);
        String org = fixture.table("org", "CREATE TABLE %s (id bigint PRIMARY KEY, name text)");
        fixture.start(fixture.settings().withRequiredTables(Set.of("public." + task, "public." + org))
                .withPublicationCheckInterval(Duration.ofMillis(200)));

        fixture.db.execute("ALTER PUBLICATION " + fixture.publication + " DROP TABLE " + org);
        await().atMost(WAIT).until(() -> !fixture.listener.warnings().isEmpty());
        assertThat(fixture.listener.warnings()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(PreflightProblem.Kind.TABLES_NOT_PUBLISHED);
            assertThat(p.message()).contains(org).doesNotContain(task);
            assertThat(p.fix()).contains("ADD TABLE \"public\".\"" + org + "\"");
        });
        assertThat(fixture.listener.state()).isEqualTo(CaptureState.STREAMING);

        fixture.db.execute("ALTER PUBLICATION " + fixture.publication + " ADD TABLE " + org);
        await().atMost(WAIT).until(() -> fixture.listener.warnings().isEmpty());
    }

    @Test
    void missingPublicationKeepsTheListenerNotReadyUntilItIsCreated() {
        String task = fixture.table("task", TASK_DDL);
        try (ReplicationListener listener = ReplicationListener.create(fixture.settings(), fixture.consumer)) {
            listener.start();
            await().atMost(WAIT).until(() -> listener.state() == CaptureState.NOT_READY);
            assertThat(listener.problems()).extracting(PreflightProblem::kind)
                    .containsExactly(PreflightProblem.Kind.PUBLICATION_MISSING);

            fixture.db.execute("CREATE PUBLICATION " + fixture.publication + " FOR TABLE " + task);
            await().atMost(WAIT).until(() -> listener.state() == CaptureState.STREAMING);
            fixture.db.execute("INSERT INTO " + task + " (org, title) VALUES (1, 'live now')");
            await().atMost(WAIT).until(() -> fixture.consumer.transactions.size() == 1);
            assertThat(listener.problems()).isEmpty();
        }
    }

    @Test
    void caughtUpToPassesAMessageWrittenAfterAnAsynchronousCommitOnlyOnceThatCommitWasDelivered() throws Exception {
        String task = fixture.table("task", TASK_DDL);
        fixture.start();
        int behind = 0;
        try (Connection c = fixture.db.connect(); Statement s = c.createStatement()) {
            s.execute("SET synchronous_commit = off"); // as the embedded PostgreSQL runs
            for (int i = 1; i <= 20; i++) {
                s.execute("INSERT INTO " + task + " (org, title) VALUES (1, 'async " + i + "')");
                // the cause of the old helper's misses: the write position may still be before the commit
                try (ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn() < pg_current_wal_insert_lsn(),"
                        + " pg_logical_emit_message(false, 'livesync.test', 'caught up?')::text")) {
                    rs.next();
                    behind += rs.getBoolean(1) ? 1 : 0;
                    Lsn after = Lsn.valueOf(rs.getString(2));
                    await().atMost(WAIT).until(() -> fixture.listener.caughtUpTo().compareTo(after) >= 0);
                }
                assertThat(fixture.consumer.transactions).as("delivered once caught up past a later message").hasSize(i);
            }
        }
        System.out.println("caught-up: pg_current_wal_lsn() was behind the last commit in " + behind + " of 20 checks");
    }

    private boolean slotExists(String slot) throws Exception {
        try (Connection c = fixture.db.connect();
             PreparedStatement s = c.prepareStatement("SELECT 1 FROM pg_replication_slots WHERE slot_name = ?")) {
            s.setString(1, slot);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    private Lsn currentWalLsn() throws Exception {
        try (Connection c = fixture.db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            rs.next();
            return Lsn.valueOf(rs.getString(1));
        }
    }

    private Lsn confirmedFlush(String slot) throws Exception {
        try (Connection c = fixture.db.connect(); PreparedStatement s = c.prepareStatement(
                "SELECT coalesce(confirmed_flush_lsn, '0/0')::text FROM pg_replication_slots WHERE slot_name = ?")) {
            s.setString(1, slot);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Lsn.valueOf(rs.getString(1)) : Lsn.INVALID;
            }
        }
    }
}
