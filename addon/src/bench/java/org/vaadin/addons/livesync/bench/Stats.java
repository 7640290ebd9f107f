package org.vaadin.addons.livesync.bench;

import java.util.Arrays;

/** Percentiles of latencies measured in nanoseconds, reported in milliseconds. */
final class Stats {

    private final long[] sorted;

    private Stats(long[] sorted) {
        this.sorted = sorted;
    }

    /** The samples that are set ({@code >= 0}); negative values mean "not measured" and are skipped. */
    static Stats ofNanos(long[] samples) {
        return new Stats(Arrays.stream(samples).filter(v -> v >= 0).sorted().toArray());
    }

    int count() {
        return sorted.length;
    }

    /** The q-quantile (nearest rank) in ms, or NaN without samples. */
    double ms(double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }

    double maxMs() {
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6;
    }

    double meanMs() {
        return sorted.length == 0 ? Double.NaN : Arrays.stream(sorted).average().orElse(0) / 1e6;
    }

    /** Puts {@code <prefix>_p50}, {@code _p99} (and more) into the results. */
    void putInto(Results results, String prefix) {
        results.put(prefix + "_p50", ms(0.50));
        results.put(prefix + "_p95", ms(0.95));
        results.put(prefix + "_p99", ms(0.99));
        results.put(prefix + "_max", maxMs());
        results.put(prefix + "_samples", count());
    }

    @Override
    public String toString() {
        return String.format("n=%d p50 %.3f ms, p95 %.3f ms, p99 %.3f ms, max %.3f ms", count(), ms(0.5), ms(0.95),
                ms(0.99), maxMs());
    }

    /**
     * The difference of two timestamp arrays ({@code to - from}), -1 where either is unset or
     * {@code to} is before {@code from} (which would be a fault of the measurement, not a latency).
     */
    static long[] between(long[] from, long[] to, int start, int end) {
        return between(from, to, start, end, false);
    }

    /** As {@link #between(long[], long[], int, int)}; with {@code clampEarly}, {@code to} before {@code from} counts as 0. */
    static long[] between(long[] from, long[] to, int start, int end, boolean clampEarly) {
        long[] d = new long[Math.max(0, end - start)];
        for (int i = start; i < end; i++) {
            if (from[i] <= 0 || to[i] <= 0) {
                d[i - start] = -1;
            } else if (to[i] >= from[i]) {
                d[i - start] = to[i] - from[i];
            } else {
                d[i - start] = clampEarly ? 0 : -1;
            }
        }
        return d;
    }
}
