package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vaadin.addons.livesync.LiveTestEnvironment.awaitUi;

import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.data.provider.QuerySortOrder;
import com.vaadin.flow.function.SerializableFunction;

/**
 * A lazy Grid whose provider states its order as a comparator
 * ({@link LiveDataProvider#withSortComparator}), on the real pipeline over 10,000 rows with
 * REPLICA IDENTITY FULL: rows that come, go or move below the rows the Grid was sent change only
 * the count (no page or count query, the rows shown stay), and the Grid finds them where the
 * database has them when it scrolls there; a row that lands above them still refreshes the range
 * (as does a delete or move away of a row the view does not hold: where it was is not known).
 * The titles sort alike in Java and in any collation (letters and digits after one space).
 */
@Timeout(180)
@LivePipelineTest.Pipeline(LiveCountTest.FullIdentity.class)
class SortComparatorTest extends LivePipelineTest {

    /** The views' order without a Grid sort: title, then id (as {@code LazyItemsView}'s query). */
    static final SerializableFunction<List<QuerySortOrder>, Comparator<? super Item>> ORDER = sorts ->
            sorts.isEmpty() ? Comparator.comparing(Item::getTitle).thenComparing(Item::getId) : null;

    @BeforeEach
    void tenThousandRows() {
        LiveCountTest.seed();
    }

    /** A view of tenant 1 (filtered by title when {@code filter} is not null) whose first page came from a refresh. */
    private static LazyGridTest.LazyItemsView openRefreshed(String filter) {
        LazyGridTest.LazyItemsView view = new LazyGridTest.LazyItemsView(1);
        view.items.withLiveCount().withSortComparator(ORDER)
                .withFilterPredicate((text, item) -> item.getTitle().contains(text));
        if (filter != null) {
            view.filtered.setFilter(filter);
        }
        UI.getCurrent().add(view);
        view.showFirstPage();
        env.insert(1, "row 00000 first"); // sorts first: a refresh, whose rows answer the Grid from then on
        awaitShown(view, "row 00000 first");
        env.quiesce();
        MockVaadin.clientRoundtrip(false);
        return view;
    }

    private static void awaitShown(LazyGridTest.LazyItemsView view, String title) {
        awaitUi(() -> {
            MockVaadin.clientRoundtrip(false);
            return view.visible().stream().anyMatch(item -> item.getTitle().equals(title));
        });
    }

    private static List<String> titles(LazyGridTest.LazyItemsView view) {
        return view.visible().stream().map(Item::getTitle).toList();
    }

    @Test
    void rowsComingAndMovingBelowTheRangeChangeOnlyTheCount() {
        LazyGridTest.LazyItemsView view = openRefreshed(null);
        assertThat(view.count()).isEqualTo(10_001);
        int fetches = view.fetches.get();
        int counts = view.counts.get();
        List<String> shown = titles(view);

        env.insert(1, "row 05000 below");
        LiveCountTest.awaitCount(view, 10_002);
        env.db.execute("UPDATE live_view_test.item SET title = 'row 07000 moved' WHERE title = 'row 06000'");
        env.quiesce();
        MockVaadin.clientRoundtrip(false);

        assertThat(view.fetches.get()).as("page queries").isEqualTo(fetches);
        assertThat(view.counts.get()).as("count queries").isEqualTo(counts);
        assertThat(titles(view)).isEqualTo(shown);
        assertThat(view.count()).isEqualTo(LiveCountTest.rowsOf(1));

        view.grid.getDataCommunicator().setViewportRange(4_990, 50); // the user scrolls there
        MockVaadin.clientRoundtrip(false);
        List<String> there = java.util.stream.IntStream.range(4_990, 5_040)
                .mapToObj(i -> view.grid.getDataCommunicator().getItem(i).getTitle()).toList();
        assertThat(there).contains("row 05000", "row 05000 below").doesNotContain("row 06000");
    }

    @Test
    void aRowEnteringTheFilterBelowTheRangeChangesOnlyTheFilteredCount() {
        LazyGridTest.LazyItemsView view = openRefreshed("row 0"); // 10,000 rows, 50 on screen
        int fetches = view.fetches.get();
        int counts = view.counts.get();
        List<String> shown = titles(view);
        int before = view.count();

        env.db.execute("UPDATE live_view_test.item SET title = 'row 05555 renamed' WHERE title = 'row 10000'");
        LiveCountTest.awaitCount(view, before + 1);
        env.quiesce();
        MockVaadin.clientRoundtrip(false);

        assertThat(view.fetches.get()).as("page queries").isEqualTo(fetches);
        assertThat(view.counts.get()).as("count queries").isEqualTo(counts);
        assertThat(titles(view)).isEqualTo(shown);
    }

    @Test
    void aRowLandingAboveTheRangeStillRefreshesIt() {
        LazyGridTest.LazyItemsView view = openRefreshed(null);
        int fetches = view.fetches.get();
        env.db.execute("UPDATE live_view_test.item SET title = 'row 00000 moved up' WHERE title = 'row 07000'");
        awaitShown(view, "row 00000 moved up");
        assertThat(view.fetches.get()).as("the range was fetched again").isGreaterThan(fetches);
        assertThat(view.count()).isEqualTo(10_001);
    }
}
