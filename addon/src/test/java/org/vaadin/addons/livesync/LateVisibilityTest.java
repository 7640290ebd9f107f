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
import java.util.stream.IntStream;

import org.hibernate.SessionFactory;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vaadin.addons.livesync.testdb.TestDatabase;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.data.provider.DataCommunicator;

/**
 * Commits that the walsender sends before they are visible, for as long as synchronous
 * replication waits for a standby that does not answer: their views must get them once they are
 * visible (deletes too), other tenants' changes must not wait for them, and a node stopped while
 * one waits gets it after its restart from a permanent slot. A server of the test's own names a
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

    @Test
    void aDeleteNotYetVisibleLeavesALazyGridOnceItIsVisible() throws Exception {
        env.insert(1, "stays");
        long doomed = env.insert(1, "deleted while a standby is awaited");
        env.quiesce();
        LazyView acme = new LazyView(1);
        UI.getCurrent().add(acme);
        acme.showFirstPage();
        assertThat(acme.titles()).containsExactly("stays", "deleted while a standby is awaited");

        int queries = acme.queries.get();
        HeldCommit held = HeldCommit.of("DELETE FROM live_view_test.item WHERE id = " + doomed);
        // the pipeline has the delete: set aside, or (applied at once) the Grid queried again
        awaitUi(() -> {
            MockVaadin.clientRoundtrip(false);
            return env.liveSync.metrics().lateTransactions() == 1 || acme.queries.get() > queries;
        });
        held.release();

        awaitUi(() -> {
            MockVaadin.clientRoundtrip(false);
            return acme.titles().equals(List.of("stays"));
        });
    }

    @Test
    void aCommitSetAsideWhenItsNodeStopsArrivesAfterTheNodeRestartsFromItsPermanentSlot() throws Exception {
        String slot = TestDatabase.uniqueName("livesync_aside");
        CaptureSettings settings = env.settings().withSlotName(slot).withTemporarySlot(false);
        try {
            EventRecorder<Item> before = new EventRecorder<>();
            try (LiveTestEnvironment.Node node = env.node(settings)) {
                LiveTestEnvironment.awaitStreaming(node.liveSync);
                node.liveSync.events(Item.class).listen(before);
                HeldCommit held = HeldCommit.insert(1, "set aside when the node stopped");
                await().atMost(LiveTestEnvironment.WAIT).until(() -> node.liveSync.metrics().lateTransactions() == 1);
                long later = env.insert(2, "delivered after it");
                await().atMost(LiveTestEnvironment.WAIT).until(() -> before.events.stream()
                        .anyMatch(e -> Long.valueOf(later).equals(e.id(Long.class))));
                node.liveSync.stop(); // confirms what it delivered, before the transaction set aside is delivered
                assertThat(before.events).as("not delivered before the stop").hasSize(1);
                held.release();
            }
            long aside = env.sessionFactory.fromSession(s -> s.createSelectionQuery(
                    "select id from Item where title = 'set aside when the node stopped'", Long.class).getSingleResult());

            EventRecorder<Item> after = new EventRecorder<>();
            SessionFactory factory = env.newSessionFactory();
            try (LiveSync restarted = LiveSync.create(factory, settings)) {
                restarted.events(Item.class).listen(after);
                restarted.start();
                await().atMost(LiveTestEnvironment.WAIT).until(() -> !after.missed.isEmpty() || after.events.stream()
                        .anyMatch(e -> Long.valueOf(aside).equals(e.id(Long.class))));
                assertThat(after.events).as("the insert set aside arrives after the restart")
                        .anyMatch(e -> Long.valueOf(aside).equals(e.id(Long.class)));
            } finally {
                factory.close();
            }
        } finally {
            TestSlots.drop(env.db, slot);
        }
    }

    /** A tenant's items in a lazy Grid, ordered by id. */
    private static final class LazyView extends LiveSyncView<Long, Div> {
        final Grid<Item> grid = new Grid<>();
        /** Page and count queries the Grid ran. */
        final AtomicInteger queries = new AtomicInteger();

        LazyView(long tenant) {
            super(env.liveSync, tenant);
            grid.addColumn(Item::getTitle);
            grid.setItems(live().<Item, Void>watchLazy(Item.class, (org, query) -> {
                queries.incrementAndGet();
                return env.sessionFactory.fromSession(s -> s.createSelectionQuery(
                        "from Item where tenant = :t order by id", Item.class).setParameter("t", org)
                        .setFirstResult(query.getOffset()).setMaxResults(query.getLimit()).getResultList()).stream();
            }, (org, query) -> {
                queries.incrementAndGet();
                return Math.toIntExact(env.sessionFactory.fromSession(s -> s.createSelectionQuery(
                        "select count(*) from Item where tenant = :t", Long.class).setParameter("t", org)
                        .getSingleResult()));
            }));
            getContent().add(grid);
        }

        void showFirstPage() {
            grid.getDataCommunicator().setViewportRange(0, 50);
            MockVaadin.clientRoundtrip(false);
        }

        List<String> titles() {
            DataCommunicator<Item> communicator = grid.getDataCommunicator();
            return IntStream.range(0, Math.min(50, communicator.getItemCount()))
                    .mapToObj(i -> communicator.getItem(i).getTitle()).toList();
        }
    }

    private static ItemsView open(long tenant) {
        ItemsView view = new ItemsView(env.liveSync, tenant, env::load);
        UI.getCurrent().add(view);
        return view;
    }

    /** An insert whose commit waits for the synchronous standby, on a thread of its own. */
    private record HeldCommit(CompletableFuture<Void> done, AtomicInteger pid) {

        static HeldCommit insert(long tenant, String title) throws Exception {
            return of("INSERT INTO live_view_test.item (tenant, title) VALUES (" + tenant + ", '" + title + "')");
        }

        /** Runs {@code sql} in a transaction of its own whose commit waits for the standby. */
        static HeldCommit of(String sql) throws Exception {
            AtomicInteger pid = new AtomicInteger();
            CompletableFuture<Void> done = CompletableFuture.runAsync(() -> {
                try (Connection c = env.db.connect(); Statement s = c.createStatement()) {
                    try (var rs = s.executeQuery("SELECT pg_backend_pid()")) {
                        rs.next();
                        pid.set(rs.getInt(1));
                    }
                    s.execute("SET synchronous_commit = on");
                    s.execute(sql);
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
