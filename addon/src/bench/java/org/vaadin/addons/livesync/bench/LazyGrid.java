package org.vaadin.addons.livesync.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.vaadin.addons.livesync.TestAccess;
import org.vaadin.addons.livesync.TestSessions;
import org.vaadin.addons.livesync.internal.dispatch.PageCache;

import com.github.mvysny.kaributesting.v10.MockVaadin;

/**
 * Live lazy Grids at a real tenant size: {@value #ROWS} tasks of one tenant, {@value #VIEWS}
 * views of it, each a {@link LazyView} (a Grid on a {@code LiveDataProvider} paging through
 * Hibernate, {@code order by title, id}) in a Vaadin session and UI of its own that pushes
 * automatically ({@link BenchPush}: the UIDL is written, only the socket is missing), each showing
 * the first page (rows 0–49, asked for as the browser's Grid asks). The table has an index on
 * {@code (organization_id, title, id)}, as an application paging by title would, and a replica
 * identity index {@code (id, organization_id)}, so that the WAL carries an update's or delete's old
 * organization and the views keep their count by the changes ({@code withLiveCount()}).
 * <ul>
 * <li><b>First load</b>: from creating and attaching the view to the push that carries its first
 * page having been written (two server round trips: the view's, then the Grid's request for its
 * range), while no other view of the tenant is open, so the page and the count are queried —
 * the median of {@value #FIRST_LOAD_SAMPLES}, after warm-up; the very first (cold JVM) and loads
 * that share an open view's page are reported beside it.</li>
 * <li><b>Heap per view</b>: live heap after opening the {@value #VIEWS} views (first page loaded,
 * row data included: each view holds its own copies) minus as many plain views (session, UI,
 * layout), per view.</li>
 * <li><b>Commit → applied</b>: a writer at {@value #RATE} commits/s (then at a fifth of that, when
 * the machine is not saturated) alternates an update of one of the {@value #TOP} top rows (their
 * assignee, {@code t<seq>}: the Grid holds them and does not sort or filter by it, so they are
 * refreshed in place, without a query) and an insert whose title sorts right after them (newest
 * first, so it lands in the visible range: the count and the range are fetched again). Applied in
 * a view = after one of its pushes, the rows 0–49 its data communicator has sent hold the updated
 * row at that version or later, or hold the inserted row — or hold 40 newer inserts, so that it
 * lies below the range (the page was queried after it committed, unless its commit took longer
 * than those 40 later ones together). Latency from the statement being sent until every view has
 * applied it. The views' data provider has the default refresh window
 * ({@value #REFRESH_WINDOW_MS} ms: at most one range refresh per window while changes keep coming;
 * {@code -Dlivesync.bench.lazy.refresh-window-ms=} in {@code LIVESYNC_BENCH_JAVA_OPTS} tries another).
 * The statements are not counted meanwhile (no proxies in their way); the page cache counts the
 * page and count queries.</li>
 * <li><b>Queries per transaction</b>: statements through the application's pool (counted at the
 * driver) at {@value #QUERY_RATE} tx/s, by kind: the page queries and count queries of the lazy
 * Grids, and LiveSync's own (row loads, visibility checks). Mixed as above, then updates only, then
 * inserts only.</li>
 * </ul>
 */
final class LazyGrid {

    static final String PUBLICATION = "lsbench_lazy";
    static final int ROWS = 100_000;
    static final int VIEWS = 100;
    static final long TENANT = 1;
    /** Rows at the top of the Grid (titles row 000001..row 000010) whose assignee the updates set. */
    static final int TOP = 10;
    /** Inserted titles sort right after the top rows, newest first: {@code row 000010 n<9999999 - seq>}. */
    static final String INSERT_PREFIX = "row 000010 n";
    static final int FIRST_LOAD_SAMPLES = 20;
    static final double RATE = 200;
    static final double QUERY_RATE = 20;
    static final long REFRESH_WINDOW_MS = 10;
    static final Duration REFRESH_WINDOW = Duration.ofMillis(
            Long.getLong("livesync.bench.lazy.refresh-window-ms", REFRESH_WINDOW_MS));
    /** LiveSync's threads (a refresh delayed to the end of its window runs on a UI thread; the maintenance thread times it). */
    static final List<String> THREADS = List.of("livesync-reader", "livesync-delivery", "livesync-ui",
            "livesync-maintenance");

    private LazyGrid() {
    }

