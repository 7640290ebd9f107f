package org.vaadin.addons.livesync.bench;

import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * SQL statements the add-on issues per committed transaction, counted at the driver (every
 * statement executed through the application's pool, which only LiveSync uses while the window
 * runs): with 10 views over 10 tenants, then with {@link Sizes#queriesViews()} views over the same
 * 10 tenants, so that every transaction reaches 1 view in the first window and 1,000 in the
 * second. Each transaction updates one task of one of those tenants.
 */
final class QueriesPerTx {

    static final String PUBLICATION = "lsbench_queries";
    private static final int TENANTS = 10;
    private static final int ROWS = 20;
    private static final double RATE = 20;

    private QueriesPerTx() {
    }

    static void run(BenchDb db, Sizes sizes, Results results) throws Exception {
        db.cleanUp(List.of(PUBLICATION));
        db.createTaskTable();
        db.seedTasks(1, TENANTS, ROWS);
        long[][] rows = UiLatency.rowsByTenant(db, 1, TENANTS, ROWS);
        try (Pipeline pipeline = new Pipeline(db, PUBLICATION, true); ViewFarm farm = new ViewFarm(pipeline)) {
            farm.preload(1, TENANTS);
            farm.open(TENANTS, 1, TENANTS, false, true, null);
            double small = window(db, pipeline, sizes, rows, 0, results, "views_10");
            farm.open(sizes.queriesViews() - TENANTS, 1, TENANTS, false, true, null);
            double large = window(db, pipeline, sizes, rows, sizes.queriesTx(), results, "views_10000");
            results.put("queries_per_tx.views_10", small);
            results.put("queries_per_tx.views_10000", large);
            results.put("queries_per_tx.large_views", farm.size());
        } finally {
            db.cleanUp(List.of(PUBLICATION));
        }
    }

    private static double window(BenchDb db, Pipeline pipeline, Sizes sizes, long[][] rows, int offset,
                                 Results results, String name) throws InterruptedException {
        pipeline.quiesce(Duration.ofSeconds(60));
        long statements0 = pipeline.counting.statements();
        Map<String, Long> bySql0 = pipeline.counting.bySql();
        long fetches0 = pipeline.liveSync.metrics().rowQueries();
        long delivered0 = pipeline.liveSync.metrics().deliveredRows();
        int n = sizes.queriesTx();
        Pacer pacer = new Pacer(offset + n);
        ThreadLocal<PreparedStatement> statements = new ThreadLocal<>();
        int written = pacer.run(db, 1, RATE, offset, offset + n, Duration.ofSeconds((long) (n / RATE) + 30),
                c -> statements.set(c.prepareStatement("UPDATE " + BenchDb.TASK
                        + " SET title = ?, updated_at = now() WHERE id = ?")),
                (c, seq) -> {
                    PreparedStatement s = statements.get();
                    s.setString(1, "t" + seq);
                    s.setLong(2, rows[seq % TENANTS][(seq / TENANTS) % ROWS]);
                    s.executeUpdate();
                });
        pipeline.quiesce(Duration.ofSeconds(120));
        long executed = pipeline.counting.statements() - statements0;
        long fetches = pipeline.liveSync.metrics().rowQueries() - fetches0;
        long delivered = pipeline.liveSync.metrics().deliveredRows() - delivered0;
        Map<String, Double> perTx = new LinkedHashMap<>();
        pipeline.counting.bySql().forEach((sql, count) -> {
            long d = count - bySql0.getOrDefault(sql, 0L);
            if (d > 0) {
                perTx.merge(CountingDataSource.shortSql(sql), d / (double) written, Double::sum);
            }
        });
        double result = executed / (double) written;
        System.out.printf("%s: %d transactions, %d statements (%.2f per transaction), %d row fetches, "
                + "%d rows delivered to views%n", name, written, executed, result, fetches, delivered);
        perTx.forEach((sql, per) -> System.out.printf("    %.2f x %s%n", per, sql));
        results.put("queries_per_tx." + name + "_transactions", written);
        results.put("queries_per_tx." + name + "_row_delivered", delivered);
        results.put("queries_per_tx." + name + "_by_sql", perTx);
        return result;
    }
}
