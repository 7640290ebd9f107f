package org.vaadin.addons.livesync.bench;

import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import org.vaadin.addons.livesync.TestAccess;
import org.vaadin.addons.livesync.internal.dispatch.PageCache;

/** A paced window of commits of one {@link Mix}, with what each cost and when every view applied it. */
final class LazyWindow {

    /** What a window's commits do. */
    enum Mix {
        /** Even commits update a top row, odd ones insert. */
        MIXED,
        UPDATES,
        INSERTS;

        boolean isUpdate(int seq) {
            return this == UPDATES || this == MIXED && seq % 2 == 0;
        }

        /** Which top row commit {@code seq} updates. */
        int topRow(int seq) {
            return this == MIXED ? (seq / 2) % LazyGrid.TOP : seq % LazyGrid.TOP;
        }

        /** Commits {@code s} and {@code s + period} update the same row. */
        int period() {
            return this == MIXED ? 2 * LazyGrid.TOP : LazyGrid.TOP;
        }
    }
    final Mix mix;
    final double rate;
    final int warm;
    final int total;
    final int base;
    final Pacer pacer;
    final Arrivals arrivals;
    private Map<String, Long> statements = Map.of();
    private Map<String, Double> cpuPerTx = Map.of();
    private long pushChars;
    /** Page and count results the page cache computed during the window. */
    private long computed;

    LazyWindow(Mix mix, double rate, double warmSeconds, double seconds, int base) {
        this.mix = mix;
        this.rate = rate;
        this.warm = (int) (rate * warmSeconds);
        this.total = warm + (int) Math.round(rate * seconds);
        this.base = base;
        this.pacer = new Pacer(total);
        this.arrivals = new Arrivals(total, LazyGrid.VIEWS, mix.period(), base);
    }

    void run(String name, BenchDb db, Pipeline pipeline, long[] top, boolean profile) throws InterruptedException {
        pipeline.quiesce(Duration.ofSeconds(60));
        Map<String, Long> before = pipeline.counting.bySql();
        long chars0 = BenchPush.CHARS.get();
        PageCache pages = TestAccess.pipeline(pipeline.liveSync).dispatcher().pages();
        long computed0 = pages.computed();
        ThreadCpu cpu = ThreadCpu.start(LazyGrid.THREADS);
        try (Profiling profiling = profile ? Profiling.window(name, LazyGrid.THREADS) : null;
             Timeline timeline = profile ? new Timeline(pipeline.liveSync, pacer::acknowledged, arrivals::completed)
                     : null) {
            write(db, top);
            pipeline.quiesce(Duration.ofSeconds(120));
            awaitViews(Duration.ofSeconds(30));
        }
        cpuPerTx = cpu.perUnit(pacer.acknowledged());
        computed = pages.computed() - computed0;
        pushChars = BenchPush.CHARS.get() - chars0;
        Map<String, Long> delta = new LinkedHashMap<>();
        pipeline.counting.bySql().forEach((sql, count) -> {
            long d = count - before.getOrDefault(sql, 0L);
            if (d > 0) {
                delta.put(sql, d);
            }
        });
        statements = delta;
        System.out.printf("%s: %d commits (%s at %.0f/s), %d did not reach every view%n", name, pacer.written(),
                mix, rate, arrivals.incomplete(pacer.sent, 0, total));
    }

    private void write(BenchDb db, long[] top) throws InterruptedException {
        ThreadLocal<PreparedStatement> updates = new ThreadLocal<>();
        ThreadLocal<PreparedStatement> inserts = new ThreadLocal<>();
        pacer.run(db, 4, rate, 0, total, Duration.ofSeconds((long) (total / rate) + 30),
                c -> {
                    updates.set(c.prepareStatement("UPDATE " + BenchDb.TASK
                            + " SET assignee = ?, updated_at = now() WHERE id = ?"));
                    inserts.set(c.prepareStatement("INSERT INTO " + BenchDb.TASK
                            + " (organization_id, title, assignee) VALUES (" + LazyGrid.TENANT + ", ?, 'new')"));
                },
                (c, seq) -> {
                    if (mix.isUpdate(seq)) {
                        PreparedStatement s = updates.get();
                        s.setString(1, "t" + (base + seq));
                        s.setLong(2, top[mix.topRow(seq)]);
                        s.executeUpdate();
                    } else {
                        PreparedStatement s = inserts.get();
                        s.setString(1, LazyGrid.INSERT_PREFIX + String.format("%07d", 9_999_999 - (base + seq)));
                        s.executeUpdate();
                    }
                });
    }

