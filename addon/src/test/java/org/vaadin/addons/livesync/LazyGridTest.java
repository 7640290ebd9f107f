package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vaadin.addons.livesync.LiveTestEnvironment.awaitUi;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.hibernate.query.SelectionQuery;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.data.provider.ConfigurableFilterDataProvider;
import com.vaadin.flow.data.provider.DataCommunicator;
import com.vaadin.flow.data.provider.Query;
import com.vaadin.flow.data.provider.QuerySortOrder;
import com.vaadin.flow.data.provider.SortDirection;

/**
 * Live lazy Grids on the real pipeline over 10,000 rows: the database pages, sorts and filters;
 * an update of a row the Grid holds refreshes it in place without a query; inserts, deletes,
 * moves and truncates refresh the count and the visible range; views of the same page share one
 * query.
 */
@Timeout(180)
class LazyGridTest extends LivePipelineTest {

    private static final int ROWS = 10_000;

    /** A tenant's items in a lazy Grid sorted by title unless the Grid sorts, with a title filter. */
    static final class LazyItemsView extends LiveSyncView<Long, Div> {
        final Grid<Item> grid = new Grid<>();
        final LiveDataProvider<Item, String> items;
        final ConfigurableFilterDataProvider<Item, Void, String> filtered;
        final AtomicInteger fetches = new AtomicInteger();
        final AtomicInteger counts = new AtomicInteger();
        final List<ListChange<Item>> changes = new ArrayList<>();
        /** Runs before each page query of this view (on the thread that runs it). */
        volatile Runnable beforeFetch = () -> { };

        LazyItemsView(long tenant) {
            this(tenant, "i.title like :filter");
        }

        /**
         * With {@code titleMatch}, the HQL condition on the title that the filter sets ({@code :filter} is
         * {@code %text%}), e.g. {@code "lower(i.title) like lower(:filter)"} to ignore case as the demo's board does.
         */
        LazyItemsView(long tenant, String titleMatch) {
            super(env.liveSync, tenant);
            grid.addColumn(Item::getTitle).setKey("title").setSortProperty("title");
            grid.addColumn(Item::getStatus).setKey("status").setSortProperty("status");
            items = live().<Item, String>watchLazy(Item.class, (org, query) -> {
                fetches.incrementAndGet();
                beforeFetch.run();
                return env.sessionFactory.fromSession(
                        s -> select(s, org, query, "select i from Item i", titleMatch, Item.class)
                        .setFirstResult(query.getOffset()).setMaxResults(query.getLimit()).getResultList()).stream();
            }, (org, query) -> {
                counts.incrementAndGet();
                return Math.toIntExact(env.sessionFactory.fromSession(
                        s -> select(s, org, query, "select count(i) from Item i", titleMatch, Long.class).getSingleResult()));
            }).withQueryAttributes("title");
            items.addChangeListener(changes::add);
            filtered = items.withConfigurableFilter();
            grid.setItems(filtered);
            getContent().add(grid);
        }

        /** The query as a repository would write it: tenant, title filter, the Grid's sort or by title. */
        private static <R> SelectionQuery<R> select(org.hibernate.Session session, long org, Query<Item, String> query,
                                                    String select, String titleMatch, Class<R> type) {
            String filter = query.getFilter().orElse("");
            StringBuilder hql = new StringBuilder(select).append(" where i.tenant = :org and ").append(titleMatch);
            if (type == Item.class) {
                List<String> order = new ArrayList<>();
                for (QuerySortOrder sort : query.getSortOrders()) {
                    order.add("i." + sort.getSorted() + (sort.getDirection() == SortDirection.DESCENDING ? " desc" : ""));
                }
                order.add("i.title");
                order.add("i.id");
                hql.append(" order by ").append(String.join(", ", order));
            }
            return session.createSelectionQuery(hql.toString(), type).setParameter("org", org)
                    .setParameter("filter", "%" + filter + "%");
        }

