package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vaadin.addons.livesync.internal.dispatch.Dispatcher;
import org.vaadin.addons.livesync.internal.dispatch.Subscription;

import com.vaadin.flow.component.UI;

/**
 * Which rows a view holds decides where deletes and moves without the old key go: the held marks
 * must neither vanish while a change is on its way to the UI nor outlive a closed subscription.
 */
@Timeout(120)
class HeldRowsTest extends LivePipelineTest {

    @Test
    void aDeleteAfterAReloadStillReachesARowWhosePutWasPending() {
        // the loader leaves "hidden" rows out, but a live insert of one is shown (sync() would filter)
        ItemsView view = new ItemsView(env.liveSync, 1L,
                tenant -> env.load(tenant).stream().filter(i -> !i.getTitle().startsWith("hidden")).toList());
        UI.getCurrent().add(view);

        long id = env.insert(1, "hidden row");
        env.catchUp(); // the put waits for the UI: Karibu's test thread holds the session lock
        view.reload(); // a reload on the UI thread meanwhile releases what it does not load
        env.db.execute("DELETE FROM live_view_test.item WHERE id = " + id);
        env.quiesce();

        assertThat(view.titles()).as("a deleted row never stays").isEmpty();
    }

    @Test
    void aMoveAfterAReloadStillReachesARowWhosePutWasPending() {
        ItemsView acme = new ItemsView(env.liveSync, 1L,
                tenant -> env.load(tenant).stream().filter(i -> !i.getTitle().startsWith("hidden")).toList());
        UI.getCurrent().add(acme);
        ItemsView globex = open(2);

        long id = env.insert(1, "hidden move");
        env.catchUp();
        acme.reload();
        env.db.execute("UPDATE live_view_test.item SET tenant = 2 WHERE id = " + id);
        env.quiesce();

        assertThat(acme.titles()).as("tenant 1 keeps no row that now belongs to tenant 2").isEmpty();
        assertThat(globex.titles()).containsExactly("hidden move");
    }

    @Test
    void aDeleteStillReachesTheViewThatKeepsARowAnotherViewOfTheTenantLetGo() {
        long id = env.insert(1, "shared row");
        env.catchUp(); // routed before any view watched: both views get the row from their load only
        ItemsView keeps = open(1);
        AtomicBoolean hide = new AtomicBoolean();
        ItemsView letsGo = new ItemsView(env.liveSync, 1L,
                tenant -> env.load(tenant).stream().filter(i -> !hide.get()).toList());
        UI.getCurrent().add(letsGo);
        Dispatcher dispatcher = env.liveSync.pipeline().dispatcher();
        assertThat(dispatcher.heldIndexSize()).as("one entry for the row both views hold").isEqualTo(1);

        hide.set(true);
        letsGo.reload(); // releases the row; the other view still holds it
        assertThat(dispatcher.heldIndexSize()).as("the row is still held by the other view").isEqualTo(1);
        env.db.execute("DELETE FROM live_view_test.item WHERE id = " + id); // the WAL carries the id only
        env.quiesce();

        assertThat(keeps.titles()).as("the view that kept the row is told it was deleted").isEmpty();
        assertThat(letsGo.titles()).isEmpty();
        assertThat(dispatcher.heldIndexSize()).as("no view holds the deleted row").isZero();
    }

    @Test
    void closingWhileRowsAreBeingHeldLeavesNothingInTheIndex() throws Exception {
        Dispatcher dispatcher = env.liveSync.pipeline().dispatcher();
        var entity = env.liveSync.pipeline().entity(Item.class);
        UI ui = UI.getCurrent();
        List<Long> ids = LongStream.range(0, 2_000).boxed().toList();
        CyclicBarrier start = new CyclicBarrier(2);
        for (int round = 0; round < 200; round++) {
            Subscription<Item> subscription = dispatcher.subscribeToHeldRows(ui, entity, 1L, delta -> { }, "race");
            CompletableFuture<Void> holder = CompletableFuture.runAsync(() -> {
                await(start);
                subscription.hold(ids);
            });
            await(start);
            subscription.close();
            holder.get();
            assertThat(dispatcher.heldIndexSize()).as("index entries after round %d", round).isZero();
        }
        assertThat(dispatcher.registrations()).isZero();
    }

    private static void await(CyclicBarrier barrier) {
        try {
            barrier.await();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
