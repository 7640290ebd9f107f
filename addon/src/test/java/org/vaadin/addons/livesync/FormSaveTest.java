package org.vaadin.addons.livesync;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.vaadin.addons.livesync.LiveTestEnvironment.awaitUi;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.hibernate.Session;
import org.hibernate.Transaction;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vaadin.addons.livesync.TransactionRunner;

import com.github.mvysny.kaributesting.v10.NotificationsKt;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.binder.Binder;

/**
 * Save of a watched form on the real pipeline (REPLICA IDENTITY DEFAULT): a save writes only over
 * the row as the form loaded it, in the view's tenant.
 */
@Timeout(120)
@LivePipelineTest.Pipeline(FormSaveTest.WithVersionedItems.class)
class FormSaveTest extends LivePipelineTest {

    /** The pipeline with a versioned entity's table beside the items. */
    static final class WithVersionedItems implements java.util.function.Supplier<LiveTestEnvironment> {
        @Override
        public LiveTestEnvironment get() {
            String table = VersionedItem.TABLE.getKey();
            return new LiveTestEnvironment(org.vaadin.addons.livesync.testdb.TestDatabase.get(), "DEFAULT",
                    new LiveTestEnvironment.Tables(List.of("CREATE TABLE live_view_test." + table + " "
                            + VersionedItem.TABLE.getValue()), List.of(table), List.of(VersionedItem.class)));
        }
    }

    @BeforeEach
    void emptyVersionedTable() {
        env.db.execute("DELETE FROM live_view_test.versioned_item");
    }

    @Test
    void saveAfterAnOutsideChangeOfAnotherColumnWritesNothingAndKeepsTheOutsideValue() {
        long id = env.insert(1, "original");
        ItemsView view = editTitle(id);

        env.db.execute("UPDATE live_view_test.item SET notes = 'written elsewhere' WHERE id = " + id);
        awaitUi(() -> !view.conflicts.isEmpty()); // the conflict notice appeared

        assertThat(view.form.save()).isEqualTo(SaveResult.CHANGED_ELSEWHERE);
        assertThat(column("item", id, "notes")).isEqualTo("written elsewhere");
        assertThat(column("item", id, "title")).isEqualTo("original");
        assertThat(view.title.getValue()).isEqualTo("my title");
        assertThat(view.form.hasChanges()).isTrue();
        assertThat(NotificationsKt.getNotifications()).anyMatch(n -> n.hasClassName("livesync-save-conflict"));
    }

    @Test
    void saveAfterTheRowMovedToAnotherTenantWritesNothing() {
        long id = env.insert(1, "original");
        ItemsView view = editTitle(id);

        env.db.execute("UPDATE live_view_test.item SET tenant = 2 WHERE id = " + id,
                "UPDATE live_view_test.item SET title = 'edited by tenant 2' WHERE id = " + id);
        env.catchUp(); // routed to the view, not applied: the test thread holds the session lock
        assertThat(view.form.bean()).isNotNull();

        assertThat(view.form.save()).isEqualTo(SaveResult.REMOVED);
        assertThat(column("item", id, "tenant")).isEqualTo("2");
        assertThat(column("item", id, "title")).isEqualTo("edited by tenant 2");
        assertThat(view.title.getValue()).isEqualTo("my title");
        assertThat(NotificationsKt.getNotifications()).anyMatch(n -> n.hasClassName("livesync-save-removed"));
    }

    @Test
    void saveOfADeletedRowWritesNothing() {
        long id = env.insert(1, "original");
        ItemsView view = editTitle(id);

        env.db.execute("DELETE FROM live_view_test.item WHERE id = " + id);
        env.catchUp();

        assertThat(view.form.save()).isEqualTo(SaveResult.REMOVED);
        assertThat(column("item", id, "id")).isNull();
        assertThat(view.title.getValue()).isEqualTo("my title");
    }

    @Test
    void saveWithoutOutsideChangesWritesTheEdits() {
        long id = env.insert(1, "original");
        ItemsView view = editTitle(id);

        assertThat(view.form.save()).isEqualTo(SaveResult.SAVED);
        assertThat(column("item", id, "title")).isEqualTo("my title");
        assertThat(view.form.hasChanges()).isFalse();
        awaitUi(() -> view.titles().contains("my title"));
        env.quiesce();
        assertThat(view.conflicts).isEmpty();
        assertThat(view.title.getValue()).isEqualTo("my title");
    }

