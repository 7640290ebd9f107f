package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.vaadin.addons.livesync.LiveTestEnvironment.awaitUi;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vaadin.addons.livesync.testdb.TestDatabase;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.UI;

/**
 * Commits that the walsender sends before they are visible, for as long as synchronous
 * replication waits for a standby that does not answer: their views must get them once they are
 * visible, and other tenants' changes must not wait for them. A server of the test's own names a
 * synchronous standby that never connects; sessions commit locally unless they ask otherwise.
 */
@Timeout(120)
class LateVisibilityTest {

    private static TestDatabase.Server server;
    private static LiveTestEnvironment env;

    @BeforeAll
    static void startServer() {
        server = TestDatabase.startEmbedded(Map.of(
                "synchronous_standby_names", "'livesync_test_nobody'",
                "synchronous_commit", "local"));
        env = new LiveTestEnvironment(server.db(), "DEFAULT");
    }

    @AfterAll
    static void stopServer() {
        env.close();
        server.close();
    }

    @BeforeEach
    void setUpVaadin() {
        env.freshUi();
    }

    @AfterEach
    void tearDownVaadin() {
        MockVaadin.tearDown();
    }

    @Test
    void aCommitVisibleOnlyLaterStillReachesItsViewAndOthersDoNotWaitForIt() throws Exception {
        ItemsView acme = open(1);
        ItemsView globex = open(2);
        HeldCommit held = HeldCommit.insert(1, "waited for a standby");

        env.insert(2, "meanwhile");
        awaitUi(() -> globex.titles().equals(List.of("meanwhile")));
        assertThat(acme.titles()).as("not visible yet").isEmpty();
        assertThat(held.waiting()).isTrue();

        held.release();
        awaitUi(() -> acme.titles().equals(List.of("waited for a standby")));
    }

    @Test
    void aViewOpenedWhileACommitIsNotVisibleYetGetsItOnceItIs() throws Exception {
        HeldCommit held = HeldCommit.insert(1, "committed before the view opened");
        env.catchUp(); // delivered to nobody: no view is open
        ItemsView acme = open(1);
        assertThat(acme.titles()).as("the load cannot see it yet").isEmpty();

        held.release();
        awaitUi(() -> acme.titles().equals(List.of("committed before the view opened")));
    }

    private static ItemsView open(long tenant) {
        ItemsView view = new ItemsView(env.liveSync, tenant, env::load);
        UI.getCurrent().add(view);
        return view;
    }

    /** An insert whose commit waits for the synchronous standby, on a thread of its own. */
    private record HeldCommit(CompletableFuture<Void> done, AtomicInteger pid) {

        static HeldCommit insert(long tenant, String title) throws Exception {
            AtomicInteger pid = new AtomicInteger();
            CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
                try (Connection c = env.db.connect(); Statement s = c.createStatement()) {
                    try (var rs = s.executeQuery("SELECT pg_backend_pid()")) {
                        rs.next();
                        pid.set(rs.getInt(1));
                    }
                    s.execute("SET synchronous_commit = on");
                    s.execute("INSERT INTO live_view_test.item (tenant, title) VALUES (" + tenant + ", '" + title + "')");
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            // the commit record is flushed and sent; the commit waits for the standby
            await().atMost(LiveTestEnvironment.WAIT).until(() -> pid.get() != 0 && waitingForStandby(pid.get()));
            return new HeldCommit(done, pid);
        }

        boolean waiting() throws Exception {
            return !done.isDone() && waitingForStandby(pid.get());
        }

        /** Cancels the wait: the transaction, committed locally, becomes visible. */
        void release() throws Exception {
            env.db.execute("SELECT pg_cancel_backend(" + pid.get() + ")");
            await().atMost(LiveTestEnvironment.WAIT).until(done::isDone);
        }

        private static boolean waitingForStandby(int pid) throws Exception {
            try (Connection c = env.db.connect(); Statement s = c.createStatement();
                 var rs = s.executeQuery("SELECT wait_event FROM pg_stat_activity WHERE pid = " + pid)) {
                return rs.next() && "SyncRep".equals(rs.getString(1));
            }
        }
    }
}
