package org.vaadin.addons.livesync.demo;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;

/**
 * The demo in the system's headless Chromium ({@code /usr/bin/chromium}, or the executable named by
 * {@code -Dlivesync.chromium=...}), driven by Playwright, which never downloads a browser: launching
 * it, and signing in. Skips the calling test when there is no Chromium.
 */
final class DemoBrowser {

    private static final List<String> ARGS = List.of("--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run");

    private DemoBrowser() {
    }

    /**
     * Launches Chromium through {@code playwright} (closing the Playwright closes the browser).
     * Skips the test (a JUnit assumption) when no Chromium executable is found.
     */
    static Browser launch(Playwright playwright) {
        return playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(executable()).setArgs(ARGS));
    }

    /** A Playwright that never downloads a browser; skips the test when no Chromium is installed. */
    static Playwright playwright() {
        executable();
        return Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
    }

    /**
     * Signs {@code user} (password = user name) in at the demo under {@code baseUrl} in a browser
     * context of its own and returns the page once it shows the board; every wait of that context
     * has {@code deadline}.
     */
    static Page signIn(Browser browser, String baseUrl, String user, Duration deadline) {
        BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1400, 900));
        context.setDefaultTimeout(deadline.toMillis());
        Page page = context.newPage();
        page.navigate(baseUrl + "/login");
        page.locator("input[name=username]").fill(user);
        page.locator("input[name=password]").fill(user);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
        assertThat(page.locator(".board-header h2")).isVisible();
        return page;
    }

    private static Path executable() {
        Optional<Path> chromium = find();
        assumeTrue(chromium.isPresent(), "Skipping the browser tests: no Chromium executable found (install it with "
                + "`apt-get install -y chromium`, or name one with -Dlivesync.chromium=/path/to/chromium)");
        return chromium.get();
    }

    private static Optional<Path> find() {
        String configured = System.getProperty("livesync.chromium");
        Stream<String> candidates = configured != null ? Stream.of(configured)
                : Stream.of("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome");
        return candidates.map(Paths::get).filter(Files::isExecutable).findFirst();
    }
}
