package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vaadin.addons.livesync.LiveTestEnvironment.awaitUi;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.hibernate.SessionFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.data.provider.ConfigurableFilterDataProvider;

/**
 * The first lazy Grid of a freshly started LiveSync, as the first view of a new application sees
 * it: set up as the README shows (a title filter, {@code withQueryAttributes("title")},
 * {@code withLiveCount()}) on a table created the usual way (REPLICA IDENTITY DEFAULT). An update
 * of a column it neither sorts nor filters by arrives in place, as for every later view.
 */
@Timeout(180)
class FirstLazyViewTest extends LivePipelineTest {

    /** A tenant's items in a lazy Grid of the given node, as the README's lazy example. */
    static final class ReadmeLazyView extends LiveSyncView<Long, Div> {
        final Grid<Item> grid = new Grid<>();
        final ConfigurableFilterDataProvider<Item, Void, String> filtered;
        final AtomicInteger fetches = new AtomicInteger();
        final AtomicInteger counts = new AtomicInteger();
        final List<ListChange<Item>> changes = new ArrayList<>();

        ReadmeLazyView(LiveTestEnvironment.Node node, long tenant) {
            super(node.liveSync, tenant);
            SessionFactory factory = node.sessionFactory;
            grid.addColumn(Item::getTitle).setKey("title").setSortProperty("title");
            grid.addColumn(Item::getStatus).setKey("status");
            LiveDataProvider<Item, String> items = live().<Item, String>watchLazy(Item.class, (org, query) -> {
                fetches.incrementAndGet();
                return factory.fromSession(s -> s.createSelectionQuery(
                                "from Item where tenant = :org and title like :filter order by title, id", Item.class)
                        .setParameter("org", org).setParameter("filter", "%" + query.getFilter().orElse("") + "%")
                        .setFirstResult(query.getOffset()).setMaxResults(query.getLimit()).getResultList()).stream();
            }, (org, query) -> {
                counts.incrementAndGet();
                return Math.toIntExact(factory.fromSession(s -> s.createSelectionQuery(
                                "select count(i) from Item i where i.tenant = :org and i.title like :filter", Long.class)
                        .setParameter("org", org).setParameter("filter", "%" + query.getFilter().orElse("") + "%")
                        .getSingleResult()));
            }).withQueryAttributes("title").withLiveCount();
            items.addChangeListener(changes::add);
            filtered = items.withConfigurableFilter();
            grid.setItems(filtered);
            getContent().add(grid);
        }

        static ReadmeLazyView open(LiveTestEnvironment.Node node, long tenant) {
            ReadmeLazyView view = new ReadmeLazyView(node, tenant);
            UI.getCurrent().add(view);
            view.grid.getDataCommunicator().setViewportRange(0, 50);
            MockVaadin.clientRoundtrip(false);
            return view;
        }
    }

    @Test
    void theFirstLazyGridOfAFreshLiveSyncGetsAnUpdateOfAColumnItDoesNotSortOrFilterByInPlace() {
        env.db.execute("INSERT INTO live_view_test.item (tenant, title) SELECT 1, 'row ' || lpad(g::text, 3, '0') "
                + "FROM generate_series(1, 100) g");
        try (LiveTestEnvironment.Node fresh = env.node(env.settings())) {
            LiveTestEnvironment.awaitStreaming(fresh.liveSync);
            ReadmeLazyView first = ReadmeLazyView.open(fresh, 1);
            assertThat(first.grid.getDataCommunicator().getItemCount()).isEqualTo(100);
            int fetches = first.fetches.get();
            int counts = first.counts.get();

            env.db.execute("UPDATE live_view_test.item SET status = 'done' WHERE title = 'row 002'");
            awaitUi(() -> !first.changes.isEmpty());
            MockVaadin.clientRoundtrip(false);

            ListChange<Item> change = first.changes.get(0);
            assertThat(change.changed()).extracting(Item::getStatus).containsExactly("done");
            assertThat(change.reloaded()).as("the first view's first update: in place").isFalse();
            assertThat(first.fetches.get()).as("no page query").isEqualTo(fetches);
            assertThat(first.counts.get()).as("no count query").isEqualTo(counts);

            ReadmeLazyView later = ReadmeLazyView.open(fresh, 1);
            env.db.execute("UPDATE live_view_test.item SET status = 'done' WHERE title = 'row 003'");
            awaitUi(() -> !later.changes.isEmpty() && first.changes.size() > 1);
            assertThat(later.changes.get(0).reloaded()).as("a later view: in place").isFalse();
            assertThat(first.changes.get(1).reloaded()).as("the first view's second update: in place").isFalse();
        }
    }
}
