package org.vaadin.addons.livesync.demo;

import static com.github.mvysny.kaributesting.v10.LocatorJ._assertNone;
import static com.github.mvysny.kaributesting.v10.LocatorJ._get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import org.springframework.security.access.AccessDeniedException;
import org.vaadin.addons.livesync.CaptureState;
import org.vaadin.addons.livesync.LiveState;
import org.vaadin.addons.livesync.PreflightProblem;
import org.vaadin.addons.livesync.demo.security.DemoUsers;
import org.vaadin.addons.livesync.demo.security.LoginView;
import org.vaadin.addons.livesync.demo.tasks.LoadSeed;
import org.vaadin.addons.livesync.demo.tasks.Task;
import org.vaadin.addons.livesync.demo.tasks.TasksView;
import org.vaadin.addons.livesync.demo.writer.OutsideWriter;
import org.vaadin.addons.livesync.testing.KaribuSecurity;
import org.vaadin.addons.livesync.testing.LiveSyncTesting;
import org.vaadin.addons.livesync.testing.SpringKaribu;

import com.github.mvysny.kaributesting.v10.ButtonKt;
import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.github.mvysny.kaributesting.v10.NotificationsKt;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.combobox.ComboBox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridSortOrder;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.login.LoginForm;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.provider.DataCommunicator;
import com.vaadin.flow.data.provider.SortDirection;

/**
 * The task board without a browser (Karibu-Testing on the demo's Spring context): what it shows,
 * how it follows plain-SQL writes, and how the form behaves when the row changes under it.
 */
class TasksViewTest extends DemoTest {

    @Autowired
    ApplicationContext context;

    @Autowired
    OutsideWriter writer;

    /** How many rows the tests' "browser window" asks the Grid for: more than the organizations have. */
    private static final int VIEWPORT = 100;

    private final List<Long> created = new ArrayList<>();

    @BeforeEach
    void live() {
        awaitLive();
    }

    @AfterEach
    void cleanUp() {
        SpringKaribu.tearDown();
        KaribuSecurity.signIn("operator", "USER", "OPERATOR"); // only the operator may stop it
        try {
            writer.stop();
        } finally {
            KaribuSecurity.signOut();
        }
        created.forEach(this::deleteTask);
    }

    @Test
    void anonymousVisitorIsSentToTheLoginView() {
        SpringKaribu.setup(context, DemoApplication.class.getPackageName());
        UI.getCurrent().navigate("");
        assertThat(UI.getCurrent().getCurrentView()).isInstanceOf(LoginView.class);
        _get(LoginForm.class);
    }

    @Test
    void boardShowsTheOrganizationsTasksSortedByTitle() {
        openBoardAs("alice");
        assertThat(titlesShown()).isEqualTo(sorted(titlesOf(1)));
        assertThat(titlesShown()).doesNotContainAnyElementsOf(titlesOf(2));
    }

    @Test
    void rowInsertedWithSqlAppearsOnlyForItsOrganization() {
        openBoardAs("bob");
        String acmeTitle = uniqueTitle("Acme only");
        String globexTitle = uniqueTitle("Globex news");
        created.add(insertTask(1, acmeTitle));
        created.add(insertTask(2, globexTitle));
        // committed after the Acme row: once it shows, the Acme row would have shown too
        whenApplied(() -> assertThat(titlesShown()).contains(globexTitle));
        assertThat(titlesShown()).doesNotContain(acmeTitle);
        assertThat(titlesShown()).isEqualTo(sorted(titlesOf(2)));
    }

    @Test
    void updateDeleteAndMoveShowAtOnce() {
        openBoardAs("alice");
        String title = uniqueTitle("Water the cactus");
        long id = insertTask(1, title);
        created.add(id);
        whenApplied(() -> assertThat(titlesShown()).contains(title));

        sql.sql("UPDATE task SET title = ? WHERE id = ?").params(title + " twice", id).update();
        whenApplied(() -> assertThat(titlesShown()).contains(title + " twice").doesNotContain(title));
        Task changed = shown().stream().filter(t -> t.getId() == id).findFirst().orElseThrow();
        assertThat(grid().getPartNameGenerator().apply(changed)).startsWith("changed-");
        assertThat(shown().stream().filter(t -> t.getId() != id).map(grid().getPartNameGenerator()))
                .containsOnlyNulls();

        sql.sql("UPDATE task SET organization_id = 2 WHERE id = ?").param(id).update();
        whenApplied(() -> assertThat(titlesShown()).doesNotContain(title + " twice"));

        String other = uniqueTitle("Feed the roadrunner");
        long otherId = insertTask(1, other);
        created.add(otherId);
        whenApplied(() -> assertThat(titlesShown()).contains(other));
        deleteTask(otherId);
        whenApplied(() -> assertThat(titlesShown()).doesNotContain(other));
    }

