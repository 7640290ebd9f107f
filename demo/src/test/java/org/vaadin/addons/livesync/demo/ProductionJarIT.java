package org.vaadin.addons.livesync.demo;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Pattern;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;

/**
 * The executable jar of the production build ({@code ./mvnw -Pproduction -pl demo -am verify}),
 * started as a user starts it: {@code java -jar target/livesync-demo-<version>.jar} in a process of
 * its own, on a free {@code SERVER_PORT}, with its embedded PostgreSQL. Alice signs in in headless
 * Chromium and sees a row inserted with plain SQL appear; the process is stopped at the end, always,
 * and its database with it.
 * <p>
 * Runs in the production profile's {@code integration-test} phase (Failsafe), after the jar is
 * built; the jar's path comes in as {@code -Dlivesync.demo.jar}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(600)
class ProductionJarIT {

    /** Startup on a busy 2-core machine took 36 s; a deadline, not an expectation. */
    private static final Duration STARTUP_DEADLINE = Duration.ofMinutes(4);
    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final Pattern JDBC_URL = Pattern.compile("JDBC URL: (jdbc:postgresql://\\S+)");

    private DemoProcess demo;
    private Playwright playwright;
    private Browser browser;

    @BeforeAll
    void startTheJar() throws Exception {
        Path jar = Paths.get(System.getProperty("livesync.demo.jar", "target/livesync-demo.jar"));
        assertThat(jar).as("the production build's executable jar (run the production profile's verify)").isRegularFile();
        playwright = DemoBrowser.playwright();
        browser = DemoBrowser.launch(playwright);
        PlaywrightAssertions.setDefaultAssertionTimeout(DEADLINE.toMillis());
        demo = DemoProcess.start(jar, jar.resolveSibling("production-jar.log"), STARTUP_DEADLINE);
    }

    @AfterAll
    void stopTheJar() throws Exception {
        try {
            if (playwright != null) {
                playwright.close();
            }
        } finally {
            if (demo != null) {
                demo.close();
                assertThat(demo.isAlive()).as("the demo process after it was stopped").isFalse();
            }
        }
    }

    @Test
    void runsInProductionMode() {
        assertThat(demo.log()).contains("Vaadin is running in production mode.");
    }

    @Test
    void aliceSignsInAndSeesARowInsertedWithSqlAppear() throws Exception {
        Page alice = DemoBrowser.signIn(browser, demo.baseUrl(), "alice", DEADLINE);
        assertThat(alice.locator(".board-header h2")).hasText("Acme tasks");
        assertThat(alice.locator(".live-indicator")).hasText("Live");

        String title = "Ship the production jar " + UUID.randomUUID().toString().substring(0, 8);
        insertTask(demo.logged(JDBC_URL), 1, title);

        assertThat(alice.locator("vaadin-grid-cell-content").filter(new Locator.FilterOptions()
                .setHasText(title).setVisible(true))).isVisible();
    }

    /** A plain-SQL insert into the jar's embedded database (user postgres, no password, as its log says). */
    private static void insertTask(String jdbcUrl, long organization, String title) throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, "postgres", null);
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO task (organization_id, title) VALUES (?, ?)")) {
            insert.setLong(1, organization);
            insert.setString(2, title);
            insert.executeUpdate();
        }
    }
}