    /** Bounded: until every commit written has reached every view (a late refresh may still be due). */
    private void awaitViews(Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        while (!arrivals.complete(pacer.sent, 0, total) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(5_000_000);
        }
    }

    /** Latency figures under {@code prefix} ({@code lazy.ui}: {@code lazy.ui_p50_ms}, ...). */
    void putLatency(Results results, String prefix) {
        long[] all = Stats.between(pacer.sent, arrivals.done, warm, total);
        long[] first = Stats.between(pacer.sent, arrivals.first, warm, total);
        long[] updates = all.clone();
        long[] inserts = all.clone();
        for (int i = warm; i < total; i++) {
            if (mix.isUpdate(i)) {
                inserts[i - warm] = -1;
            } else {
                updates[i - warm] = -1;
            }
        }
        Stats stats = Stats.ofNanos(all);
        Stats u = Stats.ofNanos(updates);
        Stats in = Stats.ofNanos(inserts);
        Stats f = Stats.ofNanos(first);
        String label = "lazy at " + (int) rate + " tx/s";
        System.out.println(label + ": commit -> applied in every view: " + stats);
        System.out.println(label + ": updates (in place): " + u);
        System.out.println(label + ": inserts (count and range fetched again): " + in);
        System.out.println(label + ": commit -> applied in the first view: " + f);
        double computedPerTx = computed / (double) Math.max(1, pacer.written());
        System.out.printf("%s: %.2f page and count queries per commit (computed by the page cache)%n", label,
                computedPerTx);
        results.put(prefix + "_p50_ms", stats.ms(0.50));
        results.put(prefix + "_p95_ms", stats.ms(0.95));
        results.put(prefix + "_p99_ms", stats.ms(0.99));
        results.put(prefix + "_max_ms", stats.maxMs());
        results.put(prefix + "_samples", stats.count());
        results.put(prefix + "_update_p50_ms", u.ms(0.50));
        results.put(prefix + "_update_p99_ms", u.ms(0.99));
        results.put(prefix + "_insert_p50_ms", in.ms(0.50));
        results.put(prefix + "_insert_p99_ms", in.ms(0.99));
        results.put(prefix + "_first_view_p50_ms", f.ms(0.50));
        results.put(prefix + "_first_view_p99_ms", f.ms(0.99));
        results.put(prefix + "_tx_per_s", rate);
        results.put(prefix + "_queries_per_tx", computedPerTx);
        results.put(prefix + "_push_chars_per_tx", pushChars / (double) Math.max(1, pacer.written()));
        int incomplete = arrivals.incomplete(pacer.sent, warm, total);
        results.put(prefix + "_incomplete", incomplete);
        ThreadCpu.report(cpuPerTx, results, prefix, label);
    }

    /** Page and count statements of the lazy Grids per commit, and everything else (LiveSync's own). */
    void putQueries(Results results, String prefix) {
        long page = 0;
        long count = 0;
        long other = 0;
        Map<String, Double> bySql = new LinkedHashMap<>();
        int written = Math.max(1, pacer.written());
        for (Map.Entry<String, Long> e : statements.entrySet()) {
            String sql = e.getKey().toLowerCase(java.util.Locale.ROOT);
            String kind;
            if (sql.contains("count(")) {
                count += e.getValue();
                kind = "count";
            } else if (sql.contains(" order by ") && (sql.contains(" offset ") || sql.contains(" fetch first "))) {
                page += e.getValue();
                kind = "page";
            } else {
                other += e.getValue();
                kind = "livesync";
            }
            bySql.merge(kind + ": " + CountingDataSource.shortSql(e.getKey()), e.getValue() / (double) written,
                    Double::sum);
        }
        double pagePerTx = page / (double) written;
        double countPerTx = count / (double) written;
        double otherPerTx = other / (double) written;
        System.out.printf("%s (%s, %d views, %d commits): page %.2f + count %.2f = %.2f lazy-Grid queries per "
                        + "commit; LiveSync's own %.2f%n", prefix, mix, LazyGrid.VIEWS, written, pagePerTx, countPerTx,
                pagePerTx + countPerTx, otherPerTx);
        bySql.forEach((sql, per) -> System.out.printf("    %.2f x %s%n", per, sql));
        results.put(prefix, pagePerTx + countPerTx);
        results.put(prefix + "_page", pagePerTx);
        results.put(prefix + "_count", countPerTx);
        results.put(prefix + "_livesync", otherPerTx);
        results.put(prefix + "_transactions", pacer.written());
        results.put(prefix + "_by_sql", bySql);
    }
}