        /** Shows rows [0, 50) as a browser would ask for them, and runs the round trip. */
        LazyItemsView showFirstPage() {
            grid.getDataCommunicator().setViewportRange(0, 50);
            MockVaadin.clientRoundtrip(false);
            return this;
        }

        /** The rows the Grid has sent to the client, in order. */
        List<Item> visible() {
            DataCommunicator<Item> communicator = grid.getDataCommunicator();
            return IntStream.range(0, Math.min(50, communicator.getItemCount())).mapToObj(communicator::getItem).toList();
        }

        int count() {
            return grid.getDataCommunicator().getItemCount();
        }
    }

    @BeforeEach
    void tenThousandRows() {
        env.db.execute("INSERT INTO live_view_test.item (tenant, title) SELECT 1, 'row ' || lpad(g::text, 5, '0') "
                + "FROM generate_series(1, " + ROWS + ") g");
        env.quiesce();
    }

    private static LazyItemsView openLazy(long tenant) {
        LazyItemsView view = new LazyItemsView(tenant);
        UI.getCurrent().add(view);
        return view.showFirstPage();
    }

    private static long idOf(String title) {
        return env.sessionFactory.fromSession(s -> s.createSelectionQuery("select id from Item where title = :t", Long.class)
                .setParameter("t", title).getSingleResult());
    }

    @Test
    void anUpdateOfARowTheGridHoldsRefreshesItInPlaceWithoutAQuery() {
        LazyItemsView view = openLazy(1);
        assertThat(view.count()).isEqualTo(ROWS);
        assertThat(view.visible().get(0).getTitle()).isEqualTo("row 00001");
        int fetches = view.fetches.get();
        int counts = view.counts.get();

        env.db.execute("UPDATE live_view_test.item SET status = 'done' WHERE title = 'row 00002'");
        awaitUi(() -> !view.changes.isEmpty());
        MockVaadin.clientRoundtrip(false);

        ListChange<Item> change = view.changes.get(0);
        assertThat(change.reloaded()).as("in place").isFalse();
        assertThat(change.changed()).extracting(Item::getStatus).containsExactly("done");
        assertThat(view.fetches.get()).as("no query").isEqualTo(fetches);
        assertThat(view.counts.get()).isEqualTo(counts);
        assertThat(view.grid.getDataCommunicator().getKeyMapper().get(
                view.grid.getDataCommunicator().getKeyMapper().key(change.changed().get(0))).getStatus()).isEqualTo("done");
    }

    @Test
    void anUpdateOfWhatTheQueryOrdersByRefreshesTheRange() {
        LazyItemsView view = openLazy(1);
        env.db.execute("UPDATE live_view_test.item SET title = 'row 00000 first now' WHERE title = 'row 00500'");
        awaitUi(() -> !view.changes.isEmpty());
        awaitUi(() -> { // the range's queries run off the UI thread
            MockVaadin.clientRoundtrip(false);
            return view.visible().get(0).getTitle().equals("row 00000 first now");
        });

        assertThat(view.changes.get(0).reloaded()).isTrue();
        assertThat(view.visible().get(0).getTitle()).isEqualTo("row 00000 first now");
    }

    @Test
    void insertsDeletesAndTruncateRefreshTheCountAndTheVisibleRange() {
        LazyItemsView view = openLazy(1);
        env.insert(1, "row 00000 new");
        awaitUi(() -> {
            MockVaadin.clientRoundtrip(false);
            return view.count() == ROWS + 1;
        });
        assertThat(view.visible().get(0).getTitle()).isEqualTo("row 00000 new");

        env.db.execute("DELETE FROM live_view_test.item WHERE title = 'row 00000 new'");
        awaitUi(() -> {
            MockVaadin.clientRoundtrip(false);
            return view.count() == ROWS;
        });
        assertThat(view.visible().get(0).getTitle()).isEqualTo("row 00001");

        env.db.execute("TRUNCATE live_view_test.item");
        awaitUi(() -> {
            MockVaadin.clientRoundtrip(false);
            return view.count() == 0;
        });
    }