    @Test
    void rowInsertedAndRemovedBeforeTheUiCatchesUpNeverStays() {
        openBoardAs("alice");
        String deleted = uniqueTitle("Gone at once");
        String moved = uniqueTitle("Moved at once");
        long deletedId = insertTask(1, deleted);
        long movedId = insertTask(1, moved);
        created.add(movedId);
        // both inserts are on their way to the view, which has not applied them (no UI.access ran)
        await().atMost(DEADLINE).until(() -> liveSync.metrics().pendingOperations() >= 2);
        deleteTask(deletedId);
        sql.sql("UPDATE task SET organization_id = 2 WHERE id = ?").param(movedId).update();
        String barrier = uniqueTitle("Barrier");
        created.add(insertTask(1, barrier));
        whenApplied(() -> assertThat(titlesShown()).contains(barrier));
        assertThat(titlesShown()).doesNotContain(deleted, moved).isEqualTo(sorted(titlesOf(1)));
    }

    @Test
    void truncateEmptiesTheBoardAndRestoredRowsComeBack() {
        openBoardAs("alice");
        assertThat(shown()).isNotEmpty();
        String backup = "task_backup_" + Long.toHexString(System.nanoTime());
        sql.sql("CREATE TABLE " + backup + " AS SELECT * FROM task").update();
        try {
            sql.sql("TRUNCATE task").update();
            whenApplied(() -> assertThat(shown()).isEmpty());
            sql.sql("INSERT INTO task SELECT * FROM " + backup).update();
        } finally {
            sql.sql("DROP TABLE " + backup).update();
        }
        whenApplied(() -> assertThat(titlesShown()).isNotEmpty().isEqualTo(sorted(titlesOf(1))));
    }

    @Test
    void hideDoneTasksFiltersTheBoard() {
        openBoardAs("alice");
        int all = shown().size();
        assertThat(shown()).anyMatch(Task::isDone);
        _get(Checkbox.class, spec -> spec.withLabel("Hide done tasks")).setValue(true);
        assertThat(shown()).isNotEmpty().noneMatch(Task::isDone);
        _get(Checkbox.class, spec -> spec.withLabel("Hide done tasks")).setValue(false);
        assertThat(shown()).hasSize(all);
    }

    @Test
    void savedFormGoesToTheDatabaseAndComesBack() {
        openBoardAs("carol");
        String title = uniqueTitle("Sharpen the pencils");
        long id = insertTask(1, title);
        created.add(id);
        whenApplied(() -> assertThat(titlesShown()).contains(title));

        select(id);
        TextField titleField = _get(TextField.class, spec -> spec.withLabel("Title"));
        assertThat(titleField.getValue()).isEqualTo(title);
        titleField.setValue(title + " (sharp)");
        ButtonKt._click(_get(Button.class, spec -> spec.withText("Save")));

        assertThat(sql.sql("SELECT title FROM task WHERE id = ?").param(id).query(String.class).single())
                .isEqualTo(title + " (sharp)");
        whenApplied(() -> assertThat(titlesShown()).contains(title + " (sharp)").doesNotContain(title));
        assertThat(titleField.getValue()).isEqualTo(title + " (sharp)");
    }

    @Test
    void statusOutsideTheUsualOnesIsShownAsItIs() {
        openBoardAs("alice");
        String title = uniqueTitle("Wait for the delivery");
        long id = sql.sql("INSERT INTO task (organization_id, title, status) VALUES (1, ?, 'blocked') RETURNING id")
                .param(title).query(Long.class).single();
        created.add(id);
        whenApplied(() -> assertThat(titlesShown()).contains(title));
        select(id);
        assertThat(_get(ComboBox.class, spec -> spec.withLabel("Status")).getValue()).isEqualTo("blocked");
    }

