package org.vaadin.addons.livesync.bench;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A steady writer: commit number {@code i} is due at {@code start + i / rate}; a few connections
 * take the due commits in turn (open loop: a slow commit does not delay the schedule of the others
 * unless all connections are busy). Records for each commit when it was sent ({@code sent}) and
 * when the server acknowledged it ({@code acked}), as {@link System#nanoTime()}. Bounded in count
 * and time.
 */
final class Pacer {

    /** One commit: runs in autocommit on the writer's own connection. */
    @FunctionalInterface
    interface Write {
        void run(Connection connection, int seq) throws SQLException;
    }

    /** Connection set-up for each writer (e.g. prepared statements). */
    @FunctionalInterface
    interface Setup {
        void run(Connection connection) throws SQLException;
    }

    final long[] sent;
    final long[] acked;
    private final AtomicInteger next = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile int written;
    private final AtomicInteger inFlight = new AtomicInteger();

    Pacer(int capacity) {
        this.sent = new long[capacity];
        this.acked = new long[capacity];
    }

    /**
     * Writes commits {@code from} (inclusive) to {@code to} (exclusive) at {@code ratePerSecond},
     * with {@code connections} writers; returns when done or when {@code maxTime} ran out.
     *
     * @return how many were written
     */
    int run(BenchDb db, int connections, double ratePerSecond, int from, int to, Duration maxTime, Setup setup,
            Write write) throws InterruptedException {
        next.set(from);
        long interval = (long) (1e9 / ratePerSecond);
        long start = System.nanoTime() + 1_000_000;
        long deadline = start + maxTime.toNanos();
        AtomicInteger count = new AtomicInteger();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < connections; t++) {
            threads.add(Thread.ofPlatform().name("bench-writer-" + t).start(() -> {
                try (Connection c = db.connect()) {
                    setup.run(c);
                    while (failure.get() == null) {
                        int seq = next.getAndIncrement();
                        if (seq >= to) {
                            return;
                        }
                        long due = start + (seq - from) * interval;
                        if (due > deadline) {
                            return;
                        }
                        parkUntil(due);
                        sent[seq] = System.nanoTime();
                        write.run(c, seq);
                        acked[seq] = System.nanoTime();
                        count.incrementAndGet();
                        inFlight.incrementAndGet();
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join(maxTime.toMillis() + 30_000);
        }
        if (failure.get() != null) {
            throw new IllegalStateException("A writer failed: " + failure.get(), failure.get());
        }
        written += count.get();
        return count.get();
    }

    int written() {
        return written;
    }

    /** Commits acknowledged so far, including a run in progress. */
    int acknowledged() {
        return inFlight.get();
    }

    static void parkUntil(long due) {
        // no spinning: on two cores a spinning writer would take CPU from the server it measures
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
        }
    }
}
