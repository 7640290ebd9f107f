package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vaadin.addons.livesync.LiveTestEnvironment.awaitUi;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.UI;

/**
 * A filtered lazy Grid whose provider states its filter as a predicate
 * ({@link LiveDataProvider#withFilterPredicate}), on the real pipeline over 10,000 rows with
 * REPLICA IDENTITY FULL: changes of rows outside the filter run no page or count query, rows that
 * enter or leave the filter change the count without counting again (and it equals
 * {@code count(*)}), a delete of a matching row off screen counts again, and matching inserts show
 * while unrelated changes keep coming.
 */
@Timeout(180)
@LivePipelineTest.Pipeline(LiveCountTest.FullIdentity.class)
class FilterPredicateTest extends LivePipelineTest {

    @BeforeEach
    void tenThousandRows() {
        LiveCountTest.seed();
    }

    /** A view of the tenant's rows whose title contains {@code filter}, the predicate telling the same as the query. */
    private static LazyGridTest.LazyItemsView openFiltered(long tenant, String filter, boolean predicate) {
        LazyGridTest.LazyItemsView view = new LazyGridTest.LazyItemsView(tenant);
        view.items.withLiveCount();
        if (predicate) {
            view.items.withFilterPredicate((text, item) -> item.getTitle().contains(text));
        }
        view.filtered.setFilter(filter);
        UI.getCurrent().add(view);
        return view.showFirstPage();
    }

    private static int matching(long tenant, String text) {
        return Math.toIntExact(env.sessionFactory.fromSession(s -> s.createSelectionQuery(
                        "select count(i) from Item i where i.tenant = :org and i.title like :text", Long.class)
                .setParameter("org", tenant).setParameter("text", "%" + text + "%").getSingleResult()));
    }

    /** Updates rows outside the filter "row 0999" (their status, and titles that stay outside), one transaction each. */
    private static void unrelatedChanges(int n) {
        for (int i = 1; i <= n; i++) {
            String title = String.format("row %05d", i);
            env.db.execute(i % 2 == 0
                    ? "UPDATE live_view_test.item SET status = 'busy " + i + "' WHERE title = '" + title + "'"
                    : "UPDATE live_view_test.item SET title = '" + title + " renamed' WHERE title = '" + title + "'");
        }
        env.quiesce();
        MockVaadin.clientRoundtrip(false);
    }

    @Test
    void changesOfRowsOutsideTheFilterRunNoQuery() {
        LazyGridTest.LazyItemsView view = openFiltered(1, "row 0999", true);
        assertThat(view.count()).isEqualTo(10);
        int fetches = view.fetches.get();
        int counts = view.counts.get();
        int changes = view.changes.size();

        unrelatedChanges(40);

        assertThat(view.fetches.get()).as("page queries").isEqualTo(fetches);
        assertThat(view.counts.get()).as("count queries").isEqualTo(counts);
        assertThat(view.changes).as("change listener calls (nothing the view shows changed)").hasSize(changes);
        assertThat(view.count()).isEqualTo(10).isEqualTo(matching(1, "row 0999"));
    }

    @Test
    void withoutAPredicateTheSameChangesQueryAgain() {
        LazyGridTest.LazyItemsView view = openFiltered(1, "row 0999", false);
        int fetches = view.fetches.get();
        int counts = view.counts.get();
        unrelatedChanges(4);
        awaitUi(() -> {
            MockVaadin.clientRoundtrip(false);
            return view.fetches.get() > fetches && view.counts.get() > counts;
        });
        assertThat(view.count()).isEqualTo(10);
    }

    @Test
    void rowsEnteringAndLeavingTheFilterChangeTheCountWithoutCountingAgain() {
        LazyGridTest.LazyItemsView view = openFiltered(1, "row 0999", true);
        LazyGridTest.LazyItemsView other = openFiltered(2, "row 0999", true);
        int counts = view.counts.get();

        env.insert(1, "row 09990 new");
        LiveCountTest.awaitCount(view, 11);
        assertThat(view.visible()).extracting(Item::getTitle).contains("row 09990 new");

        env.db.execute("UPDATE live_view_test.item SET title = 'row 09995 renamed in' WHERE title = 'row 00005'");
        LiveCountTest.awaitCount(view, 12);
        env.db.execute("UPDATE live_view_test.item SET title = 'row 0998 renamed out' WHERE title = 'row 09991'");
        LiveCountTest.awaitCount(view, 11);

        env.db.execute("UPDATE live_view_test.item SET tenant = 2 WHERE title IN ('row 09992', 'row 09993')");
        LiveCountTest.awaitCount(view, 9);
        LiveCountTest.awaitCount(other, 2);
        env.db.execute("UPDATE live_view_test.item SET tenant = 1 WHERE title = 'row 09992'");
        LiveCountTest.awaitCount(view, 10);

        env.db.execute("DELETE FROM live_view_test.item WHERE title = 'row 09994'");
        LiveCountTest.awaitCount(view, 9);

        env.quiesce();
        MockVaadin.clientRoundtrip(false);
        assertThat(view.count()).isEqualTo(9).isEqualTo(matching(1, "row 0999"));
        assertThat(view.visible()).extracting(Item::getTitle).containsExactly("row 09990", "row 09990 new",
                "row 09992", "row 09995", "row 09995 renamed in", "row 09996", "row 09997", "row 09998", "row 09999");
        assertThat(view.counts.get()).as("the count callback did not run again").isEqualTo(counts);
    }

    @Test
    void aMatchingInsertIntoAShortListIsShownFromTheRefreshWithoutTheGridQueryingAgain() {
        LazyGridTest.LazyItemsView view = openFiltered(1, "row 0999", true); // 10 rows: the Grid asks for 10, not 50
        int fetches = view.fetches.get();
        env.insert(1, "row 09990 new");
        awaitUi(() -> {
            MockVaadin.clientRoundtrip(false);
            return view.visible().stream().anyMatch(item -> item.getTitle().equals("row 09990 new"));
        });
        env.quiesce();
        MockVaadin.clientRoundtrip(false);
        assertThat(view.fetches.get() - fetches).as("page queries: the refresh's, which answers the Grid's wider request")
                .isEqualTo(1);
        assertThat(view.visible()).hasSize(11);
    }

    @Test
    void aDeleteOfAMatchingRowOffScreenCountsAgain() {
        LazyGridTest.LazyItemsView view = openFiltered(1, "row 01", true); // 1,000 rows, 50 on screen
        assertThat(view.count()).isEqualTo(1_000);
        int counts = view.counts.get();
        env.db.execute("DELETE FROM live_view_test.item WHERE title = 'row 01500'");
        LiveCountTest.awaitCount(view, 999);
        assertThat(view.counts.get()).as("not held: whether it matched is not known, so it counts again")
                .isGreaterThan(counts);
        assertThat(view.count()).isEqualTo(matching(1, "row 01"));
    }

    @Test
    void matchingInsertsShowWhileUnrelatedChangesKeepComing() {
        LazyGridTest.LazyItemsView view = openFiltered(1, "row 0999", true);
        for (int round = 0; round < 5; round++) {
            unrelatedChanges(10);
            String title = "row 0999 " + round;
            env.insert(1, title);
            unrelatedChanges(10);
            awaitUi(() -> {
                MockVaadin.clientRoundtrip(false);
                return view.visible().stream().anyMatch(item -> item.getTitle().equals(title));
            });
        }
        assertThat(view.count()).isEqualTo(15).isEqualTo(matching(1, "row 0999"));
    }
}
