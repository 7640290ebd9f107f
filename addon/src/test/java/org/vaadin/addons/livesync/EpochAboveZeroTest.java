package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.vaadin.addons.livesync.LiveTestEnvironment.awaitUi;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vaadin.addons.livesync.testdb.TestDatabase;

/**
 * The pipeline on a server whose transaction id epoch is above 0 (what a server has after 2^32
 * transactions; {@code src/ci/postgres-epoch.sh} makes one), where the visibility wait must place
 * a decoded 32-bit xid into the right epoch. Skipped when no such server is configured.
 */
@Timeout(120)
@LivePipelineTest.Pipeline(EpochAboveZeroTest.OnEpochServer.class)
class EpochAboveZeroTest extends LivePipelineTest {

    static final class OnEpochServer implements Supplier<LiveTestEnvironment> {
        @Override
        public LiveTestEnvironment get() {
            Optional<TestDatabase> db = TestDatabase.withEpochAboveZero();
            assumeTrue(db.isPresent(), TestDatabase.NO_EPOCH_SERVER);
            // a commit an earlier, interrupted run held back would wait for the standby forever (a
            // backend waiting for synchronous replication does not notice its client is gone)
            db.get().execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE wait_event = 'SyncRep'");
            return new LiveTestEnvironment(db.orElseThrow(), "DEFAULT", LiveTestEnvironment.Tables.NONE);
        }
    }

    @BeforeAll
    static void aServerWithEpochAboveZeroThatCanHoldACommit() {
        if (env == null) {
            return; // skipped: no such server
        }
        assertThat(Long.parseLong(single("SELECT pg_current_xact_id()::text::bigint >> 32"))).as("epoch")
                .isGreaterThanOrEqualTo(1);
        assertThat(single("SHOW synchronous_standby_names")).as("a standby that never comes, from postgres-epoch.sh")
                .isNotBlank();
    }

    @Test
    void anUpdateDecodedBeforeItIsVisibleReachesTheViewWithItsNewValue() throws Exception {
        long id = env.insert(1, "before");
        ItemsView view = open(1);
        assertThat(view.titles()).containsExactly("before");
        env.quiesce();

        try (Connection older = env.db.connect(); Connection writer = env.db.connect()) {
            // a transaction that started earlier and still runs keeps the snapshot's xmax at or
            // below its xid, so the writer's xid is ahead of xmax while the writer is not visible
            older.setAutoCommit(false);
            long olderXid = Long.parseLong(single(older, "SELECT pg_current_xact_id()::text"));
            writer.setAutoCommit(false);
            run(writer, "SET LOCAL synchronous_commit = on"); // its commit then waits for the standby
            run(writer, "UPDATE live_view_test.item SET title = 'after' WHERE id = " + id);
            long writerXid = Long.parseLong(single(writer, "SELECT pg_current_xact_id()::text"));
            String writerPid = single(writer, "SELECT pg_backend_pid()");
            System.out.printf("older transaction %d, writer %d (epoch %d)%n", olderXid, writerXid, writerXid >> 32);
            CompletableFuture<Void> commit = CompletableFuture.runAsync(() -> commit(writer));

            // decoded, and seen not visible yet (set aside until it is): then release the commit
            await().atMost(LiveTestEnvironment.WAIT).until(() -> env.liveSync.metrics().lateTransactions() > 0);
            env.db.execute("SELECT pg_cancel_backend(" + writerPid + ")");
            commit.get(LiveTestEnvironment.WAIT.toSeconds(), TimeUnit.SECONDS);

            awaitUi(() -> view.titles().equals(List.of("after")));
            older.rollback();
        }
    }

    private static String single(String sql) {
        try (Connection c = env.db.connect()) {
            return single(c, sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static void run(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static void commit(Connection c) {
        try {
            c.commit();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
