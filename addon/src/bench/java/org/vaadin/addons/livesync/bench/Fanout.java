package org.vaadin.addons.livesync.bench;

import java.time.Duration;
import java.util.List;

/**
 * Whether views of other tenants cost one tenant anything: the UI latency of tenant 1 (10 views,
 * Grids, 100 rows; a steady writer updates them at {@value #RATE} commits per second, a rate this
 * machine does not saturate, so that the latency is the work per commit and not queueing) first
 * alone, then with
 * {@link Sizes#unrelatedViews()} views of 1,000 other tenants attached (Grids showing their 10
 * rows each), which receive nothing, and alone again once they are closed (so that drift on the
 * shared machine shows: the figure "alone" is the mean of the two). A first, unmeasured window warms
 * the JIT and the pool up.
 */
final class Fanout {

    static final String PUBLICATION = "lsbench_fanout";
    private static final int VIEWS = 10;
    private static final int ROWS = 100;
    private static final int OTHER_TENANTS = 1_000;
    private static final int OTHER_ROWS = 10;
    static final double RATE = 100;

    private Fanout() {
    }

    static void run(BenchDb db, Sizes sizes, Results results) throws Exception {
        db.cleanUp(List.of(PUBLICATION));
        db.createTaskTable();
        db.seedTasks(1, 1, ROWS);
        db.seedTasks(2, OTHER_TENANTS, OTHER_ROWS);
        long[] rows = UiLatency.rowsByTenant(db, 1, 1, ROWS)[0];
        try (Pipeline pipeline = new Pipeline(db, PUBLICATION); ViewFarm farm = new ViewFarm(pipeline)) {
            UiLatency.Window warmUp = new UiLatency.Window(sizes, RATE, VIEWS, ROWS, 0);
            List<BenchView> tenant = farm.open(VIEWS, 1, 1, true, false, warmUp.arrivals::shown);
            pipeline.quiesce(Duration.ofSeconds(30));
            warmUp.run("fanout_warmup", db, pipeline, sizes, seq -> rows[seq % ROWS]);
            farm.close(tenant);

            UiLatency.Window alone = new UiLatency.Window(sizes, RATE, VIEWS, ROWS, 1_000_000);
            tenant = farm.open(VIEWS, 1, 1, true, false, alone.arrivals::shown);
            pipeline.quiesce(Duration.ofSeconds(30));
            alone.run("fanout_alone", db, pipeline, sizes, seq -> rows[seq % ROWS]);
            alone.putInto(results, "fanout.alone", "tenant alone");
            farm.close(tenant);

            long t0 = System.nanoTime();
            farm.preload(2, OTHER_TENANTS);
            farm.open(sizes.unrelatedViews(), 2, OTHER_TENANTS, true, true, null);
            System.out.printf("opened %d unrelated views over %d tenants in %.1f s%n", sizes.unrelatedViews(),
                    OTHER_TENANTS, (System.nanoTime() - t0) / 1e9);
            UiLatency.Window crowded = new UiLatency.Window(sizes, RATE, VIEWS, ROWS, 2_000_000);
            farm.open(VIEWS, 1, 1, true, false, crowded.arrivals::shown);
            System.gc();
            pipeline.quiesce(Duration.ofSeconds(30));
            crowded.run("fanout_crowded", db, pipeline, sizes, seq -> rows[seq % ROWS]);
            crowded.putInto(results, "fanout.crowded", "tenant among " + sizes.unrelatedViews() + " other views");
            results.put("fanout.registrations_crowded", pipeline.liveSync.metrics().registrations());

            farm.close(List.copyOf(farm.views()));
            System.gc();
            UiLatency.Window again = new UiLatency.Window(sizes, RATE, VIEWS, ROWS, 3_000_000);
            farm.open(VIEWS, 1, 1, true, false, again.arrivals::shown);
            pipeline.quiesce(Duration.ofSeconds(30));
            again.run("fanout_alone_again", db, pipeline, sizes, seq -> rows[seq % ROWS]);
            again.putInto(results, "fanout.alone_again", "tenant alone again");

            double p50Alone = (alone.stats().ms(0.5) + again.stats().ms(0.5)) / 2;
            double p50Crowded = crowded.stats().ms(0.5);
            results.put("fanout.ui_p50_ms_0_unrelated", p50Alone);
            results.put("fanout.ui_p50_ms_10000_unrelated", p50Crowded);
            results.put("fanout.ui_p99_ms_0_unrelated", (alone.stats().ms(0.99) + again.stats().ms(0.99)) / 2);
            results.put("fanout.ui_p99_ms_10000_unrelated", crowded.stats().ms(0.99));
            results.put("fanout.unrelated_views", sizes.unrelatedViews());
            results.put("fanout.tx_per_s", RATE);
            results.put("fanout.ratio_p50", p50Crowded / p50Alone);
        } finally {
            db.cleanUp(List.of(PUBLICATION));
        }
    }
}
