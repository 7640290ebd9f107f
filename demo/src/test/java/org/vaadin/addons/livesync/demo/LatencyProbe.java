package org.vaadin.addons.livesync.demo;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;

/**
 * Measures a running demo by hand, in headless Chromium (not a test: it asserts nothing and no build
 * runs it): the time from pressing "Log in" as alice to the first rendered Grid rows, and commit →
 * DOM for inserts, updates, deletes and moves of rows in the first rows and of rows outside the
 * viewport (whose only sign is the count label). Start the demo with many rows first:
 *
 * <pre>
 * ./mvnw -pl demo -am spring-boot:run -Dspring-boot.run.arguments=--livesync.demo.seed-rows=100000
 * java -cp demo/target/test-classes:$(cat demo.cp) org.vaadin.addons.livesync.demo.LatencyProbe \
 *     http://localhost:8080 jdbc:postgresql://localhost:PORT/postgres postgres "" [samples]
 * </pre>
 *
 * The times of the page are {@code performance.timeOrigin + now()}, this JVM's are {@link Instant}s:
 * both read the machine's wall clock, and their offset is measured and subtracted. Each change is
 * timed from the moment the statement is sent (autocommit) until a {@code MutationObserver} sees the
 * expected DOM.
 */
public final class LatencyProbe {

    private static final List<String> CHROMIUM_ARGS = List.of("--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run");
    private static final List<String> HEADERS = List.of("Title", "Status", "Assignee", "Updated");

    /** Records when the condition in {@code window.__cond} first holds in the DOM. */
    private static final String OBSERVER = """
            () => {
              window.__cond = null;
              window.__hit = null;
              const grid = document.querySelector('vaadin-grid');
              const texts = () => Array.from(grid.querySelectorAll('vaadin-grid-cell-content'), c => c.textContent);
              const check = () => {
                const c = window.__cond;
                if (c === null || window.__hit !== null) return;
                const ok = c.kind === 'present' ? texts().includes(c.text)
                    : c.kind === 'absent' ? !texts().includes(c.text)
                    : document.querySelector('.task-count').textContent === c.text;
                if (ok) window.__hit = performance.timeOrigin + performance.now();
              };
              window.__check = check;
              new MutationObserver(check).observe(document.body, {subtree: true, childList: true, characterData: true});
            }""";

    private final Page page;
    private final Connection sql;
    private final double offsetMs;
    private final Map<String, List<Double>> samples = new LinkedHashMap<>();
    private int sequence;