    @Test
    void editsKeptOnTheNewestVersionAreSavedOverItDeliberately() {
        long id = env.insert(1, "original");
        ItemsView view = editTitle(id);
        env.db.execute("UPDATE live_view_test.item SET notes = 'written elsewhere' WHERE id = " + id);
        env.catchUp();
        assertThat(view.form.save()).isEqualTo(SaveResult.CHANGED_ELSEWHERE);

        assertThat(view.form.keepEditsOnNewest()).isTrue();
        assertThat(view.title.getValue()).isEqualTo("my title");
        assertThat(view.form.bean().getNotes()).isEqualTo("written elsewhere");
        assertThat(view.form.save()).isEqualTo(SaveResult.SAVED);

        assertThat(column("item", id, "title")).isEqualTo("my title");
        assertThat(column("item", id, "notes")).isEqualTo("written elsewhere");
    }

    @Test
    void theRowStaysLockedFromTheCheckUntilTheWriteCommits() {
        long id = env.insert(1, "original");
        ItemsView view = editTitle(id);
        List<String> outsideWrite = new ArrayList<>();

        SaveResult result = view.form.save(item -> outsideWrite.add(tryToLock(id)));

        assertThat(outsideWrite).containsExactly("55P03"); // lock_not_available
        assertThat(result).isEqualTo(SaveResult.SAVED);
    }

