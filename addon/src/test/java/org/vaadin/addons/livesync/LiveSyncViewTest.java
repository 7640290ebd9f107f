package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.vaadin.addons.livesync.LiveTestEnvironment.awaitUi;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import com.github.mvysny.kaributesting.v10.NotificationsKt;
import com.vaadin.flow.component.UI;

/** LiveSyncView with Karibu-Testing, the real capture pipeline and a real PostgreSQL (REPLICA IDENTITY DEFAULT). */
@Timeout(120)
class LiveSyncViewTest extends LivePipelineTest {

    @Test
    void insertOfAMatchingRowAppearsAndAnotherTenantsRowNever() {
        ItemsView acme = open(1);
        ItemsView globex = open(2);

        env.insert(1, "acme task");
        env.insert(2, "globex task");

        awaitUi(() -> acme.titles().contains("acme task") && globex.titles().contains("globex task"));
        env.quiesce();
        assertThat(acme.titles()).containsExactly("acme task");
        assertThat(globex.titles()).containsExactly("globex task");
    }

    @Test
    void updateReplacesTheItemById() {
        long id = env.insert(1, "draft");
        ItemsView view = open(1);
        assertThat(view.titles()).containsExactly("draft");

        env.db.execute("UPDATE live_view_test.item SET title = 'final' WHERE id = " + id);

        awaitUi(() -> view.titles().equals(List.of("final")));
        assertThat(view.list.items()).singleElement().extracting(Item::getId).isEqualTo(id);
    }

    @Test
    void deleteRemovesTheRowWhenOnlyTheIdIsInTheWal() {
        long id = env.insert(1, "doomed");
        env.insert(1, "survivor");
        ItemsView view = open(1);
        ItemsView other = open(2);

        env.db.execute("DELETE FROM live_view_test.item WHERE id = " + id);

        awaitUi(() -> view.titles().equals(List.of("survivor")));
        assertThat(other.titles()).isEmpty();
    }

    @Test
    void rowMovedToAnotherTenantLeavesOneViewAndEntersTheOther() {
        long id = env.insert(1, "moving");
        ItemsView acme = open(1);
        ItemsView globex = open(2);
        assertThat(acme.titles()).containsExactly("moving");

        env.db.execute("UPDATE live_view_test.item SET tenant = 2 WHERE id = " + id);

        awaitUi(() -> acme.titles().isEmpty() && globex.titles().equals(List.of("moving")));
    }

    @Test
    void rowInsertedAndDeletedBeforeTheUiAppliedEitherNeverStays() {
        ItemsView view = open(1);
        ItemsView other = open(2);

        long id = env.insert(1, "fleeting");
        env.catchUp(); // routed to the view, not yet applied: Karibu's test thread holds the session lock
        env.db.execute("DELETE FROM live_view_test.item WHERE id = " + id);
        long moved = env.insert(1, "moving on");
        env.catchUp();
        env.db.execute("UPDATE live_view_test.item SET tenant = 2 WHERE id = " + moved);
        env.quiesce();

        assertThat(view.titles()).isEmpty();
        assertThat(other.titles()).containsExactly("moving on");
    }

    @Test
    void truncateEmptiesTheList() {
        env.insert(1, "a");
        env.insert(1, "b");
        ItemsView view = open(1);
        assertThat(view.titles()).hasSize(2);

        env.db.execute("TRUNCATE live_view_test.item");

        awaitUi(() -> view.titles().isEmpty());
    }

    @Test
    void aTransactionOfFiftyRowsArrivesAsOneUpdate() {
        ItemsView view = open(1);
        int before = view.syncCalls.get();

        env.db.execute("INSERT INTO live_view_test.item (tenant, title) SELECT 1, 'row ' || g FROM generate_series(1, 50) g");

        awaitUi(() -> view.titles().size() == 50);
        assertThat(view.syncCalls.get()).isEqualTo(before + 1);
    }

    @Test
    void changedRowsAreLoadedWithOneQueryPerTransactionHoweverManyViewsMatch() {
        List<ItemsView> views = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            views.add(open(1));
        }
        long queriesBefore = env.liveSync.metrics().rowQueries();

        env.insert(1, "shared");

