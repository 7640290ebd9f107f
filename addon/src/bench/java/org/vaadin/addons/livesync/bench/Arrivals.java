package org.vaadin.addons.livesync.bench;

import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * For each writer sequence number: how many views have shown it, and when the first and the last
 * of the views expected to show it did ({@link System#nanoTime()}). Thread-safe.
 */
final class Arrivals {

    final long[] first;
    final long[] done;
    private final AtomicIntegerArray counts;
    private final int expected;
    private final int period;
    private final int base;

    /**
     * @param period commits {@code s} and {@code s + period} update the same row: a view that shows
     *               a row's version {@code s} has applied every earlier commit to that row too (LiveSync
     *               delivers a row's latest state, so a version can be superseded before it is shown)
     */
    Arrivals(int capacity, int expectedViews, int period, int base) {
        this.first = new long[capacity];
        this.done = new long[capacity];
        this.counts = new AtomicIntegerArray(capacity);
        this.expected = expectedViews;
        this.period = period;
        this.base = base;
    }

    /**
     * A view now shows version {@code seq} (a title's number, {@code base} + commit number) of a row
     * whose version it showed before was {@code previous} (-1: none): the commits of this window to
     * that row up to {@code seq} have reached the view.
     */
    void shown(int previous, int seq, long now) {
        for (int s = seq; s > previous && s >= base; s -= period) {
            seen(s - base, now);
        }
    }

    private final java.util.concurrent.atomic.AtomicInteger completed = new java.util.concurrent.atomic.AtomicInteger();

    /** Sequence numbers that have reached every expected view. */
    int completed() {
        return completed.get();
    }

    void seen(int seq, long now) {
        if (seq < 0 || seq >= first.length) {
            return;
        }
        int count = counts.incrementAndGet(seq);
        if (count == 1) {
            first[seq] = now;
        }
        if (count == expected) {
            done[seq] = now;
            completed.incrementAndGet();
        }
    }

    /** Whether every sequence number in the range that was written has reached every view. */
    boolean complete(long[] written, int from, int to) {
        for (int i = from; i < to; i++) {
            if (written[i] != 0 && counts.get(i) < expected) {
                return false;
            }
        }
        return true;
    }

    /** Sequence numbers written but not shown by every expected view. */
    int incomplete(long[] written, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            if (written[i] != 0 && counts.get(i) < expected) {
                n++;
            }
        }
        return n;
    }
}
