package org.vaadin.addons.livesync.bench;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * What an interruption of the stream costs: {@link Sizes#heapViews()} views (lists of 10 rows each,
 * 100 tenants, each view its own session) are open, the walsender is killed, and right after it
 * one transaction changes a row of every tenant. Measured per kind of slot: the database statements
 * spent because of the kill ({@code queries_after_kill}: the application pool's statements from the
 * kill until every view is fresh and nothing is pending, minus what the same change costs on an
 * uninterrupted stream), and the time from the kill until every view shows the change
 * ({@code seconds_to_fresh}). A permanent slot resumes where it was (target: 0 queries); a temporary
 * slot cannot, so every view reloads, at most {@code maxConcurrentReloads} at once.
 */
final class Resync {

    static final String PUBLICATION = "lsbench_resync";
    private static final int TENANTS = 100;
    private static final int ROWS = 10;
    private static final int BASELINE = 500_000;
    private static final int MARK = 1_000_000;

    private Resync() {
    }

    static void run(BenchDb db, Sizes sizes, Results results) throws Exception {
        int views = sizes.heapViews();
        results.put("resync.views", views);
        measure(db, views, true, results, "resync.durable");
        measure(db, views, false, results, "resync.temporary");
    }

    private static void measure(BenchDb db, int views, boolean durable, Results results, String prefix)
            throws Exception {
        db.cleanUp(List.of(PUBLICATION));
        db.createTaskTable();
        db.seedTasks(1, TENANTS, ROWS);
        String slot = BenchDb.slotName("resync");
        AtomicInteger fresh = new AtomicInteger();
        BenchView.Probe probe = (previous, seq, now) -> {
            if (seq >= MARK && previous < MARK) {
                fresh.incrementAndGet();
            }
        };
        try (Pipeline pipeline = new Pipeline(db, PUBLICATION, true,
                c -> durable ? c.withTemporarySlot(false).withSlotName(slot) : c);
             ViewFarm farm = new ViewFarm(pipeline)) {
            long opening = System.nanoTime();
            farm.open(views, 1, TENANTS, false, false, probe);
            System.out.printf("%s: opened %,d views over %d tenants in %.1f s%n", prefix, views, TENANTS,
                    (System.nanoTime() - opening) / 1e9);
            pipeline.quiesce(Duration.ofSeconds(60));

            long before = pipeline.counting.statements();
            touchEveryTenant(db, BASELINE);
            pipeline.quiesce(Duration.ofSeconds(60));
            long baseline = pipeline.counting.statements() - before;

            long reconnects = pipeline.liveSync.metrics().reconnects();
            long statements = pipeline.counting.statements();
            long killed = System.nanoTime();
            db.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = '"
                    + pipeline.liveSync.settings().slotName() + "' AND active");
            touchEveryTenant(db, MARK);
            await(() -> fresh.get() >= views, "every view shows the change committed after the kill");
            double seconds = (System.nanoTime() - killed) / 1e9;
            await(() -> pipeline.liveSync.metrics().reconnects() > reconnects && pipeline.liveSync.liveState().isLive()
                    && !pipeline.liveSync.liveState().isResyncing(), "live again, nothing to reload");
            pipeline.quiesce(Duration.ofSeconds(120));
            long queries = pipeline.counting.statements() - statements - baseline;
            System.out.printf("%s: %,d statements because of the kill (the change itself costs %d), every view"
                    + " fresh %.2f s after the kill%n", prefix, queries, baseline, seconds);
            results.put(prefix + ".queries_after_kill", Math.max(0, queries));
            results.put(prefix + ".seconds_to_fresh", seconds);
            results.put(prefix + ".change_statements", baseline);
        } finally {
            db.cleanUp(List.of(PUBLICATION));
            db.dropSlot(slot);
        }
    }

    /** One transaction that gives the first row of every tenant the title {@code t<seq>}. */
    private static void touchEveryTenant(BenchDb db, int seq) {
        db.execute("UPDATE " + BenchDb.TASK + " SET title = 't" + seq + "' WHERE id IN (SELECT min(id) FROM "
                + BenchDb.TASK + " GROUP BY organization_id)");
    }

    private static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Not within 300 s: " + what);
            }
            LockSupport.parkNanos(2_000_000);
        }
    }
}
