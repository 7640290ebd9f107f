package org.vaadin.addons.livesync.bench;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.AriaRole;

/**
 * Commit → the row's text in the DOM of headless Chromium, over push, on the demo: the demo runs as
 * its own process (built by {@code src/bench/prepare-browser}) on a fresh database of the bench's
 * PostgreSQL and a free loopback port; alice (organization 1) signs in; then one task's title is
 * updated with plain SQL, {@link Sizes#browserSamples()} times, one at a time. A
 * {@code MutationObserver} in the page records when the new title is first in the Grid's DOM
 * ({@code performance.timeOrigin + now()}, the same wall clock as the writer's {@link Instant}); the
 * latency runs from the moment the writer sends the UPDATE. The title starts with {@code !} so that
 * the row sorts first in the demo's by-title Grid.
 */
final class BrowserLatency {

    static final String DATABASE = "livesync_bench_demo";
    private static final List<String> CHROMIUM_ARGS = List.of("--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final int WARM_UP = 10;

    private static final String OBSERVER = """
            () => {
              window.__seen = {};
              window.__expect = null;
              const grid = document.querySelector('vaadin-grid');
              const check = () => {
                const expect = window.__expect;
                if (expect === null || window.__seen[expect] !== undefined) return;
                for (const cell of grid.querySelectorAll('vaadin-grid-cell-content')) {
                  if (cell.textContent === expect) {
                    window.__seen[expect] = performance.timeOrigin + performance.now();
                    return;
                  }
                }
              };
              new MutationObserver(check).observe(grid, {subtree: true, childList: true, characterData: true});
              return grid !== null;
            }""";

    /** Records when each websocket message (a push) arrives, to split server time from client time. */
    private static final String WEBSOCKET_SPY = """
            (() => {
              const Native = window.WebSocket;
              window.__messages = [];
              window.__sizes = [];
              const Spy = function (...args) {
                const socket = new Native(...args);
                socket.addEventListener('message', e => {
                  window.__messages.push(performance.timeOrigin + performance.now());
                  window.__sizes.push(typeof e.data === 'string' ? e.data.length : (e.data.size || e.data.byteLength || 0));
                });
                return socket;
              };
              Spy.prototype = Native.prototype;
              for (const k of ['CONNECTING', 'OPEN', 'CLOSING', 'CLOSED']) Spy[k] = Native[k];
              window.WebSocket = Spy;
            })();""";

    private BrowserLatency() {
    }

    static void run(BenchDb db, Sizes sizes, Results results, Path out) throws Exception {
        Path root = Path.of(System.getProperty("livesync.bench.root", "."));
        String buildDir = System.getProperty("livesync.bench.buildDir", "target-bench");
        Path classes = root.resolve("demo").resolve(buildDir).resolve("classes");
        Path classpathFile = root.resolve("demo").resolve(buildDir).resolve("demo.classpath");
        Path chromium = Path.of(System.getProperty("livesync.chromium", "/usr/bin/chromium"));
        if (!Files.isDirectory(classes.resolve("org/vaadin/addons/livesync/demo")) || !Files.exists(classpathFile)) {
            results.missing("latency_ms.browser_p50", "the demo is not built (src/bench/prepare-browser failed; see "
                    + "logs/prepare-browser.log)");
            results.put("latency_ms.browser_p95", null);
            return;
        }
        if (!Files.isExecutable(chromium)) {
            results.missing("latency_ms.browser_p50", "no Chromium at " + chromium);
            results.put("latency_ms.browser_p95", null);
            return;
        }
        String url = recreateDatabase(db);
        int port = freePort();
        Process demo = startDemo(root, classes, Files.readString(classpathFile).trim(), url, db, port,
                out.resolve("logs").resolve("demo.log"));
        try {
            String base = "http://127.0.0.1:" + port;
            awaitHttp(base + "/login", demo);
            measure(base, chromium, url, db, sizes, results);
        } finally {
            demo.destroy();
            if (!demo.waitFor(20, TimeUnit.SECONDS)) {
                demo.destroyForcibly();
                demo.waitFor(10, TimeUnit.SECONDS);
            }
            dropDatabase(db);
        }
        Profiling.printSummary("browser_latency_demo", List.of("livesync-reader", "livesync-delivery", "livesync-ui"));
    }

    private static void measure(String base, Path chromium, String url, BenchDb db, Sizes sizes, Results results)
            throws Exception {
        int samples = sizes.browserSamples();
        long[] latency = new long[samples];
        try (Playwright playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
             Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                     .setExecutablePath(chromium).setArgs(CHROMIUM_ARGS));
             BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1400, 900));
             Connection sql = DriverManager.getConnection(url, props(db))) {
            context.setDefaultTimeout(60_000);
            Page page = context.newPage();
            page.addInitScript(WEBSOCKET_SPY);
            page.navigate(base + "/login");
            page.locator("input[name=username]").fill("alice");
            page.locator("input[name=password]").fill("alice");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
            page.locator("vaadin-grid").waitFor();
            page.locator("vaadin-grid-cell-content").first().waitFor();

            long id;
            try (PreparedStatement insert = sql.prepareStatement(
                    "INSERT INTO task (organization_id, title) VALUES (1, '!bench start') RETURNING id");
                 ResultSet rs = insert.executeQuery()) {
                rs.next();
                id = rs.getLong(1);
            }
            page.locator("vaadin-grid-cell-content").filter(new com.microsoft.playwright.Locator.FilterOptions()
                    .setHasText("!bench start")).first().waitFor();
            Object installed = page.evaluate(OBSERVER);
            if (!Boolean.TRUE.equals(installed)) {
                throw new IllegalStateException("no vaadin-grid on the board");
            }
            double offset = clockOffset(page);
            results.put("latency_ms.browser_clock_offset_ms", offset);

            List<Long> measured = new ArrayList<>();
            List<Long> toPush = new ArrayList<>();
            List<Long> pushToDom = new ArrayList<>();
            List<Long> pushBytes = new ArrayList<>();
            int missing = 0;
            try (PreparedStatement update = sql.prepareStatement("UPDATE task SET title = ? WHERE id = ?")) {
                for (int i = 0; i < WARM_UP + samples; i++) {
                    String title = String.format("!bench %06d", i);
                    page.evaluate("t => { window.__expect = t; window.__messages = []; window.__sizes = []; }", title);
                    update.setString(1, title);
                    update.setLong(2, id);
                    Instant sent = Instant.now();
                    update.executeUpdate();
                    boolean seen;
                    try {
                        page.waitForFunction("t => window.__seen[t] !== undefined", title,
                                new Page.WaitForFunctionOptions().setTimeout(10_000).setPollingInterval(5));
                        seen = true;
                    } catch (com.microsoft.playwright.TimeoutError e) {
                        seen = false;
                    }
                    if (i >= WARM_UP) {
                        if (seen) {
                            @SuppressWarnings("unchecked")
                            List<Number> times = (List<Number>) page.evaluate(
                                    "t => [window.__seen[t], ...window.__messages]", title);
                            @SuppressWarnings("unchecked")
                            List<Number> lengths = (List<Number>) page.evaluate("() => window.__sizes");
                            double at = times.get(0).doubleValue() - offset;
                            double sentMs = sent.getEpochSecond() * 1000.0 + sent.getNano() / 1e6;
                            measured.add(Math.max(0, Math.round((at - sentMs) * 1e6)));
                            // the first push that arrived after the update was sent and before the DOM changed
                            for (int k = 1; k < times.size(); k++) {
                                double push = times.get(k).doubleValue() - offset;
                                if (push >= sentMs && push <= at) {
                                    if (k - 1 < lengths.size()) {
                                        pushBytes.add(lengths.get(k - 1).longValue());
                                    }
                                    toPush.add(Math.round((push - sentMs) * 1e6));
                                    pushToDom.add(Math.round((at - push) * 1e6));
                                    break;
                                }
                            }
                        } else {
                            missing++;
                        }
                    }
                    Thread.sleep(100 + (i * 37) % 100); // not in step with any timer of the client or server
                }
            }
            for (int i = 0; i < samples; i++) {
                latency[i] = i < measured.size() ? measured.get(i) : -1;
            }
            try (Statement s = sql.createStatement()) {
                s.execute("DELETE FROM task WHERE id = " + id);
            }
            Stats stats = Stats.ofNanos(latency);
            Stats server = Stats.ofNanos(toPush.stream().mapToLong(Long::longValue).toArray());
            Stats client = Stats.ofNanos(pushToDom.stream().mapToLong(Long::longValue).toArray());
            System.out.println("browser: commit -> text in the DOM: " + stats + (missing > 0 ? ", " + missing
                    + " not seen within 10 s" : ""));
            System.out.println("browser: commit -> push message arrived: " + server);
            System.out.println("browser: push message arrived -> text in the DOM: " + client);
            long[] bytes = pushBytes.stream().mapToLong(Long::longValue).sorted().toArray();
            long medianBytes = bytes.length == 0 ? -1 : bytes[bytes.length / 2];
            long rows = 0;
            try (Statement s = sql.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT count(*) FROM task WHERE organization_id = 1")) {
                rs.next();
                rows = rs.getLong(1);
            }
            System.out.printf("browser: the push carrying a one-row change is %,d characters (median) for a board of %d rows%n",
                    medianBytes, rows);
            results.put("latency_ms.browser_push_message_chars_p50", medianBytes);
            results.put("latency_ms.browser_board_rows", rows);
            results.put("latency_ms.browser_to_push_p50", server.ms(0.50));
            results.put("latency_ms.browser_to_push_p95", server.ms(0.95));
            results.put("latency_ms.browser_push_to_dom_p50", client.ms(0.50));
            results.put("latency_ms.browser_push_to_dom_p95", client.ms(0.95));
            results.put("latency_ms.browser_p50", stats.ms(0.50));
            results.put("latency_ms.browser_p95", stats.ms(0.95));
            results.put("latency_ms.browser_p99", stats.ms(0.99));
            results.put("latency_ms.browser_max", stats.maxMs());
            results.put("latency_ms.browser_samples", stats.count());
            if (missing > 0) {
                results.put("latency_ms.browser_missing", missing);
            }
        }
    }

    /** Browser wall clock minus this JVM's, in ms (both read CLOCK_REALTIME on this machine: about 0). */
    private static double clockOffset(Page page) {
        double best = Double.NaN;
        long bestRoundTrip = Long.MAX_VALUE;
        for (int i = 0; i < 20; i++) {
            long t0 = System.nanoTime();
            Instant before = Instant.now();
            double browser = ((Number) page.evaluate("() => performance.timeOrigin + performance.now()")).doubleValue();
            long roundTrip = System.nanoTime() - t0;
            if (roundTrip < bestRoundTrip) {
                bestRoundTrip = roundTrip;
                double mid = before.getEpochSecond() * 1000.0 + before.getNano() / 1e6 + roundTrip / 2e6;
                best = browser - mid;
            }
        }
        return best;
    }

    private static Process startDemo(Path root, Path classes, String classpath, String url, BenchDb db, int port,
                                     Path log) throws IOException {
        Files.createDirectories(log.getParent());
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx1g", "-Dvaadin.launch-browser=false",
                "-Dlivesync.demo.writer.rate=0"));
        command.addAll(Profiling.agentFor("browser_latency_demo"));
        command.addAll(List.of("-cp", classes + ":" + classpath, "org.vaadin.addons.livesync.demo.DemoApplication"));
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(root.resolve("demo").toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("SPRING_DATASOURCE_URL", url);
        builder.environment().put("SPRING_DATASOURCE_USERNAME", db.user());
        builder.environment().put("SPRING_DATASOURCE_PASSWORD", db.password());
        builder.environment().put("SERVER_PORT", Integer.toString(port));
        builder.environment().put("SERVER_ADDRESS", "127.0.0.1");
        System.out.println("starting the demo on port " + port + " (log: " + log + ")");
        return builder.start();
    }

    private static void awaitHttp(String url, Process demo) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        long start = System.nanoTime();
        while (System.nanoTime() < deadline) {
            if (!demo.isAlive()) {
                throw new IllegalStateException("The demo exited with " + demo.exitValue() + " (see logs/demo.log)");
            }
            try {
                HttpURLConnection c = (HttpURLConnection) URI.create(url).toURL().openConnection();
                c.setConnectTimeout(1000);
                c.setReadTimeout(5000);
                if (c.getResponseCode() == 200) {
                    System.out.printf("demo up after %.1f s%n", (System.nanoTime() - start) / 1e9);
                    return;
                }
            } catch (IOException e) {
                // not yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("The demo did not answer on " + url + " within " + START_TIMEOUT);
    }

    private static String recreateDatabase(BenchDb db) throws SQLException {
        dropDatabase(db);
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + DATABASE);
        }
        return "jdbc:postgresql://" + db.host() + ":" + db.port() + "/" + DATABASE;
    }

    private static void dropDatabase(BenchDb db) {
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = '"
                    + DATABASE + "' AND NOT active");
            s.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
        } catch (SQLException e) {
            System.out.println("could not drop " + DATABASE + ": " + e.getMessage());
        }
    }

    private static Properties props(BenchDb db) {
        Properties props = new Properties();
        props.setProperty("user", db.user());
        props.setProperty("password", db.password());
        return props;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