    private LatencyProbe(Page page, Connection sql) {
        this.page = page;
        this.sql = sql;
        this.offsetMs = clockOffset(page);
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String url = args[1];
        String user = args[2];
        String password = args.length > 3 ? args[3] : "";
        int rounds = args.length > 4 ? Integer.parseInt(args[4]) : 30;
        Path chromium = Path.of(System.getProperty("livesync.chromium", "/usr/bin/chromium"));
        try (Playwright playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
             Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                     .setExecutablePath(chromium).setArgs(CHROMIUM_ARGS));
             Connection sql = DriverManager.getConnection(url, user, password)) {
            try (Statement s = sql.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT count(*), current_setting('synchronous_commit'), current_setting('fsync'), "
                            + "current_setting('wal_writer_delay') FROM task WHERE organization_id = 1")) {
                rs.next();
                System.out.printf("organization 1 has %,d tasks; synchronous_commit=%s fsync=%s wal_writer_delay=%s%n",
                        rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4));
            }
            List<Double> logins = new ArrayList<>();
            Page page = null;
            for (int i = 0; i < 5; i++) {
                BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1400, 900));
                context.setDefaultTimeout(60_000);
                if (page != null) {
                    page.context().close();
                }
                page = context.newPage();
                logins.add(signIn(page, base));
            }
            System.out.println("login -> first Grid rows rendered, ms (fresh browser context each): " + format(logins));
            new LatencyProbe(page, sql).run(rounds);
        }
    }

    /** Signs alice in and returns the ms from pressing "Log in" to the first Grid rows in the DOM. */
    private static double signIn(Page page, String base) {
        page.navigate(base + "/login");
        page.locator("input[name=username]").fill("alice");
        page.locator("input[name=password]").fill("alice");
        Instant pressed = Instant.now();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
        Object at = page.waitForFunction("""
                headers => {
                  const grid = document.querySelector('vaadin-grid');
                  if (!grid) return false;
                  const rows = Array.from(grid.querySelectorAll('vaadin-grid-cell-content'), c => c.textContent)
                      .filter(t => t.length > 0 && !headers.includes(t));
                  return rows.length > 0 && performance.timeOrigin + performance.now();
                }""", HEADERS, new Page.WaitForFunctionOptions().setPollingInterval(5)).jsonValue();
        double offset = clockOffset(page);
        double pressedMs = epochMs(pressed);
        @SuppressWarnings("unchecked")
        Map<String, Number> phases = (Map<String, Number>) page.evaluate("""
                () => {
                  const n = performance.getEntriesByType('navigation')[0];
                  return {start: performance.timeOrigin, html: performance.timeOrigin + n.responseEnd,
                          loaded: performance.timeOrigin + n.loadEventEnd};
                }""");
        System.out.printf(Locale.ENGLISH, "  login: board page requested %.0f ms after pressing, its HTML in at %.0f, "
                        + "loaded (scripts) at %.0f, first rows at %.0f ms%n",
                phases.get("start").doubleValue() - offset - pressedMs, phases.get("html").doubleValue() - offset - pressedMs,
                phases.get("loaded").doubleValue() - offset - pressedMs, ((Number) at).doubleValue() - offset - pressedMs);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> requests = (List<Map<String, Object>>) page.evaluate("""
                () => performance.getEntriesByType('resource')
                    .filter(r => r.initiatorType === 'xmlhttprequest' || r.initiatorType === 'fetch')
                    .map(r => ({name: r.name.replace(/^https?:\\/\\/[^/]+/, ''), start: performance.timeOrigin + r.startTime,
                                end: performance.timeOrigin + r.responseEnd, server: r.responseStart - r.requestStart}))""");
        for (Map<String, Object> request : requests) {
            System.out.printf(Locale.ENGLISH, "    request %s from %.0f to %.0f ms (server %.0f ms)%n", request.get("name"),
                    ((Number) request.get("start")).doubleValue() - offset - pressedMs,
                    ((Number) request.get("end")).doubleValue() - offset - pressedMs,
                    ((Number) request.get("server")).doubleValue());
        }
        return ((Number) at).doubleValue() - offset - pressedMs;
    }

    private void run(int rounds) throws Exception {
        page.evaluate(OBSERVER);
        for (int i = 0; i < rounds; i++) {
            // in the first rows: '!' sorts before digits and letters
            String title = "!!probe " + i;
            long[] created = new long[1];
            timeUntil("visible insert", "present", title, () -> created[0] = insert(1, title));
            long id = created[0];
            timeUntil("visible update in place (assignee)", "present", "probe-" + i,
                    "UPDATE task SET assignee = 'probe-" + i + "' WHERE id = " + id);
            timeUntil("visible update of the title", "present", title + " renamed",
                    "UPDATE task SET title = '" + title + " renamed' WHERE id = " + id);
            timeUntil("visible move to organization 2", "absent", title + " renamed",
                    "UPDATE task SET organization_id = 2 WHERE id = " + id);
            execute("DELETE FROM task WHERE id = " + id);
            String doomed = "!!probe doomed " + i;
            long doomedId = insert(1, doomed);
            waitFor("present", doomed);
            timeUntil("visible delete", "absent", doomed, "DELETE FROM task WHERE id = " + doomedId);

            // outside the viewport: 'zzzz' sorts after every seeded title; only the count shows the change
            int count = settledCount();
            String outsideTitle = "zzzz probe " + i;
            timeUntil("outside insert (count)", "count", DemoTest.label(count + 1),
                    () -> created[0] = insert(1, outsideTitle));
            long outside = created[0];
            timeUntil("outside delete (count)", "count", DemoTest.label(count),
                    "DELETE FROM task WHERE id = " + outside);
            long seeded = seededId(i);
            timeUntil("outside move out (count)", "count", DemoTest.label(count - 1),
                    "UPDATE task SET organization_id = 2 WHERE id = " + seeded);
            timeUntil("outside move in (count)", "count", DemoTest.label(count),
                    "UPDATE task SET organization_id = 1 WHERE id = " + seeded);
        }
        samples.forEach((what, times) -> System.out.printf("%-40s %s%n", what, format(times)));
    }

    private void timeUntil(String what, String kind, String text, String statement) throws Exception {
        timeUntil(what, kind, text, () -> execute(statement));
    }

    private void timeUntil(String what, String kind, String text, SqlAction action) throws Exception {
        page.evaluate("c => { window.__hit = null; window.__cond = c; }", Map.of("kind", kind, "text", text));
        Instant sent = Instant.now();
        action.run();
        page.waitForFunction("() => window.__hit !== null", null,
                new Page.WaitForFunctionOptions().setTimeout(10_000).setPollingInterval(5));
        double hit = ((Number) page.evaluate("() => window.__hit")).doubleValue() - offsetMs;
        samples.computeIfAbsent(what, k -> new ArrayList<>()).add(hit - epochMs(sent));
        pause();
    }

    private void waitFor(String kind, String text) throws InterruptedException {
        page.evaluate("c => { window.__hit = null; window.__cond = c; window.__check(); }",
                Map.of("kind", kind, "text", text));
        page.waitForFunction("() => window.__hit !== null", null,
                new Page.WaitForFunctionOptions().setTimeout(10_000).setPollingInterval(5));
        pause();
    }

    /** Waits 150–250 ms between changes, out of step with any timer of the client or the server. */
    private void pause() throws InterruptedException {
        Thread.sleep(150 + (sequence++ * 37) % 100);
    }

    /**
     * Organization 1's task count, once the board's label shows it: the label may still be on its way
     * when the Grid's rows already show the last change.
     */
    private int settledCount() throws SQLException, InterruptedException {
        try (Statement s = sql.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM task WHERE organization_id = 1")) {
            rs.next();
            int count = rs.getInt(1);
            waitFor("count", DemoTest.label(count));
            return count;
        }
    }

    private long insert(long organization, String title) throws SQLException {
        try (PreparedStatement s = sql.prepareStatement(
                "INSERT INTO task (organization_id, title) VALUES (?, ?) RETURNING id")) {
            s.setLong(1, organization);
            s.setString(2, title);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** A seeded task far from the first rows (near the end of the board). */
    private long seededId(int i) throws SQLException {
        try (Statement s = sql.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT id FROM task WHERE organization_id = 1 AND title LIKE 'Load task%' ORDER BY title DESC OFFSET "
                        + (100 + i) + " LIMIT 1")) {
            if (!rs.next()) {
                throw new IllegalStateException("Start the demo with --livesync.demo.seed-rows=1000 or more");
            }
            return rs.getLong(1);
        }
    }

    private void execute(String statement) throws SQLException {
        try (Statement s = sql.createStatement()) {
            s.execute(statement);
        }
    }

    /** Browser wall clock minus this JVM's, in ms, from the round trip with the smallest delay. */
    private static double clockOffset(Page page) {
        double best = 0;
        long shortest = Long.MAX_VALUE;
        for (int i = 0; i < 20; i++) {
            long started = System.nanoTime();
            Instant before = Instant.now();
            double browser = ((Number) page.evaluate("() => performance.timeOrigin + performance.now()")).doubleValue();
            long roundTrip = System.nanoTime() - started;
            if (roundTrip < shortest) {
                shortest = roundTrip;
                best = browser - (epochMs(before) + roundTrip / 2e6);
            }
        }
        return best;
    }

    private static double epochMs(Instant instant) {
        return instant.getEpochSecond() * 1000.0 + instant.getNano() / 1e6;
    }

    private static String format(List<Double> times) {
        List<Double> sorted = times.stream().sorted().toList();
        return String.format(Locale.ENGLISH, "p50 %.1f, p90 %.1f, min %.1f, max %.1f (n=%d)",
                sorted.get(sorted.size() / 2),
                sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.9) - 1)), sorted.get(0),
                sorted.get(sorted.size() - 1), sorted.size());
    }

    @FunctionalInterface
    private interface SqlAction {
        void run() throws SQLException;
    }
}
