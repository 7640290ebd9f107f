package org.vaadin.addons.livesync.demo;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.vaadin.addons.livesync.demo.tasks.LoadSeed;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.AriaRole;

/**
 * The demo in headless Chromium, as people use it: alice (Acme) and bob (Globex) signed in side by
 * side while rows change with plain SQL, in the system's Chromium ({@link DemoBrowser}).
 * Every wait has a deadline ({@link #DEADLINE}) and none a fixed duration.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserEndToEndTest extends DemoTest {

    private static final String CONFLICT_NOTICE = "This record was changed by someone else while you were editing it.";

    private Playwright playwright;
    private Browser browser;

    @LocalServerPort
    int port;

    @Autowired
    LoadSeed seed;

    private final List<Long> created = new ArrayList<>();
    private Page alice;
    private Page bob;

    /** Starts Chromium and signs alice and bob in, once for all tests (signing in loads the whole client). */
    @BeforeAll
    void launchChromiumAndSignIn() {
        playwright = DemoBrowser.playwright();
        browser = DemoBrowser.launch(playwright);
        PlaywrightAssertions.setDefaultAssertionTimeout(DEADLINE.toMillis());
        awaitLive();
        alice = signIn("alice");
        bob = signIn("bob");
    }

    @AfterAll
    void closeChromium() {
        if (playwright != null) {
            playwright.close(); // and the browser with it
        }
    }

    /** Each test starts from a freshly opened board: no task open, no notification. */
    @BeforeEach
    void openBoards() {
        awaitLive();
        openBoard(alice, "Acme tasks");
        openBoard(bob, "Globex tasks");
    }

    @AfterEach
    void deleteRows() {
        created.forEach(this::deleteTask);
    }

    @Test
    void pageIsStyledWithLumoAndTheDemoStylesheet() {
        String primary = (String) alice.evaluate(
                "getComputedStyle(document.documentElement).getPropertyValue('--lumo-primary-color')");
        assertThat(primary).isNotBlank();
        Locator live = alice.locator(".live-indicator");
        assertThat(live).hasText("Live");
        assertThat(live).hasCSS("border-radius", Pattern.compile("^[1-9].*px$"));
        assertThat(alice.locator(".task-form")).hasCSS("position", "sticky");
    }

    @Test
    void rowInsertedWithSqlAppearsForItsOrganizationOnly() {
        String title = uniqueTitle("Polish the anvils");
        created.add(insertTask(1, title));
        assertThat(cell(alice, title)).isVisible();

        // committed after the Acme row: once bob sees it, he would have seen the Acme row too
        String barrier = uniqueTitle("Globex barrier");
        created.add(insertTask(2, barrier));
        assertThat(cell(bob, barrier)).isVisible();
        assertThat(cell(bob, title)).hasCount(0);
    }

    @Test
    void rowUpdatedWithSqlShowsTheNewValues() {
        String title = uniqueTitle("Count the rocket skates");
        long id = insertTask(1, title);
        created.add(id);
        assertThat(cell(alice, title)).isVisible();

        sql.sql("UPDATE task SET title = ? WHERE id = ?").params(title + " again", id).update();

        assertThat(cell(alice, title + " again")).isVisible();
        assertThat(cell(alice, title)).hasCount(0);
    }

    @Test
    void rowDeletedWithSqlDisappears() {
        String title = uniqueTitle("Return the spare catapult");
        long id = insertTask(1, title);
        created.add(id);
        assertThat(cell(alice, title)).isVisible();

        deleteTask(id);

        assertThat(cell(alice, title)).hasCount(0);
    }

    @Test
    void rowMovedToAnotherOrganizationLeavesOneBoardAndEntersTheOther() {
        String title = uniqueTitle("Hand over the blueprints");
        long id = insertTask(1, title);
        created.add(id);
        assertThat(cell(alice, title)).isVisible();

        sql.sql("UPDATE task SET organization_id = 2 WHERE id = ?").param(id).update();

        assertThat(cell(bob, title)).isVisible();
        assertThat(cell(alice, title)).hasCount(0);
    }

    @Test
    void formEditedByAliceIsNotOverwrittenByAConcurrentSqlUpdate() {
        String title = uniqueTitle("Inspect the jet bike");
        long id = insertTask(1, title);
        created.add(id);
        cell(alice, title).click();
        Locator titleField = alice.getByLabel("Title", new Page.GetByLabelOptions().setExact(true));
        assertThat(titleField).hasValue(title);

        titleField.fill("Alice's unsaved title");
        // the server knows the form is being edited once it enabled Save
        assertThat(alice.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save"))).isEnabled();

        sql.sql("UPDATE task SET title = ?, status = 'done' WHERE id = ?").params(title + " (by SQL)", id).update();

        assertThat(alice.getByText(CONFLICT_NOTICE)).isVisible();
        assertThat(cell(alice, title + " (by SQL)")).isVisible();
        assertThat(titleField).hasValue("Alice's unsaved title");
        assertThat(sql.sql("SELECT title FROM task WHERE id = ?").param(id).query(String.class).single())
                .isEqualTo(title + " (by SQL)");
    }

    @Test
    void changeOutsideTheViewportChangesTheCountAndScrollingOrFilteringShowsTheRow() {
        int before = titlesOf(1).size();
        seed.seed(before + 2_000);
        try {
            Locator count = alice.locator(".task-count");
            assertThat(count).hasText(label(before + 2_000));

            String last = uniqueTitle("zzz Far below the fold"); // sorts after every seeded "Load task ..."
            long id = insertTask(1, last);
            created.add(id);
            assertThat(count).hasText(label(before + 2_001));
            assertThat(cell(alice, last)).hasCount(0); // outside the rows the browser has

            alice.locator("vaadin-grid").evaluate("grid => grid.scrollToIndex(grid.size - 1)");
            assertThat(cell(alice, last)).isVisible();

            alice.getByRole(AriaRole.TEXTBOX, new Page.GetByRoleOptions().setName("Filter by title"))
                    .fill("zzz Far below");
            assertThat(count).hasText("1 task");
            assertThat(cell(alice, last)).isVisible();
            sql.sql("UPDATE task SET title = ? WHERE id = ?").params(last + " (renamed)", id).update();
            assertThat(cell(alice, last + " (renamed)")).isVisible();
        } finally {
            sql.sql("DELETE FROM task WHERE title LIKE ?").param(LoadSeed.TITLE_PREFIX + "%").update();
        }
    }

    /** What the browser's Grid shows at the top of its viewport. */
    private record Viewport(int firstIndex, String firstTitle, double scrollTop) {

        /** The number of a seeded title ("Load task 002500" is 2500), or -1 for another title. */
        int seededNumber() {
            return firstTitle.startsWith(LoadSeed.TITLE_PREFIX)
                    ? Integer.parseInt(firstTitle.substring(LoadSeed.TITLE_PREFIX.length()).strip().split(" ")[0]) : -1;
        }
    }

    /** The first row whose bottom is below the Grid's header, as the virtualizer lays rows out. */
    private static Viewport viewport(Page page) {
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> at = (java.util.Map<String, Object>) page.locator("vaadin-grid").evaluate("""
                grid => {
                  const top = grid.$.header.getBoundingClientRect().bottom;
                  const rows = [...grid.$.items.children].filter(r => !r.hidden && r.index !== undefined
                      && r.getBoundingClientRect().bottom > top + 1).sort((a, b) => a.index - b.index);
                  const cell = rows.length ? rows[0].querySelector('[part~="cell"]') : null;
                  return { index: rows.length ? rows[0].index : -1, scrollTop: grid.$.table.scrollTop,
                           title: cell && cell._content ? cell._content.textContent : '' };
                }""");
        return new Viewport(((Number) at.get("index")).intValue(), (String) at.get("title"),
                ((Number) at.get("scrollTop")).doubleValue());
    }

    @Test
    void aDeepScrollPositionAndTheSelectionSurviveLiveChangesAboveAndBelow() {
        int before = titlesOf(1).size();
        seed.seed(before + 5_000);
        try {
            Locator count = alice.locator(".task-count");
            assertThat(count).hasText(label(before + 5_000));
            alice.locator("vaadin-grid").evaluate("grid => grid.scrollToIndex(2500)");
            // the rows at the position are fetched, rendered, and show seeded titles
            org.awaitility.Awaitility.await().atMost(DEADLINE).until(() -> viewport(alice).seededNumber() > 2_000);
            Viewport start = viewport(alice);
            String selected = LoadSeed.TITLE_PREFIX + String.format("%06d", start.seededNumber() + 3);
            cell(alice, selected).click();
            Locator formTitle = alice.getByLabel("Title", new Page.GetByLabelOptions().setExact(true));
            assertThat(formTitle).hasValue(selected);

            // above: three inserts and a delete; below: two inserts; on screen: an update in place
            for (String suffix : List.of("a", "b", "c")) {
                created.add(insertTask(1, LoadSeed.TITLE_PREFIX + "000000 " + suffix + " " + uniqueTitle("above")));
            }
            sql.sql("DELETE FROM task WHERE organization_id = 1 AND title = ?")
                    .param(LoadSeed.TITLE_PREFIX + "000010").update();
            created.add(insertTask(1, uniqueTitle("zzz below one")));
            created.add(insertTask(1, uniqueTitle("zzz below two")));
            String onScreen = LoadSeed.TITLE_PREFIX + String.format("%06d", start.seededNumber() + 1);
            sql.sql("UPDATE task SET assignee = 'scroll-test' WHERE organization_id = 1 AND title = ?")
                    .param(onScreen).update();

            assertThat(count).hasText(label(before + 5_000 + 3 - 1 + 2));
            assertThat(cell(alice, "scroll-test")).isVisible();
            Viewport after = viewport(alice);
            org.assertj.core.api.Assertions.assertThat(after.scrollTop()).as("not back at the top").isPositive();
            org.assertj.core.api.Assertions.assertThat(after.seededNumber())
                    .as("the first visible row moved by at most the rows inserted or removed above it (from %s to %s)",
                            start, after)
                    .isBetween(start.seededNumber() - 4, start.seededNumber() + 4);
            assertThat(cell(alice, selected)).isVisible();
            assertThat(formTitle).hasValue(selected);
            org.assertj.core.api.Assertions.assertThat(alice.locator("vaadin-grid").evaluate(
                    "grid => grid.selectedItems.length")).as("rows selected").isEqualTo(1);
        } finally {
            sql.sql("DELETE FROM task WHERE title LIKE ?").param(LoadSeed.TITLE_PREFIX + "%").update();
        }
    }

    /** Also makes the README's picture: alice's board with a task open and a row that just changed. */
    @Test
    void aliceSeesChangesHighlightedWhileATaskIsOpen() throws Exception {
        String manual = "Read the complete anvil safety manual";
        cell(alice, manual).click();
        assertThat(alice.getByLabel("Notes", new Page.GetByLabelOptions().setExact(true)))
                .hasValue(Pattern.compile("^The complete anvil safety manual"));

        String title = "Order a bigger magnet"; // no random suffix: it is in the picture
        sql.sql("DELETE FROM task WHERE title = ?").param(title).update();
        long id = insertTask(1, title);
        created.add(id);
        assertThat(cell(alice, title)).isVisible();
        Locator inserted = alice.locator("vaadin-grid").locator("[part~='changed-0'], [part~='changed-1']");
        assertThat(inserted.first()).isAttached();
        // the highlight alternates between the two parts from one change to the next
        boolean first = alice.locator("vaadin-grid").locator("[part~='changed-0']").count() > 0;
        String next = first ? "changed-1" : "changed-0";
        sql.sql("UPDATE task SET status = 'in progress', assignee = 'carol' WHERE id = ?").param(id).update();

        Locator changedRow = alice.locator("vaadin-grid").locator("[part~='" + next + "']");
        assertThat(changedRow.first()).isAttached();
        Path screenshot = repositoryRoot().resolve("docs").resolve("demo.png");
        Files.createDirectories(screenshot.getParent());
        alice.screenshot(new Page.ScreenshotOptions().setPath(screenshot));
        assertThat(screenshot).isNotEmptyFile();
    }


    private Page signIn(String user) {
        return DemoBrowser.signIn(browser, url(""), user, DEADLINE);
    }

    private void openBoard(Page page, String heading) {
        page.navigate(url("/"));
        assertThat(page.locator(".board-header h2")).hasText(heading);
        assertThat(page.locator(".live-indicator")).hasText("Live");
    }

    private String url(String path) {
        return "http://localhost:" + port + path;
    }

    /** The visible Grid cell showing exactly {@code text}. */
    private static Locator cell(Page page, String text) {
        return page.locator("vaadin-grid-cell-content").filter(new Locator.FilterOptions()
                .setHasText(Pattern.compile("^" + escape(text) + "$")).setVisible(true));
    }

    /** {@code text} as a regular expression both Java and JavaScript read alike (no {@code \Q..\E}). */
    private static String escape(String text) {
        return text.replaceAll("[\\\\^$.|?*+()\\[\\]{}]", "\\\\$0");
    }

    /** The repository's root: the demo module's parent folder. */
    private static Path repositoryRoot() {
        Path module = Paths.get("").toAbsolutePath();
        return Files.exists(module.resolve("../pom.xml")) ? module.getParent() : module;
    }
}
