package org.vaadin.addons.livesync.bench;

/**
 * How big each measurement is: the full run, or {@code --quick} (every measurement, reduced, in a
 * few minutes on two cores). The sizes used are written into {@code results.json}.
 *
 * @param backlogCommits  commits in the capture backlog (a quarter of them insert 10 rows each)
 * @param rate            commits per second of the steady writers
 * @param warmSeconds     warm-up traffic before each latency window (not counted)
 * @param latencySeconds  length of each latency window
 * @param uiViews         views of the UI latency measurement
 * @param uiTenants       tenants they are spread over
 * @param unrelatedViews  views of other tenants in the fan-out measurement
 * @param queriesViews    views in the larger queries-per-transaction measurement
 * @param queriesTx       transactions counted there, at each size
 * @param heapViews       views whose heap is measured
 * @param tpsSeconds      length of each write-throughput window
 * @param tpsRounds       rounds of (none, livesync, trigger) windows
 * @param browserSamples  changes timed in the browser
 */
record Sizes(int backlogCommits, double rate, double warmSeconds, double latencySeconds, int uiViews, int uiTenants,
             int unrelatedViews, int queriesViews, int queriesTx, int heapViews, double tpsSeconds, int tpsRounds,
             int browserSamples) {

    static final Sizes FULL = new Sizes(200_000, 500, 5, 20, 1_000, 100, 10_000, 10_000, 100, 10_000, 15, 4, 200);
    static final Sizes QUICK = new Sizes(20_000, 500, 2, 5, 1_000, 100, 2_000, 2_000, 30, 2_000, 4, 2, 30);

    /** Rows in the capture backlog: single-row commits plus 10 rows per multi-row commit. */
    long backlogRows() {
        return singleRowCommits() + 10L * multiRowCommits();
    }

    int multiRowCommits() {
        return backlogCommits / 4;
    }

    int singleRowCommits() {
        return backlogCommits - multiRowCommits();
    }

    void putInto(Results results) {
        results.put("sizes.capture_backlog_commits", backlogCommits);
        results.put("sizes.capture_backlog_rows", backlogRows());
        results.put("sizes.steady_tx_per_s", rate);
        results.put("sizes.latency_window_s", latencySeconds);
        results.put("sizes.ui_views", uiViews);
        results.put("sizes.ui_tenants", uiTenants);
        results.put("sizes.fanout_unrelated_views", unrelatedViews);
        results.put("sizes.queries_views", queriesViews);
        results.put("sizes.queries_tx", queriesTx);
        results.put("sizes.heap_views", heapViews);
        results.put("sizes.write_tps_window_s", tpsSeconds);
        results.put("sizes.write_tps_rounds", tpsRounds);
        results.put("sizes.browser_samples", browserSamples);
    }
}
