package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vaadin.addons.livesync.LiveTestEnvironment.awaitUi;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vaadin.addons.livesync.CaptureState;

import com.vaadin.flow.component.UI;

/**
 * Transactions far larger than the heap (this test runs in a JVM of its own with
 * {@code -Xmx160m} and {@code -XX:+ExitOnOutOfMemoryError}): a million inserts into a watched
 * table for a tenant nobody has open, 1.5 million into a published table nobody watches, and
 * 2,000,000 updates of a tenant with 30 open views. None exhausts the heap (what one transaction
 * keeps, and counts as on its way to a view, stays within the per-transaction limits); views stay
 * correct and live; the 30 views reload (past the per-view bound) instead of receiving the rows.
 */
@Timeout(900)
class LargeTransactionTest extends LivePipelineTest {

    /** Rows of the tenant with open views that one UPDATE changes (besides its 20 shown ones). */
    private static final int VIEWED_ROWS = 2_000_000;

    @Test
    void transactionsLargerThanTheHeapNeitherExhaustItNorStopTheViews() {
        env.db.execute("DROP TABLE IF EXISTS live_view_test.bulk",
                "CREATE TABLE live_view_test.bulk (id bigserial PRIMARY KEY, payload text)",
                "ALTER PUBLICATION " + env.publication + " ADD TABLE live_view_test.bulk");
        env.db.execute("INSERT INTO live_view_test.item (tenant, title, status) "
                + "SELECT 1, 'shown ' || g, 'open' FROM generate_series(1, 20) g");
        env.db.execute("INSERT INTO live_view_test.item (tenant, title, status) "
                + "SELECT 1, 'row ' || g, 'hidden' FROM generate_series(1, " + VIEWED_ROWS + ") g");
        catchUp(); // before the views open: the UPDATE below is what they see
        List<ItemsView> views = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            // the views show the tenant's 20 open rows (their loader's choice), not its 200,000 others
            ItemsView view = new ItemsView(env.liveSync, 1L,
                    tenant -> env.sessionFactory.fromSession(s -> s.createSelectionQuery(
                            "from Item where tenant = :t and status = 'open' order by id", Item.class)
                            .setParameter("t", tenant).getResultList()));
            view.hook = items -> items.stream().filter(item -> "open".equals(item.getStatus())).toList();
            UI.getCurrent().add(view);
            views.add(view);
        }
        ItemsView other = open(2);
        report("after setup");

        env.db.execute("INSERT INTO live_view_test.item (tenant, title, notes) "
                + "SELECT 3, 'nobody looks ' || g, repeat('x', 200) FROM generate_series(1, 1000000) g");
        env.insert(2, "after a million inserts");
        catchUp();
        awaitUi(() -> other.titles().equals(List.of("after a million inserts")));
        report("after 1,000,000 inserts for a tenant nobody has open");

        env.db.execute("INSERT INTO live_view_test.bulk (payload) SELECT repeat('y', 300) FROM generate_series(1, 1500000)");
        env.insert(2, "after the unwatched table");
        catchUp();
        awaitUi(() -> other.titles().contains("after the unwatched table"));
        report("after 1,500,000 inserts into an unwatched table");

        List<Integer> loadsBefore = views.stream().map(v -> v.loads.get()).toList();
        env.db.execute("UPDATE live_view_test.item SET notes = 'touched' WHERE tenant = 1");
        env.db.execute("UPDATE live_view_test.item SET title = 'shown changed' WHERE title = 'shown 1'");
        catchUp();
        env.quiesce();
        report("after updating " + VIEWED_ROWS + " rows of a tenant with 30 open views");

        for (int i = 0; i < views.size(); i++) {
            ItemsView view = views.get(i);
            assertThat(view.titles()).hasSize(20).contains("shown changed");
            assertThat(view.loads.get()).as("view %d reloaded past the per-view bound", i)
                    .isGreaterThan(loadsBefore.get(i));
        }
        assertThat(TestAccess.pipeline(env.liveSync).interestEntries()).as("what the interest filter holds at quiescence").isZero();
        assertThat(env.liveSync.liveState().status()).isEqualTo(CaptureState.STREAMING);
        env.insert(2, "still live");
        awaitUi(() -> other.titles().contains("still live"));
    }

    /**
     * Waits until the pipeline has read what was committed so far: millions of changes take longer
     * to decode than the usual wait, on a busy machine.
     */
    private static void catchUp() {
        try {
            assertThat(env.liveSync.awaitCaughtUp(Duration.ofMinutes(10))).as("caught up").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static void report(String when) {
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        System.out.printf("large transactions: heap used %d MB of max %d MB %s%n",
                (runtime.totalMemory() - runtime.freeMemory()) >> 20, runtime.maxMemory() >> 20, when);
    }
}
