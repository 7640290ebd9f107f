package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.data.provider.DataCommunicator;

/**
 * The window while a view loads (its first load, a reload, a lazy page being fetched): a change
 * committed meanwhile to a row the load is about to show is not lost, and nothing committed
 * meanwhile tells the view of another tenant's row, not even its id. Each load runs its writes
 * inside the loader or the fetch, after its query, and waits until the pipeline has routed them:
 * so they land in the window every time (REPLICA IDENTITY DEFAULT: a delete carries the id only).
 */
@Timeout(120)
class LoadingWindowTest extends LivePipelineTest {

    /** A tenant's items in a lazy Grid by title; {@link #duringFetch} runs once inside the next fetch, after its query. */
    static final class LazyView extends LiveSyncView<Long, Div> {
        final Grid<Item> grid = new Grid<>();
        final LiveDataProvider<Item, Void> items;
        final List<ListChange<Item>> changes = new ArrayList<>();
        final AtomicInteger fetches = new AtomicInteger();
        final AtomicReference<Runnable> duringFetch = new AtomicReference<>();

        LazyView(long tenant) {
            super(env.liveSync, tenant);
            grid.addColumn(Item::getTitle);
            items = live().watchLazy(Item.class, (org, query) -> {
                fetches.incrementAndGet();
                List<Item> rows = env.sessionFactory.fromSession(s -> s.createSelectionQuery(
                                "from Item where tenant = :t order by title, id", Item.class).setParameter("t", org)
                        .setFirstResult(query.getOffset()).setMaxResults(query.getLimit()).getResultList());
                Runnable meanwhile = duringFetch.getAndSet(null);
                if (meanwhile != null) {
                    meanwhile.run();
                }
                return rows.stream();
            }, (org, query) -> Math.toIntExact(env.sessionFactory.fromSession(s -> s.createSelectionQuery(
                    "select count(i) from Item i where i.tenant = :t", Long.class).setParameter("t", org)
                    .getSingleResult())));
            items.addChangeListener(changes::add);
            grid.setItems(items);
            getContent().add(grid);
        }

        /** Shows rows [0, 50) as a browser would ask for them, and runs the round trip. */
        LazyView showFirstPage() {
            grid.getDataCommunicator().setViewportRange(0, 50);
            MockVaadin.clientRoundtrip(false);
            return this;
        }

        List<String> titles() {
            DataCommunicator<Item> communicator = grid.getDataCommunicator();
            return IntStream.range(0, Math.min(50, communicator.getItemCount()))
                    .mapToObj(i -> communicator.getItem(i).getTitle()).toList();
        }

        List<Object> removedIds() {
            return changes.stream().flatMap(change -> change.removedIds().stream()).toList();
        }
    }

    /** Writes with plain SQL, then waits until the pipeline routed them (the UI applies them only after the load). */
    private static void commitAndRoute(String... sql) {
        env.db.execute(sql);
        env.catchUp();
    }

    @Test
    void aListStillLoadingHearsNothingOfAnotherTenantsInsertsAndUpdates() {
        ItemsView globex = open(2);
        long renamed = env.insert(2, "globex row");
        env.quiesce();
        AtomicReference<Long> inserted = new AtomicReference<>();
        ItemsView acme = new ItemsView(env.liveSync, 1L, tenant -> {
            List<Item> rows = env.load(tenant);
            if (inserted.get() == null) { // the first load: tenant 2 writes meanwhile
                inserted.set(env.insert(2, "globex new"));
                commitAndRoute("UPDATE live_view_test.item SET title = 'globex renamed' WHERE id = " + renamed);
            }
            return rows;
        });
        List<ListChange<Item>> heard = new ArrayList<>();
        acme.list.addChangeListener(heard::add);
        UI.getCurrent().add(acme);
        env.quiesce();

        assertThat(globex.titles()).containsExactlyInAnyOrder("globex renamed", "globex new");
        assertThat(heard.stream().flatMap(change -> change.removedIds().stream()).toList())
                .as("ids that tenant 1's listener heard of").doesNotContain(inserted.get(), renamed);
        assertThat(heard).as("tenant 1's listener heard only its own load").hasSize(1);
    }

