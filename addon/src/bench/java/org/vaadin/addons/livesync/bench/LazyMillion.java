package org.vaadin.addons.livesync.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

import org.vaadin.addons.livesync.TestSessions;

import com.github.mvysny.kaributesting.v10.MockVaadin;

/**
 * Live lazy Grids over one big tenant ({@value #ROWS} tasks; a quarter of that with {@code --quick}):
 * {@value #VIEWS} views of it in sessions of their own that push automatically ({@link BenchPush}),
 * half without a filter and half filtered by title ({@code like '%hit%'}: one row in
 * {@value #HIT_EVERY}), the filter stated as a predicate ({@code withFilterPredicate}) and the count
 * kept by the changes. The table has the index of the order, {@code (organization_id, title, id)},
 * a trigram index for the filter when {@code pg_trgm} can be created, and REPLICA IDENTITY FULL.
 * <ul>
 * <li><b>First render</b>: attach → the push carrying the first page written, unfiltered and
 * filtered (median of {@value #SAMPLES} after a warm-up; the cold JVM's first beside it).</li>
 * <li><b>Deep scroll</b>: an open view asks for 50 rows at the middle of the tenant → the push that
 * carries them written (median of {@value #SAMPLES} positions around the middle).</li>
 * <li><b>Matching insert under unrelated changes</b>: a writer updates random rows outside the
 * filter (their assignee) at 20, then 100 a second, while another inserts a matching row that sorts
 * first every 250 ms; commit → shown in every filtered view (p50/p99).</li>
 * <li><b>Queries per unrelated change</b>: the lazy Grids' page and count callbacks run while only
 * unrelated updates arrive, per update (0 with the predicate).</li>
 * <li><b>Heap per view</b>: live heap of the {@value #VIEWS} views (first page shown) minus as many
 * plain views, per view.</li>
 * </ul>
 */
final class LazyMillion {

    static final String PUBLICATION = "lsbench_million";
    static final int ROWS = 1_000_000;
    static final int VIEWS = 100;
    static final int HIT_EVERY = 1_000;
    static final String FILTER = "hit";
    static final long TENANT = 1;
    static final int SAMPLES = 5;
    /** Inserted titles sort before every seeded one, newest first: {@code row 0000000 hit <99999999 - n>}. */
    static final String INSERT_PREFIX = "row 0000000 hit ";
    private static final int NEWEST_FIRST = 99_999_999;

    private LazyMillion() {
    }