    static void run(BenchDb db, Sizes sizes, Results results) throws Exception {
        db.cleanUp(List.of(PUBLICATION));
        db.createTaskTable();
        long t0 = System.nanoTime();
        db.execute("INSERT INTO " + BenchDb.TASK + " (organization_id, title, status, assignee, notes) SELECT " + TENANT
                        + ", 'row ' || lpad(g::text, 6, '0'), 'open', 'user' || g, 'seeded row for the benchmark' "
                        + "FROM generate_series(1, " + ROWS + ") g",
                "CREATE INDEX ON " + BenchDb.TASK + " (organization_id, title, id)",
                // the WAL carries the old organization of an update or delete: the views keep their count by the
                // changes (LiveDataProvider.withLiveCount), as the README advises
                "CREATE UNIQUE INDEX lazy_task_identity ON " + BenchDb.TASK + " (id, organization_id)",
                "ALTER TABLE " + BenchDb.TASK + " REPLICA IDENTITY USING INDEX lazy_task_identity",
                "VACUUM ANALYZE " + BenchDb.TASK);
        System.out.printf("seeded %,d rows in %.1f s%n", ROWS, (System.nanoTime() - t0) / 1e9);
        long[] top = db.queryLongs("SELECT id FROM " + BenchDb.TASK + " WHERE organization_id = " + TENANT
                + " ORDER BY title, id LIMIT " + TOP).stream().mapToLong(Long::longValue).toArray();
        results.put("lazy.rows", ROWS);
        results.put("lazy.views", VIEWS);
        results.put("lazy.page_rows", LazyView.PAGE);
        results.put("lazy.refresh_window_ms", REFRESH_WINDOW.toMillis());
        LazyProbe probe = new LazyProbe();
        List<LazyView> views = new ArrayList<>();
        MockVaadin.setup();
        try (Pipeline pipeline = new Pipeline(db, PUBLICATION, true)) {
            firstLoads(pipeline, probe, results);
            heapAndViews(pipeline, probe, views, results);

            pipeline.counting.setCounting(false); // no proxies in the way of the latency
            // a longer warm-up than elsewhere: the JIT compiles Hibernate's, Vaadin's and Jackson's paths for this
            // traffic for most of a minute (a profile of a 6 s warm-up had the C2 compiler threads as busy as the
            // UI threads through the measured window), a cost a running server has behind it
            LazyWindow ui = new LazyWindow(LazyWindow.Mix.MIXED, RATE, 9 * sizes.warmSeconds(), sizes.latencySeconds(),
                    0);
            probe.current.set(ui);
            ui.run("lazy_grid", db, pipeline, top, true);
            ui.putLatency(results, "lazy.ui");
            // the same at a fifth of the rate: the latency when the machine is not saturated
            LazyWindow slower = new LazyWindow(LazyWindow.Mix.MIXED, RATE / 5, sizes.warmSeconds(),
                    sizes.latencySeconds(), 1_000_000);
            probe.current.set(slower);
            slower.run("lazy_grid_slower", db, pipeline, top, true);
            slower.putLatency(results, "lazy.ui_at_" + (int) (RATE / 5) + "_tx_per_s");
            pipeline.counting.setCounting(true);

            int n = sizes.queriesTx();
            LazyWindow mixed = new LazyWindow(LazyWindow.Mix.MIXED, QUERY_RATE, 0, n / QUERY_RATE, 2_000_000);
            LazyWindow updates = new LazyWindow(LazyWindow.Mix.UPDATES, QUERY_RATE, 0, n / QUERY_RATE, 3_000_000);
            LazyWindow inserts = new LazyWindow(LazyWindow.Mix.INSERTS, QUERY_RATE, 0, n / QUERY_RATE, 4_000_000);
            for (LazyWindow w : List.of(mixed, updates, inserts)) {
                probe.current.set(w);
                w.run("lazy_queries_" + w.mix.name().toLowerCase(java.util.Locale.ROOT), db, pipeline, top, false);
            }
            mixed.putQueries(results, "lazy.queries_per_tx");
            updates.putQueries(results, "lazy.queries_per_tx_update");
            inserts.putQueries(results, "lazy.queries_per_tx_insert");
            PageCache pages = TestAccess.pipeline(pipeline.liveSync).dispatcher().pages();
            results.put("lazy.page_cache_computed", pages.computed());
            results.put("lazy.page_cache_shared", pages.shared());
            System.out.printf("page cache: %d results computed, %d shared%n", pages.computed(), pages.shared());
        } finally {
            for (LazyView view : views) {
                try {
                    TestSessions.close(view);
                } catch (RuntimeException e) {
                    // going away anyway
                }
            }
            MockVaadin.tearDown();
            db.cleanUp(List.of(PUBLICATION));
        }
    }

