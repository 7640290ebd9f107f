package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;

/**
 * Where a lazy Grid's refresh runs when it is deferred to the end of its refresh window: on one of
 * LiveSync's UI threads, like an immediate one — not on the single maintenance thread, which would
 * run the deferred refreshes of every lazy view one after the other (and their pushes with them),
 * while the UI threads idle.
 */
@Timeout(60)
class LazyRefreshThreadTest extends LivePipelineTest {

    /** A tenant's items in a lazy Grid whose range refreshes are at least a second apart. */
    static final class SlowRefreshView extends LiveSyncView<Long, Div> {
        final List<String> refreshedOn = new CopyOnWriteArrayList<>();

        SlowRefreshView(long tenant) {
            super(env.liveSync, tenant);
            Grid<Item> grid = new Grid<>();
            grid.addColumn(Item::getTitle);
            LiveDataProvider<Item, Void> items = this.<Item, Void>watchLazy(Item.class,
                    (org, query) -> env.sessionFactory.fromSession(s -> s.createSelectionQuery(
                                    "from Item where tenant = :t order by title, id", Item.class)
                            .setParameter("t", org).setFirstResult(query.getOffset())
                            .setMaxResults(query.getLimit()).getResultList()).stream(),
                    (org, query) -> Math.toIntExact(env.sessionFactory.fromSession(s -> s.createSelectionQuery(
                            "select count(i) from Item i where i.tenant = :t", Long.class)
                            .setParameter("t", org).getSingleResult())))
                    .withRefreshWindow(Duration.ofSeconds(1));
            items.addDataProviderListener(event -> refreshedOn.add(Thread.currentThread().getName()));
            grid.setItems(items);
            getContent().add(grid);
        }
    }

    @Test
    void aRefreshDeferredToTheEndOfItsWindowRunsOnAUiThreadNotOnTheMaintenanceThread() {
        // a session of its own whose lock is free, as on a server: UI.access runs on the thread that calls it
        SlowRefreshView view = TestSessions.openInNewSession(() -> new SlowRefreshView(1));
        try {
            env.insert(1, "first"); // refreshes at once
            await().atMost(LiveTestEnvironment.WAIT).until(() -> view.refreshedOn.size() == 1);
            env.insert(1, "second"); // within the window: refreshes at its end
            await().atMost(LiveTestEnvironment.WAIT).until(() -> view.refreshedOn.size() == 2);

            System.out.println("lazy refreshes ran on " + view.refreshedOn);
            assertThat(view.refreshedOn).allSatisfy(thread -> assertThat(thread).startsWith("livesync-ui-"));
        } finally {
            TestSessions.close(view);
        }
    }
}