    @Test
    void changeMadeElsewhereWhileEditingShowsANoticeAndOverwritesNothing() {
        openBoardAs("alice");
        String title = uniqueTitle("Count the anvils");
        long id = insertTask(1, title);
        created.add(id);
        whenApplied(() -> assertThat(titlesShown()).contains(title));
        select(id);
        assertThat(_get(H3.class).getText()).isEqualTo("Task: " + title);
        TextField titleField = _get(TextField.class, spec -> spec.withLabel("Title"));
        titleField.setValue("My unsaved title");

        sql.sql("UPDATE task SET title = ?, status = 'done' WHERE id = ?").params(title + " (recounted)", id).update();

        whenApplied(() -> assertThat(NotificationsKt.getNotifications())
                .anyMatch(n -> n.hasClassName("livesync-conflict")));
        assertThat(titleField.getValue()).isEqualTo("My unsaved title");
        assertThat(titlesShown()).contains(title + " (recounted)");
        assertThat(_get(H3.class).getText()).as("the heading follows the saved task (WatchedBean.signal())")
                .isEqualTo("Task: " + title + " (recounted)");
        assertThat(sql.sql("SELECT title FROM task WHERE id = ?").param(id).query(String.class).single())
                .isEqualTo(title + " (recounted)");
    }

    @Test
    void saveAfterAnOutsideChangeOfTheNotesKeepsThemAndWritesNothing() {
        openBoardAs("alice");
        String title = uniqueTitle("Paint the tunnel");
        long id = insertTask(1, title);
        created.add(id);
        whenApplied(() -> assertThat(titlesShown()).contains(title));
        select(id);
        TextField titleField = _get(TextField.class, spec -> spec.withLabel("Title"));
        titleField.setValue(title + " (my edit)");

        sql.sql("UPDATE task SET notes = 'Use the blue paint' WHERE id = ?").param(id).update();
        whenApplied(() -> assertThat(NotificationsKt.getNotifications())
                .anyMatch(n -> n.hasClassName("livesync-conflict")));
        ButtonKt._click(_get(Button.class, spec -> spec.withText("Save")));

        assertThat(sql.sql("SELECT notes FROM task WHERE id = ?").param(id).query(String.class).single())
                .isEqualTo("Use the blue paint");
        assertThat(sql.sql("SELECT title FROM task WHERE id = ?").param(id).query(String.class).single())
                .isEqualTo(title);
        assertThat(titleField.getValue()).isEqualTo(title + " (my edit)");
        assertThat(NotificationsKt.getNotifications()).anyMatch(n -> n.hasClassName("livesync-save-conflict"));

        // alice puts her edit on top of the newest version and saves it deliberately
        ButtonKt._click(_get(Button.class, spec -> spec.withText("Apply my edits to newest")));
        assertThat(_get(TextArea.class, spec -> spec.withLabel("Notes")).getValue()).isEqualTo("Use the blue paint");
        ButtonKt._click(_get(Button.class, spec -> spec.withText("Save")));
        assertThat(sql.sql("SELECT title || ' / ' || notes FROM task WHERE id = ?").param(id).query(String.class)
                .single()).isEqualTo(title + " (my edit) / Use the blue paint");
    }

    @Test
    void taskDeletedWhileOpenClearsTheForm() {
        openBoardAs("alice");
        String title = uniqueTitle("Oil the catapult");
        long id = insertTask(1, title);
        created.add(id);
        whenApplied(() -> assertThat(titlesShown()).contains(title));
        select(id);
        TextField titleField = _get(TextField.class, spec -> spec.withLabel("Title"));
        assertThat(titleField.getValue()).isEqualTo(title);

        deleteTask(id);

        whenApplied(() -> assertThat(titleField.getValue()).isEmpty());
        assertThat(titlesShown()).doesNotContain(title);
        assertThat(NotificationsKt.getNotifications()).extracting(Notification::isOpened).contains(true);
    }

    @Test
    void boardEqualsTheDatabaseAfterABurstOfOutsideWrites() {
        openBoardAs("operator"); // organization 1, like alice; only the operator may start the writer
        long before = writer.writes();
        writer.start(100);
        await().atMost(DEADLINE).until(() -> writer.writes() >= before + 60);
        writer.stop();
        // a write in progress may still commit after stop() returned: wait again until the board matches
        await().atMost(DEADLINE).pollInSameThread()
                .untilAsserted(() -> whenApplied(() -> assertThat(titlesShown()).isEqualTo(sorted(titlesOf(1)))));
        sql.sql("DELETE FROM task WHERE title LIKE ?").param(OutsideWriter.TITLE_PREFIX + "%").update();
        whenApplied(() -> assertThat(titlesShown()).isEqualTo(sorted(titlesOf(1))));
    }

