package org.vaadin.addons.livesync.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.vaadin.addons.livesync.capture.CaptureSettings;
import org.vaadin.addons.livesync.capture.CaptureState;
import org.vaadin.addons.livesync.capture.ReplicationListener;
import org.vaadin.addons.livesync.capture.TransactionConsumer;
import org.vaadin.addons.livesync.decode.RowChange;
import org.vaadin.addons.livesync.decode.Transaction;
import org.vaadin.addons.livesync.testdb.TestDatabase;

/**
 * Measures commit → decoded latency: N single-row autocommit inserts, one at a time, each timed
 * from the statement's start and from the commit's acknowledgement to the moment its decoded
 * {@link Transaction} reaches the consumer. Prints p50/p99/max. A measurement, not a test.
 * <p>
 * Run: {@code bash src/bench/capture-latency [N]}.
 */
public final class CaptureLatency {

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        TestDatabase db = TestDatabase.get();
        String table = TestDatabase.uniqueName("bench_latency");
        String publication = TestDatabase.uniqueName("bench_pub");
        db.execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY, payload text)",
                "CREATE PUBLICATION " + publication + " FOR TABLE " + table);
        long[] decodedAt = new long[n];
        CountDownLatch[] arrived = new CountDownLatch[n];
        Arrays.setAll(arrived, i -> new CountDownLatch(1));
        ConcurrentHashMap<Long, Boolean> seen = new ConcurrentHashMap<>();
        TransactionConsumer consumer = tx -> {
            long now = System.nanoTime();
            for (RowChange change : tx.changes()) {
                long id = change.newRow().get("id", Long.class);
                if (id >= 0 && id < n && seen.putIfAbsent(id, true) == null) {
                    decodedAt[(int) id] = now;
                    arrived[(int) id].countDown();
                }
            }
        };
        CaptureSettings settings = CaptureSettings.forDatabase(db.jdbcUrl(), db.user(), db.password())
                .withPublication(publication);
        long[] fromStart = new long[n];
        long[] fromCommit = new long[n];
        try (ReplicationListener listener = ReplicationListener.create(settings, consumer);
             Connection c = db.connect();
             PreparedStatement insert = c.prepareStatement("INSERT INTO " + table + " VALUES (?, 'x')")) {
            listener.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (listener.state() != CaptureState.STREAMING) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Listener not streaming: " + listener.problems());
                }
                Thread.onSpinWait();
            }
            // warm-up
            for (int i = 0; i < 200; i++) {
                insert.setLong(1, -1 - i);
                insert.executeUpdate();
            }
            for (int i = 0; i < n; i++) {
                insert.setLong(1, i);
                long start = System.nanoTime();
                insert.executeUpdate();
                long committed = System.nanoTime();
                if (!arrived[i].await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("Row " + i + " not decoded within 10 s");
                }
                fromStart[i] = decodedAt[i] - start;
                fromCommit[i] = decodedAt[i] - committed;
            }
        } finally {
            db.execute("DROP PUBLICATION IF EXISTS " + publication, "DROP TABLE IF EXISTS " + table);
        }
        System.out.printf("commit -> decoded, %d single-row commits (PostgreSQL from %s)%n", n, db.origin());
        print("from statement start", fromStart);
        print("from commit acknowledged", fromCommit);
    }

    private static void print(String label, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf("  %-26s p50 %.3f ms  p99 %.3f ms  max %.3f ms%n", label, ms(sorted, 0.50), ms(sorted, 0.99),
                sorted[sorted.length - 1] / 1e6);
    }

    private static double ms(long[] sorted, double q) {
        int index = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }

    private CaptureLatency() {
    }
}