        awaitUi(() -> views.stream().allMatch(v -> v.titles().equals(List.of("shared"))));
        assertThat(env.liveSync.metrics().rowQueries()).isEqualTo(queriesBefore + 1);
        Item first = views.get(0).list.items().get(0);
        assertThat(views).extracting(v -> v.list.items().get(0)).allSatisfy(item -> {
            assertThat(item.getTitle()).isEqualTo("shared");
            if (item != first) {
                assertThat(item).as("every view gets its own instance").isNotSameAs(first);
            }
        });
        assertThat(views.stream().map(v -> v.list.items().get(0)).distinct().count()).isEqualTo(6);
    }

    @Test
    void detachingRemovesEveryRegistration() {
        int before = env.liveSync.metrics().registrations();
        ItemsView view = open(1);
        view.form.show(env.insert(1, "held"));
        assertThat(env.liveSync.metrics().registrations()).isEqualTo(before + 2);

        UI.getCurrent().remove(view);

        assertThat(env.liveSync.metrics().registrations()).isEqualTo(before);
        assertThat(env.liveSync.metrics().heldRows()).isZero();
        assertThat(env.liveSync.metrics().uis()).isZero();
    }

    @Test
    void syncHookFiltersAndSortsWhatIsShown() {
        env.insert(1, "zebra");
        ItemsView view = new ItemsView(env.liveSync, 1L, env::load);
        view.hook = ItemsView::openSortedByTitle;
        UI.getCurrent().add(view);

        long apple = env.insert(1, "apple");
        awaitUi(() -> view.titles().equals(List.of("apple", "zebra")));
        env.db.execute("UPDATE live_view_test.item SET status = 'done' WHERE id = " + apple);

        awaitUi(() -> view.titles().equals(List.of("zebra")));
        assertThat(view.list.rows()).hasSize(2);
    }

    @Test
    void refreshRunsTheSyncHookAgainWithoutAQuery() {
        env.insert(1, "b");
        env.insert(1, "a");
        ItemsView view = open(1);
        int loads = view.loads.get();
        assertThat(view.titles()).containsExactly("b", "a");

        view.hook = ItemsView::openSortedByTitle;
        view.list.refresh();

        assertThat(view.titles()).containsExactly("a", "b");
        assertThat(view.loads.get()).isEqualTo(loads);
    }

    @Test
    void throwingSyncHookLeavesTheViewAsItWasAndOtherViewsUpdate() {
        env.insert(1, "before");
        ItemsView broken = open(1);
        ItemsView healthy = open(1);
        broken.hook = items -> {
            throw new IllegalStateException("user bug");
        };

        env.insert(1, "after");

        awaitUi(() -> healthy.titles().size() == 2);
        assertThat(broken.titles()).containsExactly("before");
        broken.hook = items -> items;
        env.insert(1, "recovered");
        awaitUi(() -> broken.titles().equals(List.of("before", "after", "recovered")));
    }

    @Test
    void formRereadsTheBeanWhenItChangesAndThereAreNoUnsavedEdits() {
        long id = env.insert(1, "original");
        env.quiesce(); // the insert's own delivery must not count as a change made while editing
        ItemsView view = open(1);
        view.form.show(id);
        assertThat(view.title.getValue()).isEqualTo("original");

        env.db.execute("UPDATE live_view_test.item SET title = 'changed elsewhere' WHERE id = " + id);

        awaitUi(() -> view.title.getValue().equals("changed elsewhere"));
        assertThat(view.conflicts).isEmpty();
    }

    @Test
    void unsavedEditsAreNeverOverwrittenAndTheUserIsTold() {
        long id = env.insert(1, "original");
        env.quiesce(); // the insert's own delivery must not count as a change made while editing
        ItemsView view = open(1);
        view.form.show(id);
        view.title.setValue("my unsaved edit");

        env.db.execute("UPDATE live_view_test.item SET title = 'their edit' WHERE id = " + id);

        awaitUi(() -> !view.conflicts.isEmpty());
        assertThat(view.title.getValue()).isEqualTo("my unsaved edit");
        assertThat(NotificationsKt.getNotifications()).isNotEmpty();
        view.form.showNewest();
        assertThat(view.title.getValue()).isEqualTo("their edit");
    }

    @Test
    void savingThroughTheFormComesBackWithoutAConflict() {
        long id = env.insert(1, "original");
        env.quiesce(); // the insert's own delivery must not count as a change made while editing
        ItemsView view = open(1);
        view.form.show(id);
        view.title.setValue("saved edit");

        assertThat(view.form.save().isSaved()).isTrue();

        awaitUi(() -> view.titles().equals(List.of("saved edit")));
        env.quiesce();
        assertThat(view.conflicts).isEmpty();
        assertThat(view.title.getValue()).isEqualTo("saved edit");
    }

    @Test
    void deletedBeanIsReportedAndTheFormCleared() {
        long id = env.insert(1, "doomed");
        ItemsView view = open(1);
        view.form.show(id);

        env.db.execute("DELETE FROM live_view_test.item WHERE id = " + id);

        awaitUi(() -> !view.deletedBeans.isEmpty());
        assertThat(view.form.bean()).isNull();
        assertThat(view.title.getValue()).isEmpty();
    }

    @Test
    void beanMovedToAnotherTenantLeavesTheForm() {
        long id = env.insert(1, "moving");
        ItemsView view = open(1);
        view.form.show(id);

        env.db.execute("UPDATE live_view_test.item SET tenant = 2 WHERE id = " + id);

        awaitUi(() -> view.form.bean() == null);
        assertThat(view.title.getValue()).isEmpty();
    }

    @Test
    void aViewCannotShowAnotherTenantsRecordById() {
        long foreign = env.insert(2, "globex secret");
        ItemsView view = open(1);

        assertThat(view.form.show(foreign)).isFalse();
        assertThat(view.title.getValue()).isEmpty();
    }

    @Test
    void everyViewReloadsAfterTheStreamIsInterrupted() throws Exception {
        ItemsView view = open(1);
        int loadsBefore = view.loads.get();
        long reconnectsBefore = env.liveSync.metrics().reconnects();

        try (Connection c = env.db.connect(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '"
                    + env.liveSync.settings().slotName() + "'");
        }
        env.insert(1, "written around the reconnect");

        awaitUi(() -> env.liveSync.metrics().reconnects() > reconnectsBefore && view.loads.get() > loadsBefore
                && view.titles().contains("written around the reconnect"));
    }

    @Test
    void changesCommittedDuringTheInitialLoadAreNotLost() {
        long doomed = env.insert(1, "deleted during load");
        List<Long> inserted = new ArrayList<>();
        ItemsView view = new ItemsView(env.liveSync, 1L, tenant -> {
            List<Item> snapshot = env.load(tenant);
            // another writer commits after the load's snapshot, before the view shows it
            inserted.add(env.insert(1, "inserted during load"));
            env.db.execute("DELETE FROM live_view_test.item WHERE id = " + doomed);
            return snapshot;
        });
        UI.getCurrent().add(view);
        assertThat(view.titles()).containsExactly("deleted during load");

        awaitUi(() -> view.titles().equals(List.of("inserted during load")));
        assertThat(Objects.requireNonNull(inserted.get(0))).isPositive();
    }
}
