package org.vaadin.addons.livesync.bench;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
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
 * Commit → the change in the DOM of headless Chromium, over push, on the demo: the demo runs as its
 * own process (built by {@code src/bench/prepare-browser}) on a fresh database of the bench's
 * PostgreSQL and a free loopback port; alice (organization 1) signs in; then rows of her board are
 * inserted, retitled, moved away and deleted with plain SQL, one change at a time
 * ({@link BrowserChanges}: {@link Sizes#browserSamples()} / 2 rounds of five changes), each timed
 * until the Grid's DOM shows it — after {@value #WARM_UP_CHANGES} changes written at a steady rate, so
 * that the demo's server is measured warm, as a server in use is.
 */
final class BrowserLatency {

    static final String DATABASE = "livesync_bench_demo";
    private static final List<String> CHROMIUM_ARGS = List.of("--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    /** Rounds (five changes each, one at a time) before the counted ones. */
    private static final int WARM_UP = 3;
    /** Changes written at a steady rate before those rounds, to warm the demo's server up ({@link BrowserChanges#warmUp}). */
    private static final int WARM_UP_CHANGES = 2_000;

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
        try (Playwright playwright = Playwright.create(new Playwright.CreateOptions()
                .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
             Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                     .setExecutablePath(chromium).setArgs(CHROMIUM_ARGS));
             BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1400, 900));
             Connection sql = DriverManager.getConnection(url, props(db))) {
            context.setDefaultTimeout(60_000);
            Page page = context.newPage();
            page.addInitScript(BrowserChanges.WEBSOCKET_SPY);
            long loginStart = System.nanoTime();
            page.navigate(base + "/login");
            page.locator("input[name=username]").fill("alice");
            page.locator("input[name=password]").fill("alice");
            page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log in")).click();
            page.locator("vaadin-grid").waitFor();
            page.locator("vaadin-grid-cell-content").first().waitFor();
            results.put("latency_ms.browser_login_to_grid_ms", (System.nanoTime() - loginStart) / 1e6);

            double offset = clockOffset(page);
            results.put("latency_ms.browser_clock_offset_ms", offset);
            BrowserChanges changes = new BrowserChanges(page, sql, offset);
            int rounds = Math.max(5, sizes.browserSamples() / 2);
            long warm0 = System.nanoTime();
            changes.warmUp(WARM_UP_CHANGES);
            System.out.printf("browser: %,d changes written to warm the server up in %.1f s%n",
                    WARM_UP_CHANGES, (System.nanoTime() - warm0) / 1e9);
            changes.run(WARM_UP, rounds);
            changes.putInto(results);
            results.put("latency_ms.browser_rounds", rounds);
            serverSide(base, results);
            long rows;
            try (Statement s = sql.createStatement(); ResultSet rs = s.executeQuery(
                    "SELECT count(*) FROM task WHERE organization_id = 1")) {
                rs.next();
                rows = rs.getLong(1);
            }
            results.put("latency_ms.browser_board_rows", rows);
            System.out.printf("browser: %d rounds on a board of %d rows%n", rounds, rows);
        }
    }

    /**
     * The demo's own figure for the server's part: {@code livesync.delivery.latency} (commit, database
     * clock → applied in {@code UI.access}) from its Prometheus endpoint (for the demo's operator only:
     * signed in with HTTP Basic), over Micrometer's recent window (the measured changes and the end of
     * the warm-up) — what is left of commit → push is the Grid's flush and writing the push.
     */
    private static void serverSide(String base, Results results) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create(base + "/actuator/prometheus").toURL().openConnection();
            c.setRequestProperty("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                    "operator:operator".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            String text = new String(c.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            for (String quantile : List.of("0.5", "0.95")) {
                java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                        "livesync_delivery_latency_seconds\\{[^}]*quantile=\"" + java.util.regex.Pattern.quote(quantile)
                                + "\"[^}]*}\\s+(\\S+)").matcher(text);
                Double ms = m.find() ? Double.parseDouble(m.group(1)) * 1000 : null;
                String key = "latency_ms.browser_server_applied_p" + (quantile.equals("0.5") ? "50" : "95");
                results.put(key, ms);
                System.out.printf("browser: server side, commit -> applied in UI.access (the demo's "
                        + "livesync.delivery.latency, q%s): %s ms%n", quantile, ms == null ? "n/a" : String.format("%.2f", ms));
            }
        } catch (IOException | RuntimeException e) {
            System.out.println("browser: the demo's delivery latency could not be read: " + e);
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
