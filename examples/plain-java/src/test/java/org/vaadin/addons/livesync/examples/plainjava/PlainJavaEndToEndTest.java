package org.vaadin.addons.livesync.examples.plainjava;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.vaadin.addons.livesync.CaptureState;
import org.vaadin.addons.livesync.LiveSync;
import org.vaadin.addons.livesync.testdb.TestDatabase;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;

/**
 * The plain-Java example end to end, with no Spring anywhere: {@link PlainJavaServer} (an embedded
 * Tomcat that finds {@link TasksServlet} and {@link LiveSyncListener} as a container finds them in a
 * WAR) on a database of its own on the test server ({@link TestDatabase}), the page in the system's
 * headless Chromium ({@code /usr/bin/chromium} or {@code -Dlivesync.chromium=...}; Playwright never
 * downloads one), rows written with plain SQL. Every wait has a deadline.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(300)
class PlainJavaEndToEndTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private TestDatabase db;
    private PlainJavaServer server;
    private Playwright playwright;
    private Page page;

    @BeforeAll
    void startTheApplicationAndOpenIt() {
        String chromium = System.getProperty("livesync.chromium", "/usr/bin/chromium");
        assumeTrue(Files.isExecutable(Path.of(chromium)), "Skipping: no Chromium at " + chromium
                + " (install it with `apt-get install -y chromium`, or name one with -Dlivesync.chromium=...)");
        db = TestDatabase.get().freshDatabase("livesync_example_plain_java");
        server = PlainJavaServer.start(0, db.jdbcUrl(), db.user(), db.password());
        await().atMost(DEADLINE).until(() -> server.liveSync().liveState().isLive()); // writes before the stream is ready are not seen

        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(Path.of(chromium)).setArgs(List.of("--headless", "--no-sandbox", "--disable-gpu")));
        PlaywrightAssertions.setDefaultAssertionTimeout(DEADLINE.toMillis());
        page = browser.newPage();
        page.setDefaultTimeout(DEADLINE.toMillis());
        page.navigate("http://localhost:" + server.port() + "/");
        assertThat(page.locator("h2")).hasText("Tasks of organization 1");
    }

    @AfterAll
    void closeEverything() {
        try {
            if (playwright != null) {
                playwright.close();
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    @Test
    @Order(1)
    void rowInsertedWithSqlAppearsAndAnotherOrganizationsRowDoesNot() {
        String title = unique("Plain Java, plain SQL");
        String foreign = unique("Another organization's task");
        insert(2, foreign);
        insert(1, title);

        assertThat(cell(title)).isVisible();
        assertThat(cell(foreign)).hasCount(0); // committed before the row that is visible now
    }

    @Test
    @Order(2)
    void rowUpdatedWithSqlShowsItsNewTitle() {
        String title = unique("Before");
        insert(1, title);
        assertThat(cell(title)).isVisible();

        sql("UPDATE task SET title = ? WHERE title = ?", title + " after", title);

        assertThat(cell(title + " after")).isVisible();
        assertThat(cell(title)).hasCount(0);
    }

    /** Last: stopping the web application runs the listener's contextDestroyed, which stops LiveSync. */
    @Test
    @Order(3)
    void stoppingTheApplicationStopsLiveSyncAndDropsItsSlot() {
        LiveSync liveSync = server.liveSync();
        String slot = liveSync.settings().slotName();
        assertThat(slotCount(slot)).isEqualTo(1);

        server.close();

        assertThat(liveSync.liveState().status()).isEqualTo(CaptureState.STOPPED);
        await().atMost(DEADLINE).until(() -> slotCount(slot) == 0); // a temporary slot goes with its connection
    }

    private void insert(long organization, String title) {
        sql("INSERT INTO task (organization_id, title) VALUES (?, ?)", organization, title);
    }

    /** Runs one statement in autocommit, as an outside writer would. */
    private void sql(String statement, Object... parameters) {
        try (Connection connection = db.connect(); PreparedStatement update = connection.prepareStatement(statement)) {
            for (int i = 0; i < parameters.length; i++) {
                update.setObject(i + 1, parameters[i]);
            }
            update.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(statement + ": " + e.getMessage(), e);
        }
    }

    private long slotCount(String slot) {
        try (Connection connection = db.connect();
             PreparedStatement query = connection.prepareStatement(
                     "SELECT count(*) FROM pg_replication_slots WHERE slot_name = ?")) {
            query.setString(1, slot);
            try (ResultSet rows = query.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private Locator cell(String text) {
        return page.locator("vaadin-grid-cell-content").filter(new Locator.FilterOptions()
                .setHasText(Pattern.compile("^" + text.replaceAll("[\\\\^$.|?*+()\\[\\]{}]", "\\\\$0") + "$")).setVisible(true));
    }

    private static String unique(String what) {
        return what + " " + UUID.randomUUID().toString().substring(0, 8);
    }
}