    static void run(BenchDb db, Sizes sizes, Results results) throws Exception {
        boolean quick = sizes == Sizes.QUICK;
        int rows = quick ? ROWS / 4 : ROWS;
        db.cleanUp(List.of(PUBLICATION));
        db.createTaskTable();
        long t0 = System.nanoTime();
        db.execute("INSERT INTO " + BenchDb.TASK + " (organization_id, title, status, assignee, notes) SELECT " + TENANT
                        + ", 'row ' || lpad(g::text, 7, '0') || CASE WHEN g % " + HIT_EVERY + " = 0 THEN ' hit' ELSE '' END,"
                        + " 'open', 'user' || g, 'seeded row' FROM generate_series(1, " + rows + ") g",
                "CREATE INDEX ON " + BenchDb.TASK + " (organization_id, title, id)",
                "ALTER TABLE " + BenchDb.TASK + " REPLICA IDENTITY FULL");
        boolean trigram = true;
        try {
            db.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm",
                    "CREATE INDEX ON " + BenchDb.TASK + " USING gin (title gin_trgm_ops)");
        } catch (RuntimeException e) {
            trigram = false;
            System.out.println("no trigram index (" + e.getMessage() + "): the filtered count scans the tenant");
        }
        db.execute("VACUUM ANALYZE " + BenchDb.TASK);
        int matching = rows / HIT_EVERY;
        System.out.printf("seeded %,d rows (%,d matching '%s') in %.1f s; trigram index: %s%n", rows, matching, FILTER,
                (System.nanoTime() - t0) / 1e9, trigram);
        results.put("lazy_million.rows", rows);
        results.put("lazy_million.matching_rows", matching);
        results.put("lazy_million.views", VIEWS);
        results.put("lazy_million.trigram_index", trigram);
        List<MillionView> views = new ArrayList<>();
        MockVaadin.setup();
        try (Pipeline pipeline = new Pipeline(db, PUBLICATION, true)) {
            firstRender(pipeline, rows, matching, results);
            deepScroll(pipeline, rows, results);
            heapAndViews(pipeline, views, rows, matching, results);
            List<MillionView> filtered = views.stream().filter(v -> v.filter != null).toList();
            // a round first that is not reported: the JIT compiles the paths of this traffic
            matchingInserts(db, pipeline, filtered, 20, sizes, null, 0);
            for (int rate : new int[] {20, 100}) {
                matchingInserts(db, pipeline, filtered, rate, sizes, results, rate * 100_000);
            }
            unrelatedQueries(db, pipeline, quick ? 200 : 1_000, results);
        } finally {
            views.forEach(view -> {
                try {
                    TestSessions.close(view);
                } catch (RuntimeException e) {
                    // going away anyway
                }
            });
            MockVaadin.tearDown();
            db.cleanUp(List.of(PUBLICATION));
        }
    }

    /** Opens a view and has its first page pushed; returns the nanoseconds that took. */
    private static long open(Pipeline pipeline, String filter, int expectedCount, List<MillionView> into) {
        long t0 = System.nanoTime();
        MillionView view = TestSessions.openInNewSession(() -> new MillionView(pipeline.liveSync, TENANT,
                pipeline.sessionFactory, filter, now -> { }));
        TestSessions.withLock(view.getUI().orElseThrow().getSession(), () -> view.show(0));
        long elapsed = System.nanoTime() - t0;
        boolean shown = TestSessions.read(view, () -> view.count() == expectedCount && view.row(0) != null);
        if (!shown) {
            throw new IllegalStateException("a view did not show its first page: count " + view.count() + ", expected "
                    + expectedCount);
        }
        into.add(view);
        return elapsed;
    }

    private static void firstRender(Pipeline pipeline, int rows, int matching, Results results) {
        for (String filter : new String[] {null, FILTER}) {
            int expected = filter == null ? rows : matching;
            List<MillionView> opened = new ArrayList<>();
            long cold = open(pipeline, filter, expected, opened);
            opened.forEach(TestSessions::close);
            opened.clear();
            for (int i = 0; i < 5; i++) {
                open(pipeline, filter, expected, opened);
                opened.forEach(TestSessions::close);
                opened.clear();
            }
            long[] samples = new long[SAMPLES];
            for (int i = 0; i < SAMPLES; i++) {
                samples[i] = open(pipeline, filter, expected, opened);
                opened.forEach(TestSessions::close);
                opened.clear();
            }
            Stats stats = Stats.ofNanos(samples);
            String name = filter == null ? "first_render" : "first_render_filtered";
            System.out.printf("%s, %,d rows: cold JVM %.1f ms; %s%n", name, rows, cold / 1e6, stats);
            results.put("lazy_million." + name + "_ms", stats.ms(0.50));
            results.put("lazy_million." + name + "_cold_ms", cold / 1e6);
        }
    }

    private static void deepScroll(Pipeline pipeline, int rows, Results results) {
        List<MillionView> opened = new ArrayList<>();
        open(pipeline, null, rows, opened);
        MillionView view = opened.getFirst();
        long[] samples = new long[SAMPLES];
        for (int i = 0; i < SAMPLES + 2; i++) {
            int at = rows / 2 + (i - SAMPLES / 2) * 10_007;
            long t0 = System.nanoTime();
            TestSessions.withLock(view.getUI().orElseThrow().getSession(), () -> view.show(at));
            long elapsed = System.nanoTime() - t0;
            if (i >= 2) {
                samples[i - 2] = elapsed; // the first two warm the path
            }
        }
        Stats stats = Stats.ofNanos(samples);
        System.out.printf("deep scroll (rows %,d +- %,d): %s%n", rows / 2, 2 * 10_007, stats);
        results.put("lazy_million.deep_scroll_ms", stats.ms(0.50));
        results.put("lazy_million.deep_scroll_max_ms", stats.maxMs());
        opened.forEach(TestSessions::close);
    }

    private static void heapAndViews(Pipeline pipeline, List<MillionView> views, int rows, int matching, Results results)
            throws Exception {
        List<HeapPerView.PlainView> plain = new ArrayList<>();
        HeapPerView.Histogram h0 = HeapPerView.Histogram.take();
        for (int i = 0; i < VIEWS; i++) {
            plain.add(TestSessions.openInNewSession(HeapPerView.PlainView::new));
        }
        HeapPerView.Histogram h1 = HeapPerView.Histogram.take();
        for (int i = 0; i < VIEWS; i++) {
            boolean filtered = i % 2 == 1;
            open(pipeline, filtered ? FILTER : null, filtered ? matching : rows, views);
        }
        HeapPerView.Histogram h2 = HeapPerView.Histogram.take();
        double perView = (h2.total - h1.total) / (double) VIEWS - (h1.total - h0.total) / (double) VIEWS;
        System.out.printf("heap per view (first page shown, %d views over %,d rows): %.0f bytes beyond a plain view%n",
                VIEWS, rows, perView);
        results.put("lazy_million.heap_bytes_per_view", perView);
        plain.forEach(TestSessions::close);
    }

    /**
     * Unrelated updates at {@code rate} a second while a matching row is inserted every 250 ms:
     * commit → shown (in the first rows) in every filtered view; not reported when {@code results}
     * is null (a warm-up).
     */
    private static void matchingInserts(BenchDb db, Pipeline pipeline, List<MillionView> filtered, int rate,
                                        Sizes sizes, Results results, int base) throws Exception {
        int inserts = (int) Math.max(8, sizes.latencySeconds() * 4);
        AtomicLongArray shownAt = new AtomicLongArray(inserts);
        AtomicInteger[] seenBy = new AtomicInteger[inserts];
        for (int i = 0; i < inserts; i++) {
            seenBy[i] = new AtomicInteger();
        }
        for (MillionView view : filtered) {
            TestSessions.withLock(view.getUI().orElseThrow().getSession(), () ->
                    BenchPush.enable(view.getUI().orElseThrow(), view.grid.getDataCommunicator(), () -> {
                long now = System.nanoTime();
                for (int i = 0; i < Math.min(MillionView.PAGE, view.count()); i++) {
                    BenchTask row = view.row(i);
                    if (row != null && row.getTitle().startsWith(INSERT_PREFIX)) {
                        int seq = NEWEST_FIRST - Integer.parseInt(row.getTitle().substring(INSERT_PREFIX.length())) - base;
                        if (seq >= 0 && seq < inserts && view.seen.add(seq + base)
                                && seenBy[seq].incrementAndGet() == filtered.size()) {
                            shownAt.set(seq, now);
                        }
                    }
                }
            }));
        }
        var pageCache = org.vaadin.addons.livesync.TestAccess.pipeline(pipeline.liveSync).dispatcher().pages();
        long computed0 = pageCache.computed();
        int queries0 = MillionView.QUERIES.get();
        Pacer unrelated = new Pacer(1_000_000);
        Thread background = Thread.ofPlatform().name("bench-unrelated").start(() -> {
            try {
                unrelated.run(db, 1, rate, 0, 1_000_000, Duration.ofSeconds((long) (inserts / 4.0 + 10)),
                        connection -> { }, LazyMillion::updateUnrelated);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread.sleep(2_000); // the unrelated stream is steady first
        Pacer writer = new Pacer(inserts);
        writer.run(db, 1, 4, 0, inserts, Duration.ofSeconds(inserts), connection -> { }, (connection, seq) -> {
            try (var insert = connection.prepareStatement("INSERT INTO " + BenchDb.TASK
                    + " (organization_id, title, status) VALUES (" + TENANT + ", ?, 'open')")) {
                insert.setString(1, INSERT_PREFIX + (NEWEST_FIRST - base - seq));
                insert.executeUpdate();
            }
        });
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline && shownAt.get(inserts - 1) == 0) {
            Thread.sleep(20);
        }
        background.interrupt();
        background.join();
        long computed = pageCache.computed() - computed0;
        int queries = MillionView.QUERIES.get() - queries0;
        List<Long> latencies = new ArrayList<>();
        int missing = 0;
        for (int i = 0; i < inserts; i++) {
            if (shownAt.get(i) == 0) {
                missing++;
            } else {
                latencies.add(shownAt.get(i) - writer.sent[i]);
            }
        }
        Stats stats = latencies.isEmpty() ? null : Stats.ofNanos(latencies.stream().mapToLong(Long::longValue).toArray());
        System.out.printf("%smatching insert with %d unrelated changes/s: commit -> shown in all %d filtered views %s;"
                + " %d of %d not shown within 30 s; %.1f lazy-Grid queries per matching insert (%.1f computed by the page"
                + " cache)%n", results == null ? "(warm-up) " : "", rate, filtered.size(), stats, missing, inserts,
                queries / (double) inserts, computed / (double) inserts);
        db.execute("DELETE FROM " + BenchDb.TASK + " WHERE title LIKE '" + INSERT_PREFIX + "%'");
        pipeline.quiesce(Duration.ofSeconds(60));
        if (results == null) {
            return;
        }
        String name = "lazy_million.matching_insert_at_" + rate + "_per_s";
        results.put(name + "_p50_ms", stats == null ? null : stats.ms(0.50));
        results.put(name + "_p99_ms", stats == null ? null : stats.ms(0.99));
        results.put(name + "_not_shown", missing);
        results.put(name + "_queries_per_insert", queries / (double) inserts);
    }

    private static void updateUnrelated(java.sql.Connection connection, int seq) throws java.sql.SQLException {
        // a random seeded row that does not match the filter (every HIT_EVERY-th does)
        long row = ThreadLocalRandom.current().nextLong(1, ROWS / 4);
        if (row % HIT_EVERY == 0) {
            row++;
        }
        try (var update = connection.prepareStatement("UPDATE " + BenchDb.TASK
                + " SET assignee = ? WHERE title = 'row ' || lpad(?::text, 7, '0')")) {
            update.setString(1, "u" + seq);
            update.setLong(2, row);
            update.executeUpdate();
        }
    }

    /** The lazy Grids' own queries while only unrelated updates arrive, per update. */
    private static void unrelatedQueries(BenchDb db, Pipeline pipeline, int updates, Results results) throws Exception {
        pipeline.quiesce(Duration.ofSeconds(60));
        int before = MillionView.QUERIES.get();
        long statements0 = pipeline.counting.statements();
        var dispatcher = org.vaadin.addons.livesync.TestAccess.pipeline(pipeline.liveSync).dispatcher();
        long late0 = dispatcher.setAsideTotal();
        Pacer pacer = new Pacer(updates);
        pacer.run(db, 1, 100, 0, updates, Duration.ofSeconds(updates), connection -> { },
                LazyMillion::updateUnrelated);
        pipeline.quiesce(Duration.ofSeconds(60));
        double perChange = (MillionView.QUERIES.get() - before) / (double) updates;
        double statements = (pipeline.counting.statements() - statements0) / (double) updates;
        long late = dispatcher.setAsideTotal() - late0;
        System.out.printf("unrelated changes: %.3f lazy-Grid queries per change (%d views); all statements through the"
                + " pool per change, LiveSync's row loads included: %.2f; %d of %d transactions delivered late (not"
                + " visible within 20 ms: what they changed is then not known)%n", perChange, VIEWS, statements, late, updates);
        results.put("lazy_million.unrelated_changes_delivered_late", late);
        results.put("lazy_million.queries_per_unrelated_change", perChange);
        results.put("lazy_million.statements_per_unrelated_change", statements);
    }
}
