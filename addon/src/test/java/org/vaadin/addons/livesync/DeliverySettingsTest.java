package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vaadin.addons.livesync.LiveTestEnvironment.awaitUi;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;

/**
 * The {@link DeliverySettings} of a LiveSync reach its views on the real pipeline: the bound of
 * pending row operations per view, the bound of changes per transaction, and the lazy Grids'
 * default refresh window.
 */
@Timeout(120)
class DeliverySettingsTest extends LivePipelineTest {

    private LiveTestEnvironment.Node node;

    @AfterEach
    void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    private LiveTestEnvironment.Node startNode(UnaryOperator<DeliverySettings> delivery) {
        node = env.node(LiveSyncSettings.of(env.settings()).withDelivery(delivery.apply(DeliverySettings.defaults())));
        awaitUi(() -> node.liveSync.liveState().isLive());
        return node;
    }

    @Test
    void aTransactionGivingAViewMoreThanMaxPendingRowsReloadsItInsteadOfDeliveringThem() {
        startNode(d -> d.withMaxPending(2));
        assertThat(node.liveSync.deliverySettings().maxPending()).isEqualTo(2);
        ItemsView view = openOnNode();
        int loads = view.loads.get();

        env.db.execute("INSERT INTO live_view_test.item (tenant, title) VALUES (1, 'a'), (1, 'b')");
        awaitUi(() -> view.titles().size() == 2);
        assertThat(view.loads.get()).as("two rows, within the bound: delivered one by one").isEqualTo(loads);

        env.db.execute("INSERT INTO live_view_test.item (tenant, title) VALUES (1, 'c'), (1, 'd'), (1, 'e')");
        awaitUi(() -> view.titles().size() == 5);
        assertThat(view.loads.get()).as("three rows, past the bound: one reload").isEqualTo(loads + 1);
    }

    @Test
    void aTransactionOverMaxChangesPerTransactionReloadsTheViewsOfItsTable() {
        startNode(d -> d.withMaxChangesPerTransaction(5));
        ItemsView view = openOnNode();
        int loads = view.loads.get();

        env.db.execute("INSERT INTO live_view_test.item (tenant, title) SELECT 1, 'row ' || g FROM generate_series(1, 5) g");
        awaitUi(() -> view.titles().size() == 5);
        assertThat(view.loads.get()).as("five changes, within the bound").isEqualTo(loads);

        env.db.execute("INSERT INTO live_view_test.item (tenant, title) SELECT 1, 'more ' || g FROM generate_series(1, 6) g");
        awaitUi(() -> view.titles().size() == 11);
        assertThat(view.loads.get()).as("six changes, past the bound: the view reloads").isEqualTo(loads + 1);
    }

    @Test
    void aLazyGridWithoutAWindowOfItsOwnRefreshesAtTheLiveSyncsWindowAndOneWithItsOwnKeepsIt() {
        startNode(d -> d.withLazyRefreshWindow(Duration.ofHours(1)));
        LazyView usesDefault = openLazy(UnaryOperator.identity());
        LazyView ownWindow = openLazy(provider -> provider.withRefreshWindow(Duration.ZERO));

        env.insert(1, "first");
        awaitUi(() -> {
            MockVaadin.clientRoundtrip(false);
            return usesDefault.count() == 1 && ownWindow.count() == 1;
        });
        int countsBefore = usesDefault.counts.get();

        env.insert(1, "second, within the hour");
        awaitUi(() -> {
            MockVaadin.clientRoundtrip(false);
            return ownWindow.count() == 2; // delivered to both Grids of this UI in the same UI.access
        });
        node.quiesce();
        MockVaadin.clientRoundtrip(false);
        assertThat(usesDefault.count()).as("refresh deferred to the end of the LiveSync's 1 h window").isEqualTo(1);
        assertThat(usesDefault.counts.get()).as("no count query meanwhile").isEqualTo(countsBefore);
    }

    private ItemsView openOnNode() {
        ItemsView view = new ItemsView(node.liveSync, 1L, node::load);
        UI.getCurrent().add(view);
        return view;
    }

    /** A lazy Grid of tenant 1's items on the node, showing its first rows. */
    private LazyView openLazy(UnaryOperator<LiveDataProvider<Item, Void>> configure) {
        LazyView view = new LazyView(node, configure);
        UI.getCurrent().add(view);
        view.grid.getDataCommunicator().setViewportRange(0, 50);
        MockVaadin.clientRoundtrip(false);
        return view;
    }

    /** A Div with a lazy Grid of tenant 1's items that counts its count queries. */
    static final class LazyView extends Div {
        final Grid<Item> grid = new Grid<>();
        final AtomicInteger counts = new AtomicInteger();

        LazyView(LiveTestEnvironment.Node node, UnaryOperator<LiveDataProvider<Item, Void>> configure) {
            LiveScope<Long> live = LiveScope.of(this, 1L, node.liveSync);
            LiveDataProvider<Item, Void> items = live.watchLazy(Item.class,
                    (Long tenant, com.vaadin.flow.data.provider.Query<Item, Void> query) -> {
                        List<Item> all = node.load(tenant);
                        return all.stream().skip(query.getOffset()).limit(query.getLimit());
                    }, (tenant, query) -> {
                        counts.incrementAndGet();
                        return node.load(tenant).size();
                    });
            grid.addColumn(Item::getTitle);
            grid.setItems(configure.apply(items));
            add(grid);
        }

        int count() {
            return grid.getDataCommunicator().getItemCount();
        }
    }
}