    @Test
    void rowsRestoredWithTheirOldIdsAfterATruncateComeBack() {
        LazyItemsView view = openLazy(1);
        env.db.execute("CREATE TABLE live_view_test.item_backup AS SELECT * FROM live_view_test.item");
        try {
            env.db.execute("TRUNCATE live_view_test.item");
            awaitUi(() -> {
                MockVaadin.clientRoundtrip(false);
                return view.count() == 0;
            });
            // rows the Grid showed before the truncate, with their ids
            env.db.execute("INSERT INTO live_view_test.item SELECT * FROM live_view_test.item_backup "
                    + "WHERE title <= 'row 00010'");
        } finally {
            env.db.execute("DROP TABLE live_view_test.item_backup");
        }
        awaitUi(() -> {
            MockVaadin.clientRoundtrip(false);
            return view.count() == 10;
        });
        assertThat(view.visible().get(0).getTitle()).isEqualTo("row 00001");
    }

    @Test
    void aDeletedRowInsertedAgainWithItsIdComesBack() {
        LazyItemsView view = openLazy(1);
        long id = idOf("row 00001");
        env.db.execute("DELETE FROM live_view_test.item WHERE id = " + id);
        awaitUi(() -> {
            MockVaadin.clientRoundtrip(false);
            return view.count() == ROWS - 1;
        });
        env.db.execute("INSERT INTO live_view_test.item (id, tenant, title) VALUES (" + id + ", 1, 'row 00001')");
        awaitUi(() -> {
            MockVaadin.clientRoundtrip(false);
            return view.count() == ROWS;
        });
        assertThat(view.visible().get(0).getTitle()).isEqualTo("row 00001");
    }

    @Test
    void aRowMovedToAnotherTenantLeavesOneGridAndEntersTheOther() {
        LazyItemsView acme = openLazy(1);
        LazyItemsView globex = openLazy(2);
        assertThat(globex.count()).isZero();

        env.db.execute("UPDATE live_view_test.item SET tenant = 2 WHERE title = 'row 00001'");
        awaitUi(() -> {
            MockVaadin.clientRoundtrip(false);
            return acme.count() == ROWS - 1 && globex.count() == 1;
        });
        assertThat(acme.visible().get(0).getTitle()).isEqualTo("row 00002");
        assertThat(globex.visible()).extracting(Item::getTitle).containsExactly("row 00001");
    }

    @Test
    void aDeleteThatCarriesOnlyTheIdReachesOnlyTheGridsHoldingTheRow() {
        LazyItemsView holder = openLazy(1);
        LazyItemsView other = openLazy(2);
        int otherFetches = other.fetches.get();

        env.db.execute("DELETE FROM live_view_test.item WHERE id = " + idOf("row 00003"));
        awaitUi(() -> {
            MockVaadin.clientRoundtrip(false);
            return holder.count() == ROWS - 1;
        });
        env.quiesce();
        assertThat(other.changes).isEmpty();
        assertThat(other.fetches.get()).isEqualTo(otherFetches);
    }

    @Test
    void sortingAndFilteringStayRightAfterChanges() {
        LazyItemsView view = openLazy(1);
        view.filtered.setFilter("row 0999");
        view.grid.sort(List.of(new com.vaadin.flow.component.grid.GridSortOrder<>(view.grid.getColumnByKey("title"),
                SortDirection.DESCENDING)));
        MockVaadin.clientRoundtrip(false);
        assertThat(view.count()).isEqualTo(10); // row 09990 .. row 09999
        assertThat(view.visible().get(0).getTitle()).isEqualTo("row 09999");

        env.insert(1, "row 09999 z");
        env.insert(1, "not matching the filter");
        awaitUi(() -> {
            MockVaadin.clientRoundtrip(false);
            return view.count() == 11;
        });
        assertThat(view.visible().get(0).getTitle()).isEqualTo("row 09999 z");
        env.db.execute("UPDATE live_view_test.item SET title = 'row 5 out of the filter' WHERE title = 'row 09995'");
        awaitUi(() -> {
            MockVaadin.clientRoundtrip(false);
            return view.count() == 10;
        });
        assertThat(view.visible()).extracting(Item::getTitle).doesNotContain("row 09995");
    }