    @Test
    void filterShowsTheTasksWhoseTitleContainsTheTextAndStaysLive() {
        openBoardAs("alice");
        String percent = uniqueTitle("Raise the prices by 100%");
        created.add(insertTask(1, percent));
        created.add(insertTask(1, uniqueTitle("Raise the prices by 1000")));
        awaitUi(() -> assertThat(titlesShown()).contains(percent));

        filter("ANVIL");
        assertThat(titlesShown()).isNotEmpty().isEqualTo(titlesInOrder(
                "SELECT title FROM task WHERE organization_id = 1 AND title ILIKE '%anvil%' "
                        + "ORDER BY lower(title), id"));
        assertThat(countShown()).isEqualTo(label(titlesShown().size()));
        String matching = uniqueTitle("Weigh the anvils");
        String other = uniqueTitle("Weigh the magnets");
        created.add(insertTask(1, other));
        created.add(insertTask(1, matching));
        awaitUi(() -> assertThat(titlesShown()).contains(matching));
        assertThat(titlesShown()).doesNotContain(other);

        filter("100%"); // % and _ match themselves
        assertThat(titlesShown()).containsExactly(percent);
        assertThat(countShown()).isEqualTo("1 task");
        filter("");
        assertThat(titlesShown()).isEqualTo(sorted(titlesOf(1)));
    }

    @Test
    void sortingByAColumnHeaderOrdersTheBoardByItThenByTitle() {
        openBoardAs("alice");
        Grid<Task> grid = grid();
        grid.sort(List.of(new GridSortOrder<>(grid.getColumnByKey("status"), SortDirection.DESCENDING)));
        assertThat(titlesShown()).isEqualTo(titlesInOrder(
                "SELECT title FROM task WHERE organization_id = 1 ORDER BY status DESC, lower(title), id"));

        String title = uniqueTitle("Zap the gremlins");
        long id = sql.sql("INSERT INTO task (organization_id, title, status) VALUES (1, ?, 'zzz') RETURNING id")
                .param(title).query(Long.class).single();
        created.add(id);
        awaitUi(() -> assertThat(titlesShown()).first().isEqualTo(title)); // the highest status comes first
        sql.sql("UPDATE task SET status = 'aaa' WHERE id = ?").param(id).update();
        awaitUi(() -> assertThat(titlesShown()).last().isEqualTo(title)); // a change of the sorted column moves it
    }

    @Test
    void changesOutsideTheViewportOfALargeBoardKeepItsCountRight() {
        LoadSeed seed = context.getBean(LoadSeed.class);
        int before = titlesOf(1).size();
        int seeded = seed.seed(before + 3_000);
        try {
            assertThat(seeded).isEqualTo(3_000);
            openBoardAs("alice");
            int total = before + seeded;
            assertThat(countShown()).isEqualTo(label(total));
            List<String> firstRows = titlesShown();
            assertThat(firstRows).hasSize(VIEWPORT);

            String last = uniqueTitle("zzz After every other task"); // sorts after the seeded "Load task ..."
            long lastId = insertTask(1, last);
            created.add(lastId);
            awaitUi(() -> assertThat(countShown()).isEqualTo(label(total + 1)));
            assertThat(titlesShown()).isEqualTo(firstRows);

            // deleted and moved rows that no browser has loaded (the WAL carries their organization)
            deleteTask(seededId(2_000));
            awaitUi(() -> assertThat(countShown()).isEqualTo(label(total)));
            sql.sql("UPDATE task SET organization_id = 2 WHERE id = ?").param(seededId(2_500)).update();
            awaitUi(() -> assertThat(countShown()).isEqualTo(label(total - 1)));
            assertThat(titlesShown()).isEqualTo(firstRows);

            filter("zzz After every");
            assertThat(titlesShown()).containsExactly(last);
            assertThat(countShown()).isEqualTo("1 task");
        } finally {
            sql.sql("DELETE FROM task WHERE title LIKE ?").param(LoadSeed.TITLE_PREFIX + "%").update();
        }
    }