    @Test
    void aLazyGridSwitchedToAnotherTenantHearsNothingOfItsFormerTenantsRows() {
        long acmeRow = env.insert(1, "acme row");
        env.insert(2, "globex row");
        env.quiesce();
        LazyView view = new LazyView(1);
        UI.getCurrent().add(view);
        view.showFirstPage();
        assertThat(view.titles()).containsExactly("acme row");

        view.live().setSubscriptionValue(2L);
        MockVaadin.clientRoundtrip(false);
        assertThat(view.titles()).containsExactly("globex row");
        view.changes.clear();
        int fetches = view.fetches.get();
        env.db.execute("UPDATE live_view_test.item SET status = 'done' WHERE id = " + acmeRow);
        env.quiesce();
        MockVaadin.clientRoundtrip(false);

        assertThat(view.removedIds()).as("ids the tenant-2 Grid's listener heard of").doesNotContain(acmeRow);
        assertThat(view.changes).as("changes the tenant-2 Grid heard of").isEmpty();
        assertThat(view.fetches.get()).as("fetches for a row of the former tenant").isEqualTo(fetches);
    }

    @Test
    void aDeleteCommittedWhileAPageIsFetchedTakesTheRowOffTheGrid() {
        env.insert(1, "a");
        long deleted = env.insert(1, "b");
        env.insert(1, "c");
        env.quiesce();
        LazyView view = new LazyView(1);
        view.duringFetch.set(() -> commitAndRoute("DELETE FROM live_view_test.item WHERE id = " + deleted));
        UI.getCurrent().add(view);
        view.showFirstPage(); // the page's query saw "b"; its delete commits before the fetch returns
        env.quiesce();
        MockVaadin.clientRoundtrip(false);

        assertThat(view.titles()).as("the Grid after the delete of 'b' during its fetch").containsExactly("a", "c");
        assertThat(view.removedIds()).containsExactly(deleted);
    }

    @Test
    void aDeleteCommittedWhileAListReloadsTakesTheRowNewInTheReloadOffTheList() {
        env.insert(1, "open row");
        long done = env.insert(1, "done row");
        env.db.execute("UPDATE live_view_test.item SET status = 'done' WHERE id = " + done);
        env.quiesce();
        AtomicBoolean showDone = new AtomicBoolean();
        AtomicReference<Runnable> duringLoad = new AtomicReference<>();
        ItemsView view = new ItemsView(env.liveSync, 1L, tenant -> {
            List<Item> rows = env.load(tenant).stream()
                    .filter(item -> showDone.get() || !"done".equals(item.getStatus())).toList();
            Runnable meanwhile = duringLoad.getAndSet(null);
            if (meanwhile != null) {
                meanwhile.run();
            }
            return rows;
        });
        UI.getCurrent().add(view);
        assertThat(view.titles()).containsExactly("open row");

        showDone.set(true); // the application's criteria changed: the reload shows a row the list did not hold
        duringLoad.set(() -> commitAndRoute("DELETE FROM live_view_test.item WHERE id = " + done));
        view.list.reload();
        env.quiesce();

        assertThat(view.titles()).as("the list after the delete of 'done row' during its reload")
                .containsExactly("open row");
    }

    @Test
    void aListStillLoadingHearsNothingOfAnotherTenantsDeletes() {
        ItemsView globex = open(2);
        long deleted = env.insert(2, "globex row");
        env.quiesce();
        AtomicBoolean first = new AtomicBoolean(true);
        ItemsView acme = new ItemsView(env.liveSync, 1L, tenant -> {
            List<Item> rows = env.load(tenant);
            if (first.getAndSet(false)) {
                commitAndRoute("DELETE FROM live_view_test.item WHERE id = " + deleted);
            }
            return rows;
        });
        List<ListChange<Item>> heard = new ArrayList<>();
        acme.list.addChangeListener(heard::add);
        UI.getCurrent().add(acme);
        env.quiesce();

        assertThat(globex.titles()).isEmpty();
        assertThat(heard.stream().flatMap(change -> change.removedIds().stream()).toList())
                .as("ids that tenant 1's listener heard of").doesNotContain(deleted);
    }
}