    @Test
    void aBurstOfInsertsIsCoalescedIntoFewRefreshes() {
        LazyItemsView view = openLazy(1);
        int counts = view.counts.get();
        for (int i = 0; i < 100; i++) {
            env.insert(1, "burst " + i); // 100 transactions while this test thread holds the UI
        }
        env.quiesce();
        MockVaadin.clientRoundtrip(false);
        awaitUi(() -> {
            MockVaadin.clientRoundtrip(false);
            return view.count() == ROWS + 100;
        });
        int refreshes = view.counts.get() - counts;
        System.out.println("lazy grid: 100 single-row insert transactions cost " + refreshes + " count queries");
        assertThat(refreshes).as("coalesced: far fewer refreshes than transactions").isLessThan(100);
    }

    @Test
    void viewsOfTheSamePageShareOneQueryPerChange() {
        List<LazyItemsView> views = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            views.add(openLazy(1));
        }
        int fetches = views.stream().mapToInt(v -> v.fetches.get()).sum();
        int counts = views.stream().mapToInt(v -> v.counts.get()).sum();

        env.insert(1, "row 00000 shared");
        awaitUi(() -> {
            MockVaadin.clientRoundtrip(false);
            return views.stream().allMatch(v -> v.count() == ROWS + 1);
        });
        assertThat(views).allSatisfy(v -> assertThat(v.visible().get(0).getTitle()).isEqualTo("row 00000 shared"));
        assertThat(views.stream().mapToInt(v -> v.fetches.get()).sum() - fetches).as("page queries").isEqualTo(1);
        assertThat(views.stream().mapToInt(v -> v.counts.get()).sum() - counts).as("count queries").isEqualTo(1);
        Item first = views.get(0).visible().get(0);
        assertThat(views.get(1).visible().get(0)).as("each view its own instance").isNotSameAs(first);
    }

    /** A tenant's done items only, in a lazy Grid: another query than {@link LazyItemsView}'s for the same page. */
    static final class DoneItemsView extends LiveSyncView<Long, Div> {
        final Grid<Item> grid = new Grid<>();

        DoneItemsView(long tenant) {
            super(env.liveSync, tenant);
            grid.addColumn(Item::getTitle);
            grid.setItems(live().watchLazy(Item.class,
                    (org, query) -> env.sessionFactory.fromSession(s -> s.createSelectionQuery(
                                    "from Item where tenant = :t and status = 'done' order by title, id", Item.class)
                            .setParameter("t", org).setFirstResult(query.getOffset())
                            .setMaxResults(query.getLimit()).getResultList()).stream(),
                    (org, query) -> Math.toIntExact(env.sessionFactory.fromSession(s -> s.createSelectionQuery(
                                    "select count(i) from Item i where i.tenant = :t and i.status = 'done'", Long.class)
                            .setParameter("t", org).getSingleResult()))));
            getContent().add(grid);
        }
    }

    @Test
    void gridsOfTheSameTenantWithDifferentQueriesDoNotShareResults() {
        env.db.execute("UPDATE live_view_test.item SET status = 'done' WHERE title > 'row 09900'");
        env.quiesce();
        LazyItemsView all = openLazy(1);
        DoneItemsView done = new DoneItemsView(1);
        UI.getCurrent().add(done);
        done.grid.getDataCommunicator().setViewportRange(0, 50);
        MockVaadin.clientRoundtrip(false);

        DataCommunicator<Item> communicator = done.grid.getDataCommunicator();
        assertThat(all.count()).isEqualTo(ROWS);
        assertThat(communicator.getItemCount()).as("the done Grid's own count").isEqualTo(100);
        assertThat(communicator.getItem(0).getTitle()).as("the done Grid's own first row").isEqualTo("row 09901");
    }
}