    @Test
    void titlesSortCharacterByCharacterAlsoOnADatabaseWhoseCollationIgnoresPunctuation() {
        // like glibc's en_US.UTF-8, the default of many servers and of the embedded one on many laptops
        sql.sql("CREATE COLLATION IF NOT EXISTS demo_test_punctuation_ignored (provider = icu, locale = 'en-u-ka-shifted')")
                .update();
        sql.sql("ALTER TABLE task ALTER COLUMN title TYPE text COLLATE demo_test_punctuation_ignored").update();
        try {
            String exclaimed = uniqueTitle("!!Ring the bell"); // the contract: a title "!!..." is in the first rows
            created.add(insertTask(1, exclaimed));
            openBoardAs("alice");
            assertThat(titlesShown()).first().isEqualTo(exclaimed);
            assertThat(titlesShown()).isEqualTo(sorted(titlesOf(1)));
        } finally {
            sql.sql("ALTER TABLE task ALTER COLUMN title TYPE text COLLATE \"default\"").update();
        }
    }

    @Test
    void liveIndicatorFollowsTheStateSignalAndShowsLiveWhileStreaming() {
        openBoardAs("alice");
        // views of an earlier test (their sessions closing) may still be reloading after its stream
        // break: "Resyncing…" meanwhile is right; a count that never falls back (ResyncCountRaceTest) is not
        awaitUi(() -> {
            Span indicator = _get(Span.class, spec -> spec.withClasses("live-indicator"));
            assertThat(indicator.getText()).isEqualTo("Live");
            assertThat(indicator.getElement().getAttribute("data-state")).isEqualTo("streaming");
        });
    }

    @Test
    void aRegularUserHasNoOutsideWriterSwitch() {
        openBoardAs("alice");
        _assertNone(Checkbox.class, spec -> spec.withLabel("Outside writer"));
        _assertNone(HorizontalLayout.class, spec -> spec.withClasses("writer-toggle"));
    }

    @Test
    void theServerRefusesToStartOrStopTheOutsideWriterForARegularUser() {
        openBoardAs("alice");
        assertThatThrownBy(() -> writer.start(5)).isInstanceOf(AccessDeniedException.class);
        assertThat(writer.isRunning()).isFalse();

        KaribuSecurity.signIn(new DemoUsers().loadUserByUsername("operator"));
        writer.start(1);
        KaribuSecurity.signIn(new DemoUsers().loadUserByUsername("alice"));
        assertThatThrownBy(writer::stop).isInstanceOf(AccessDeniedException.class);
        assertThat(writer.isRunning()).isTrue();
    }

    @Test
    void theOperatorStartsAndStopsTheOutsideWriterWithTheSwitch() {
        openBoardAs("operator");
        assertThat(_get(H2.class).getText()).isEqualTo("Acme tasks");
        Checkbox on = _get(Checkbox.class, spec -> spec.withLabel("Outside writer"));
        on.setValue(true);
        assertThat(writer.isRunning()).isTrue();
        on.setValue(false);
        assertThat(writer.isRunning()).isFalse();
    }

