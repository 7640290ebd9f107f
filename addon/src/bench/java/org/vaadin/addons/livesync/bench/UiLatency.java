package org.vaadin.addons.livesync.bench;

import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Commit → applied in every matching view: {@link Sizes#uiViews()} views over
 * {@link Sizes#uiTenants()} tenants, each a Grid bound through {@code watchList} in a Vaadin
 * session and UI of its own (no browser; the session locks are free, so each {@code UI.access}
 * runs on LiveSync's delivery thread as on a server). A steady writer updates one task's title per
 * commit ({@code t<seq>}), cycling over tenants and their rows; a commit's latency is from the
 * statement being sent until the last of its tenant's views has applied it (the Grid's data
 * provider has been refreshed inside {@code UI.access}) — or a later version of the same row, which
 * LiveSync may deliver instead when it re-fetches after a newer commit. Push (UIDL serialisation
 * and the websocket write) is not part of it: see the browser measurement.
 */
final class UiLatency {

    static final String PUBLICATION = "lsbench_ui";
    static final int ROWS_PER_TENANT = 20;

    private UiLatency() {
    }

    static void run(BenchDb db, Sizes sizes, Results results) throws Exception {
        int tenants = sizes.uiTenants();
        int viewsPerTenant = sizes.uiViews() / tenants;
        db.cleanUp(List.of(PUBLICATION));
        db.createTaskTable();
        db.seedTasks(1, tenants, ROWS_PER_TENANT);
        long[][] rows = rowsByTenant(db, 1, tenants, ROWS_PER_TENANT);
        try (Pipeline pipeline = new Pipeline(db, PUBLICATION); ViewFarm farm = new ViewFarm(pipeline)) {
            Window window = new Window(sizes, viewsPerTenant, tenants * ROWS_PER_TENANT, 0);
            // the views report to the window that runs
            AtomicReference<Arrivals> current = new AtomicReference<>(window.arrivals);
            long t0 = System.nanoTime();
            farm.open(sizes.uiViews(), 1, tenants, true, false, (previous, seq, now) -> current.get().shown(previous, seq, now));
            System.out.printf("opened %d views over %d tenants in %.1f s%n", farm.size(), tenants,
                    (System.nanoTime() - t0) / 1e9);
            pipeline.quiesce(Duration.ofSeconds(30));
            window.run("ui_latency", db, pipeline, sizes, seq -> rows[seq % tenants][(seq / tenants) % ROWS_PER_TENANT]);
            window.putInto(results, "latency_ms.ui", "ui");
            // the same at a fifth of the rate: the latency when the pipeline is not saturated
            Window slower = new Window(sizes, sizes.rate() / 5, viewsPerTenant, tenants * ROWS_PER_TENANT, 1_000_000);
            pipeline.quiesce(Duration.ofSeconds(30));
            current.set(slower.arrivals);
            slower.run("ui_latency_slower", db, pipeline, sizes,
                    seq -> rows[seq % tenants][(seq / tenants) % ROWS_PER_TENANT]);
            slower.putInto(results, "latency_ms.ui_at_" + (int) slower.rate + "_tx_per_s", "ui at " + (int) slower.rate
                    + " tx/s");
            results.put("latency_ms.ui_views", farm.size());
            results.put("latency_ms.ui_tenants", tenants);
        } finally {
            db.cleanUp(List.of(PUBLICATION));
        }
    }

    /** The task ids of tenants {@code first..first+tenants-1}, {@code perTenant} each, in id order. */
    static long[][] rowsByTenant(BenchDb db, long first, int tenants, int perTenant) {
        long[][] rows = new long[tenants][perTenant];
        List<Long> ids = db.queryLongs("SELECT id FROM " + BenchDb.TASK + " WHERE organization_id BETWEEN " + first
                + " AND " + (first + tenants - 1) + " ORDER BY organization_id, id");
        if (ids.size() != (long) tenants * perTenant) {
            throw new IllegalStateException("expected " + tenants * perTenant + " rows, found " + ids.size());
        }
        for (int i = 0; i < ids.size(); i++) {
            rows[i / perTenant][i % perTenant] = ids.get(i);
        }
        return rows;
    }

    /** A steady update window: warm-up, then the counted commits, then a bounded wait for the views. */
    static final class Window {
        final int warm;
        final int total;
        final Pacer pacer;
        final Arrivals arrivals;
        final int base;
        final double rate;

        /**
         * @param rows the rows the writer cycles over (commit {@code s} and {@code s + rows} update one row)
         * @param base the number the window's titles start at: distinct per window, so that rows left
         *             with an earlier window's titles are not taken for this one's
         */
        Window(Sizes sizes, int viewsPerTenant, int rows, int base) {
            this(sizes, sizes.rate(), viewsPerTenant, rows, base);
        }

        /** A window at {@code rate} commits per second instead of the steady rate of the sizes. */
        Window(Sizes sizes, double rate, int viewsPerTenant, int rows, int base) {
            this.rate = rate;
            this.warm = (int) (rate * sizes.warmSeconds());
            this.total = warm + (int) (rate * sizes.latencySeconds());
            this.pacer = new Pacer(total);
            this.arrivals = new Arrivals(total, viewsPerTenant, rows, base);
            this.base = base;
        }

        void run(String name, BenchDb db, Pipeline pipeline, Sizes sizes, java.util.function.IntToLongFunction rowOf)
                throws InterruptedException {
            ThreadCpu cpu = ThreadCpu.start(ThreadCpu.LIVESYNC);
            try (Profiling profiling = Profiling.window(name);
                 Timeline timeline = new Timeline(pipeline.liveSync, pacer::acknowledged, arrivals::completed)) {
                write(db, sizes, rowOf);
                // every commit has been delivered (or dropped as coalesced) once the pipeline is idle
                pipeline.quiesce(Duration.ofSeconds(120));
            }
            cpuPerTx = cpu.perUnit(pacer.acknowledged());
        }

        Map<String, Double> cpuPerTx = Map.of();

        private void write(BenchDb db, Sizes sizes, java.util.function.IntToLongFunction rowOf) throws InterruptedException {
            ThreadLocal<PreparedStatement> statements = new ThreadLocal<>();
            pacer.run(db, 4, rate, 0, total,
                    Duration.ofSeconds((long) (sizes.warmSeconds() + sizes.latencySeconds()) + 30),
                    c -> statements.set(c.prepareStatement("UPDATE " + BenchDb.TASK
                            + " SET title = ?, updated_at = now() WHERE id = ?")),
                    (c, seq) -> {
                        PreparedStatement s = statements.get();
                        s.setString(1, "t" + (base + seq));
                        s.setLong(2, rowOf.applyAsLong(seq));
                        s.executeUpdate();
                    });
        }

        Stats stats() {
            return Stats.ofNanos(Stats.between(pacer.sent, arrivals.done, warm, total));
        }

        void putInto(Results results, String prefix, String label) {
            Stats all = stats();
            Stats first = Stats.ofNanos(Stats.between(pacer.sent, arrivals.first, warm, total));
            System.out.println(label + " commit -> applied in every matching view: " + all);
            System.out.println(label + " commit -> applied in the first matching view: " + first);
            results.put(prefix + "_p50", all.ms(0.50));
            results.put(prefix + "_p95", all.ms(0.95));
            results.put(prefix + "_p99", all.ms(0.99));
            results.put(prefix + "_max", all.maxMs());
            results.put(prefix + "_first_view_p50", first.ms(0.50));
            results.put(prefix + "_first_view_p99", first.ms(0.99));
            results.put(prefix + "_samples", all.count());
            ThreadCpu.report(cpuPerTx, results, prefix, label);
            int incomplete = arrivals.incomplete(pacer.sent, warm, total);
            if (incomplete > 0) {
                results.put(prefix + "_incomplete", incomplete);
                System.out.println(label + ": " + incomplete + " commits did not reach every view");
            }
        }
    }
}