    @Test
    void saveThatWaitsForAnOutsideWritersLockSeesWhatItCommitted() throws Exception {
        long id = env.insert(1, "original");
        ItemsView view = editTitle(id);
        try (Connection outside = env.db.connect(); Statement statement = outside.createStatement()) {
            outside.setAutoCommit(false);
            statement.execute("UPDATE live_view_test.item SET notes = 'committed while the save waited' "
                    + "WHERE id = " + id);
            String waitingForIt = "SELECT count(*) FROM pg_stat_activity WHERE "
                    + firstValue(statement, "SELECT pg_backend_pid()") + " = ANY(pg_blocking_pids(pid))";
            CompletableFuture<Void> commitWhenTheSaveWaits = CompletableFuture.runAsync(() -> {
                await().atMost(LiveTestEnvironment.WAIT).until(() -> !"0".equals(query(waitingForIt)));
                try {
                    outside.commit();
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });

            assertThat(view.form.save()).isEqualTo(SaveResult.CHANGED_ELSEWHERE);
            commitWhenTheSaveWaits.get(LiveTestEnvironment.WAIT.toSeconds(), TimeUnit.SECONDS);
        }
        assertThat(column("item", id, "notes")).isEqualTo("committed while the save waited");
        assertThat(column("item", id, "title")).isEqualTo("original");
    }

    @Test
    void invalidInputWritesNothingAndKeepsTheEdits() {
        long id = env.insert(1, "original");
        env.quiesce();
        ItemsView view = open(1);
        view.binder.withValidator(item -> !item.getTitle().isBlank(), "A title is needed");
        view.form.show(id);
        view.title.setValue("");

        assertThat(view.form.save()).isEqualTo(SaveResult.INVALID);
        assertThat(column("item", id, "title")).isEqualTo("original");
        assertThat(view.form.hasChanges()).isTrue();
    }

    @Test
    void aSaverThatFailsWritesNothingAndTheEditsStayUnsaved() {
        long id = env.insert(1, "original");
        ItemsView view = editTitle(id);

        assertThatThrownBy(() -> view.form.save(item -> {
            throw new IllegalStateException("the saver failed");
        })).hasMessage("the saver failed");

        assertThat(column("item", id, "title")).isEqualTo("original");
        assertThat(view.form.hasChanges()).isTrue();
        env.db.execute("UPDATE live_view_test.item SET notes = 'written elsewhere' WHERE id = " + id);
        awaitUi(() -> !view.conflicts.isEmpty()); // still an edited form: the change is not read into it
        assertThat(view.title.getValue()).isEqualTo("my title");

        assertThat(view.form.keepEditsOnNewest()).isTrue();
        assertThat(view.form.save()).isEqualTo(SaveResult.SAVED);
        assertThat(column("item", id, "title")).isEqualTo("my title");
        assertThat(column("item", id, "notes")).isEqualTo("written elsewhere");
    }

    @Test
    void saveInAPersistenceContextHoldingAnOlderCopyWritesOverTheCurrentRow() {
        long id = insertVersioned(1, "original");
        env.quiesce();
        VersionedView view = openVersioned(1);
        view.form.show(id);
        try (Session longLived = env.sessionFactory.openSession()) { // as open-session-in-view would hold it
            assertThat(longLived.find(VersionedItem.class, id).getVersion()).isZero();
            env.db.execute("UPDATE live_view_test.versioned_item SET title = 'renamed', version = 1 WHERE id = " + id);
            awaitUi(() -> view.title.getValue().equals("renamed"));
            view.title.setValue("my title");
            env.liveSync.pipeline().saveGuard().useTransactions(work -> {
                Transaction transaction = longLived.beginTransaction();
                work.accept(longLived);
                transaction.commit();
            });

            assertThat(view.form.save()).isEqualTo(SaveResult.SAVED);
        } finally {
            env.liveSync.pipeline().saveGuard().useTransactions(TransactionRunner.of(env.sessionFactory));
        }
        assertThat(column("versioned_item", id, "title")).isEqualTo("my title");
        assertThat(column("versioned_item", id, "version")).isEqualTo("2");
    }

    /** Plain SQL that bumps no version, and a writer that bumps only the version: both are changes. */
    @ParameterizedTest
    @ValueSource(strings = {"notes = 'written elsewhere'", "version = version + 1"})
    void saveOfAVersionedRowChangedElsewhereWritesNothing(String change) {
        long id = insertVersioned(1, "original");
        VersionedView view = editVersionedTitle(id);
        String before = query("SELECT row(v.*)::text FROM live_view_test.versioned_item v WHERE id = " + id);

        env.db.execute("UPDATE live_view_test.versioned_item SET " + change + " WHERE id = " + id);
        String changed = query("SELECT row(v.*)::text FROM live_view_test.versioned_item v WHERE id = " + id);
        env.catchUp();

        assertThat(view.form.save()).isEqualTo(SaveResult.CHANGED_ELSEWHERE);
        assertThat(query("SELECT row(v.*)::text FROM live_view_test.versioned_item v WHERE id = " + id))
                .isEqualTo(changed).isNotEqualTo(before);
    }

    @Test
    void saveOfAVersionedRowWritesTheEditsAndBumpsTheVersion() {
        long id = insertVersioned(1, "original");
        VersionedView view = editVersionedTitle(id);

        assertThat(view.form.save()).isEqualTo(SaveResult.SAVED);
        assertThat(column("versioned_item", id, "title")).isEqualTo("my title");
        assertThat(column("versioned_item", id, "version")).isEqualTo("1");
        assertThat(view.form.bean().getVersion()).isEqualTo(1);

        view.title.setValue("my second title");
        assertThat(view.form.save()).isEqualTo(SaveResult.SAVED);
        assertThat(column("versioned_item", id, "version")).isEqualTo("2");
    }

    private static String column(String table, long id, String column) {
        return query("SELECT " + column + "::text FROM live_view_test." + table + " WHERE id = " + id);
    }

    private static long insertVersioned(long tenant, String title) {
        return Long.parseLong(query("INSERT INTO live_view_test.versioned_item (tenant, title) VALUES ("
                + tenant + ", '" + title + "') RETURNING id"));
    }

    /** A view of tenant 1 whose form shows the row, its title edited to "my title" (not saved). */
    private static ItemsView editTitle(long id) {
        env.quiesce(); // the insert's own delivery must not count as a change made while editing
        ItemsView view = open(1);
        view.form.show(id);
        view.title.setValue("my title");
        return view;
    }

    /** As {@link #editTitle}, for a versioned row. */
    private static VersionedView editVersionedTitle(long id) {
        env.quiesce();
        VersionedView view = openVersioned(1);
        view.form.show(id);
        view.title.setValue("my title");
        return view;
    }

    /** Tries to lock the row from another connection, without waiting: the SQL state of the failure, or "locked". */
    private static String tryToLock(long id) {
        try (var c = env.db.connect(); var s = c.createStatement()) {
            s.execute("SELECT 1 FROM live_view_test.item WHERE id = " + id + " FOR UPDATE NOWAIT");
            return "locked";
        } catch (SQLException e) {
            return e.getSQLState();
        }
    }

    /** The first column of the first row of a query, as text (null: no row). */
    private static String firstValue(Statement statement, String sql) throws SQLException {
        try (ResultSet rs = statement.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        }
    }

    /** The first column of the first row of a query with plain SQL, as text. */
    private static String query(String sql) {
        try (Connection c = env.db.connect(); Statement s = c.createStatement()) {
            return firstValue(s, sql);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static VersionedView openVersioned(long tenant) {
        VersionedView view = new VersionedView(env.liveSync, tenant);
        UI.getCurrent().add(view);
        return view;
    }

    /** A form of one versioned row. */
    static final class VersionedView extends LiveSyncView<Long, VerticalLayout> {
        final Binder<VersionedItem> binder = new Binder<>(VersionedItem.class);
        final TextField title = new TextField("Title");
        final WatchedBean<VersionedItem> form;

        VersionedView(LiveSync liveSync, Long tenant) {
            super(liveSync, tenant);
            binder.forField(title).bind(VersionedItem::getTitle, VersionedItem::setTitle);
            form = watchBean(VersionedItem.class, binder);
            getContent().add(title);
        }
    }
}