    /** One view opened and shown: attach, first push, the Grid's range request and its push. Returns ns. */
    private static long openTimed(Pipeline pipeline, LazyProbe probe, List<LazyView> into) {
        long t0 = System.nanoTime();
        LazyView view = TestSessions.openInNewSession(() -> new LazyView(pipeline.liveSync, TENANT,
                pipeline.sessionFactory, REFRESH_WINDOW, probe));
        TestSessions.withLock(view.getUI().orElseThrow().getSession(), view::requestFirstPage);
        long elapsed = System.nanoTime() - t0;
        boolean shown = TestSessions.read(view, () -> view.count() >= ROWS && view.row(0) != null
                && view.row(LazyView.PAGE - 1) != null);
        if (!shown) {
            throw new IllegalStateException("a lazy view did not show its first page: count " + view.count());
        }
        into.add(view);
        return elapsed;
    }

    private static void firstLoads(Pipeline pipeline, LazyProbe probe, Results results) {
        List<LazyView> opened = new ArrayList<>();
        long cold = openTimed(pipeline, probe, opened);
        opened.forEach(TestSessions::close);
        opened.clear();
        for (int i = 0; i < 10; i++) { // warm-up
            openTimed(pipeline, probe, opened);
            opened.forEach(TestSessions::close);
            opened.clear();
        }
        // alone: while no view of the tenant is open, its shared pages are stale, so each load queries
        long[] samples = new long[FIRST_LOAD_SAMPLES];
        long statements0 = pipeline.counting.statements();
        for (int i = 0; i < samples.length; i++) {
            samples[i] = openTimed(pipeline, probe, opened);
            opened.forEach(TestSessions::close);
            opened.clear();
        }
        double statements = (pipeline.counting.statements() - statements0) / (double) samples.length;
        Stats stats = Stats.ofNanos(samples);
        System.out.printf("first load (view attach -> first page pushed), %,d rows: cold JVM %.1f ms; alone %s; "
                + "%.1f statements each%n", ROWS, cold / 1e6, stats, statements);
        results.put("lazy.first_load_ms", stats.ms(0.50));
        results.put("lazy.first_load_p95_ms", stats.ms(0.95));
        results.put("lazy.first_load_max_ms", stats.maxMs());
        results.put("lazy.first_load_cold_ms", cold / 1e6);
        results.put("lazy.first_load_statements", statements);
        results.put("lazy.first_load_samples", stats.count());
    }

    /** Opens the {@value #VIEWS} views, timing each, and measures the heap they add. */
    private static void heapAndViews(Pipeline pipeline, LazyProbe probe, List<LazyView> views, Results results)
            throws Exception {
        pipeline.quiesce(Duration.ofSeconds(30));
        List<HeapPerView.PlainView> plain = new ArrayList<>();
        HeapPerView.Histogram h0 = HeapPerView.Histogram.take();
        for (int i = 0; i < VIEWS; i++) {
            plain.add(TestSessions.openInNewSession(HeapPerView.PlainView::new));
        }
        HeapPerView.Histogram h1 = HeapPerView.Histogram.take();
        long[] loads = new long[VIEWS];
        for (int i = 0; i < VIEWS; i++) {
            loads[i] = openTimed(pipeline, probe, views);
        }
        HeapPerView.Histogram h2 = HeapPerView.Histogram.take();
        double plainPerView = (h1.total - h0.total) / (double) VIEWS;
        double gross = (h2.total - h1.total) / (double) VIEWS;
        double perView = gross - plainPerView;
        Stats shared = Stats.ofNanos(java.util.Arrays.copyOfRange(loads, 1, loads.length));
        System.out.printf("first load while another view shows the same page (shared result): %s%n", shared);
        System.out.printf("heap per lazy view (first page loaded, %d views): %.0f bytes beyond a plain view "
                + "(%.0f with its session, UI and layout; a plain view %.0f)%n", VIEWS, perView, gross, plainPerView);
        results.put("lazy.first_load_shared_p50_ms", shared.ms(0.50));
        results.put("lazy.heap_bytes_per_view", perView);
        results.put("lazy.heap_bytes_per_view_with_session", gross);
        results.put("lazy.heap_bytes_per_plain_view", plainPerView);
        Map<String, Double> topClasses = h2.minus(h1).minus(h1.minus(h0)).topPerView(VIEWS, 15);
        System.out.println("classes that grew most, bytes per lazy view:");
        topClasses.forEach((cls, bytes) -> System.out.printf("    %8.1f  %s%n", bytes, cls));
        results.put("lazy.heap_top_classes_bytes_per_view", topClasses);
        plain.forEach(TestSessions::close);
    }

}
