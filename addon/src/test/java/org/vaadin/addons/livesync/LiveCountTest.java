package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vaadin.addons.livesync.LiveTestEnvironment.awaitUi;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;

/**
 * A lazy Grid's live count ({@link LiveDataProvider#withLiveCount()}) on the real pipeline over
 * 10,000 rows, with REPLICA IDENTITY FULL: inserts, deletes and moves change the count without
 * running the count callback again, a transaction committed while the count ran is counted once,
 * and a truncate or a filter counts again. (Without the old key in the WAL: {@link LiveCountDefaultIdentityTest}.)
 */
@Timeout(180)
@LivePipelineTest.Pipeline(LiveCountTest.FullIdentity.class)
class LiveCountTest extends LivePipelineTest {

    static final int ROWS = 10_000;

    static final class FullIdentity implements Supplier<LiveTestEnvironment> {
        @Override
        public LiveTestEnvironment get() {
            return new LiveTestEnvironment("FULL");
        }
    }

    @BeforeEach
    void tenThousandRows() {
        seed();
    }

    static void seed() {
        env.db.execute("INSERT INTO live_view_test.item (tenant, title) SELECT 1, 'row ' || lpad(g::text, 5, '0') "
                + "FROM generate_series(1, " + ROWS + ") g");
        env.quiesce();
    }

    static LazyGridTest.LazyItemsView openCounting(long tenant) {
        LazyGridTest.LazyItemsView view = new LazyGridTest.LazyItemsView(tenant);
        view.items.withLiveCount();
        UI.getCurrent().add(view);
        return view.showFirstPage();
    }

    static void awaitCount(LazyGridTest.LazyItemsView view, int count) {
        awaitUi(() -> {
            MockVaadin.clientRoundtrip(false);
            return view.count() == count;
        });
    }

    static int rowsOf(long tenant) {
        return Math.toIntExact(env.sessionFactory.fromSession(s -> s.createSelectionQuery(
                "select count(i) from Item i where i.tenant = :org", Long.class).setParameter("org", tenant)
                .getSingleResult()));
    }

    @Test
    void insertsDeletesAndMovesChangeTheCountWithoutCountingAgain() {
        LazyGridTest.LazyItemsView view = openCounting(1);
        LazyGridTest.LazyItemsView other = openCounting(2);
        assertThat(view.count()).isEqualTo(ROWS);
        int counts = view.counts.get();

        env.insert(1, "row 00000 new");
        awaitCount(view, ROWS + 1);
        assertThat(view.visible().get(0).getTitle()).as("the range is fetched again").isEqualTo("row 00000 new");

        env.db.execute("DELETE FROM live_view_test.item WHERE title = 'row 05000'"); // outside the visible range
        awaitCount(view, ROWS);

        env.db.execute("UPDATE live_view_test.item SET tenant = 2 WHERE title IN ('row 07000', 'row 07001')");
        awaitCount(view, ROWS - 2);
        awaitCount(other, 2);

        env.db.execute("UPDATE live_view_test.item SET tenant = 1 WHERE title = 'row 07000'");
        awaitCount(view, ROWS - 1);
        awaitCount(other, 1);

        env.db.execute("UPDATE live_view_test.item SET status = 'done' WHERE title = 'row 08000'"); // not a move
        env.quiesce();
        MockVaadin.clientRoundtrip(false);
        assertThat(view.count()).isEqualTo(ROWS - 1).isEqualTo(rowsOf(1));
        assertThat(view.counts.get()).as("the count callback did not run again").isEqualTo(counts);
    }

    @Test
    void aTruncateCountsAgain() {
        LazyGridTest.LazyItemsView view = openCounting(1);
        int counts = view.counts.get();
        env.db.execute("TRUNCATE live_view_test.item");
        awaitCount(view, 0);
        assertThat(view.counts.get()).isGreaterThan(counts);
        env.insert(1, "after the truncate");
        awaitCount(view, 1);
    }

    @Test
    void withAFilterTheCountCallbackCountsAsBefore() {
        LazyGridTest.LazyItemsView view = openCounting(1);
        view.filtered.setFilter("row 0999");
        awaitCount(view, 10);
        int counts = view.counts.get();
        env.insert(1, "row 09999 b");
        awaitCount(view, 11);
        assertThat(view.counts.get()).as("counted by the callback").isGreaterThan(counts);
        view.filtered.setFilter(null);
        awaitCount(view, ROWS + 1);
    }

    /** Commits a row before and a row after its count query, the first time it counts. */
    static final class RacingView extends LiveSyncView<Long, Div> {
        final Grid<Item> grid = new Grid<>();
        final AtomicInteger counts = new AtomicInteger();

        RacingView(long tenant) {
            super(env.liveSync, tenant);
            LiveDataProvider<Item, Void> provider = live().watchLazy(Item.class, (org, query) -> env.sessionFactory.fromSession(s -> s
                    .createSelectionQuery("from Item where tenant = :org order by title, id", Item.class)
                    .setParameter("org", org).setFirstResult(query.getOffset()).setMaxResults(query.getLimit())
                    .getResultList()).stream(), (org, query) -> {
                        boolean first = counts.incrementAndGet() == 1;
                        if (first) {
                            env.insert(org, "committed before the count query");
                        }
                        int rows = Math.toIntExact(env.sessionFactory.fromSession(s -> s.createSelectionQuery(
                                "select count(i) from Item i where i.tenant = :org", Long.class)
                                .setParameter("org", org).getSingleResult()));
                        if (first) {
                            env.insert(org, "committed after the count query");
                        }
                        return rows;
                    });
            grid.setItems(provider.withLiveCount().withRefreshWindow(java.time.Duration.ZERO));
            getContent().add(grid);
        }

        int count() {
            return grid.getDataCommunicator().getItemCount();
        }
    }

    @Test
    void rowsCommittedWhileTheCountRunsAreCountedOnce() {
        RacingView view = new RacingView(1);
        UI.getCurrent().add(view);
        view.grid.getDataCommunicator().setViewportRange(0, 50);
        MockVaadin.clientRoundtrip(false);
        env.quiesce();
        env.insert(1, "a later row");
        env.quiesce(); // every UI applied every change; the refresh window is zero
        MockVaadin.clientRoundtrip(false);
        assertThat(view.count()).as("each row counted once").isEqualTo(ROWS + 3).isEqualTo(rowsOf(1));
    }
}