    @Test
    void aRegularUsersIndicatorTellsNothingOfOtherOrganizationsCommits() {
        openBoardAs("alice");
        // Globex commits until alice's session knows of one (its state signal takes new figures at most
        // every 5 s): from then on her badge could show when another organization last committed
        Instant start = Instant.now();
        await().atMost(DEADLINE).pollInSameThread().pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            created.add(insertTask(2, uniqueTitle("Globex only")));
            MockVaadin.clientRoundtrip(false);
            assertThat(liveSync.stateSignal().peek().lastCommitTime()).isAfter(start);
        });
        assertThat(indicator().getText()).isEqualTo("Live");
        assertThat(indicator().getTitle()).hasValue("Committed changes appear at once");
    }

    @Test
    void onlyTheOperatorsIndicatorSaysWhyChangesDoNotFlow() {
        sql.sql("ALTER PUBLICATION livesync RENAME TO livesync_away").update();
        try {
            killWalsender(); // it reconnects, and its preflight finds no publication
            await().atMost(DEADLINE).until(() -> liveSync.liveState().status() == CaptureState.NOT_READY);

            openBoardAs("alice");
            List<String> problems = new ArrayList<>();
            awaitUi(() -> {
                LiveState state = liveSync.stateSignal().peek();
                assertThat(state.problems()).isNotEmpty();
                assertThat(indicator().getElement().getAttribute("data-state")).isNotEqualTo("streaming");
                problems.addAll(state.problems().stream().map(PreflightProblem::message).toList());
            });
            assertThat(indicator().getTitle()).hasValue("Live updates resume by themselves");
            assertThat(indicator().getText()).isEqualTo("Reconnecting…");
            SpringKaribu.tearDown();

            openBoardAs("operator");
            awaitUi(() -> assertThat(indicator().getTitle()).hasValueSatisfying(
                    title -> assertThat(title).contains(problems.getFirst())));
            assertThat(indicator().getText()).isEqualTo("Database not ready");
        } finally {
            sql.sql("ALTER PUBLICATION livesync_away RENAME TO livesync").update();
        }
        awaitLive();
    }

    /** Ends the stream's connection, if it still has one (it ends itself at the next change it cannot decode). */
    private void killWalsender() {
        sql.sql("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = ? AND active")
                .param(liveSync.settings().slotName()).query(Boolean.class).list();
    }

    private static Span indicator() {
        return _get(Span.class, spec -> spec.withClasses("live-indicator"));
    }

    private void openBoardAs(String user) {
        KaribuSecurity.signIn(new DemoUsers().loadUserByUsername(user));
        SpringKaribu.setup(context, DemoApplication.class.getPackageName());
        UI.getCurrent().navigate("");
        assertThat(UI.getCurrent().getCurrentView()).isInstanceOf(TasksView.class);
        grid().getDataCommunicator().setViewportRange(0, VIEWPORT); // what a browser window asks for
        MockVaadin.clientRoundtrip(false);
    }

    @SuppressWarnings("unchecked")
    private static Grid<Task> grid() {
        return _get(Grid.class);
    }

    /** The rows the Grid has sent to the browser for the first {@value #VIEWPORT} rows, in order. */
    private static List<Task> shown() {
        MockVaadin.clientRoundtrip(false); // the Grid fetches what changed and sends it
        DataCommunicator<Task> rows = grid().getDataCommunicator();
        return IntStream.range(0, Math.min(VIEWPORT, rows.getItemCount())).mapToObj(rows::getItem).toList();
    }

    private static List<String> titlesShown() {
        return shown().stream().map(Task::getTitle).toList();
    }

    /** The count label's text. */
    private static String countShown() {
        return _get(Span.class, spec -> spec.withClasses("task-count")).getText();
    }

    private static void select(long id) {
        Grid<Task> grid = grid();
        grid.select(shown().stream().filter(t -> t.getId() == id).findFirst().orElseThrow());
    }

    private List<String> titlesInOrder(String query) {
        return sql.sql(query).query(String.class).list();
    }

    private long seededId(int number) {
        return sql.sql("SELECT id FROM task WHERE title = ?")
                .param(String.format("%s%06d", LoadSeed.TITLE_PREFIX, number))
                .query(Long.class).single();
    }

    private static void filter(String text) {
        _get(TextField.class, spec -> spec.withClasses("title-filter")).setValue(text);
    }


    private static List<String> sorted(List<String> titles) {
        return titles.stream().sorted(String.CASE_INSENSITIVE_ORDER).toList();
    }

    // Karibu's _setValue does not work with Vaadin 25.2 (it reflects on an AbstractFieldSupport.setValue
    // signature that changed), so fields are set with setValue: the Binder counts that as a change too.

    /**
     * Waits until the views applied everything committed so far (the test kit's wait, which runs this
     * UI's pending {@code UI.access} tasks), then checks {@code assertion} — through {@link #awaitUi},
     * because the board is a lazy Grid: a refresh that comes within its refresh window of the one
     * before runs at the window's end, which the kit's wait does not count.
     */
    private void whenApplied(Runnable assertion) {
        LiveSyncTesting.awaitApplied(liveSync, DEADLINE);
        awaitUi(assertion);
    }

    /**
     * For the lazy board: runs the UI's pending {@code UI.access} tasks and a client round trip (in
     * which the Grid fetches its range again) until {@code assertion} holds, to the deadline. A lazy
     * Grid's refresh waits for its refresh window, which the kit's wait does not count.
     */
    private static void awaitUi(Runnable assertion) {
        await().atMost(DEADLINE).pollInSameThread().untilAsserted(() -> {
            MockVaadin.clientRoundtrip(false);
            assertion.run();
        });
    }

}
