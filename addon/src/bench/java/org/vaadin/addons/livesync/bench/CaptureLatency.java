package org.vaadin.addons.livesync.bench;

import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import org.vaadin.addons.livesync.CaptureSettings;
import org.vaadin.addons.livesync.CaptureState;
import org.vaadin.addons.livesync.internal.capture.ReplicationListener;
import org.vaadin.addons.livesync.internal.decode.RowChange;

/**
 * Commit → decoded latency at a steady rate: single-row inserts, each its own commit, at
 * {@link Sizes#rate()} per second (a few writer connections, open loop), timed from the moment the
 * writer sends the statement to the moment the decoded transaction reaches the consumer:
 * <ul>
 * <li><b>capture</b>: our {@link ReplicationListener} (temporary slot, as the product runs);</li>
 * <li><b>debezium</b>: Debezium's embedded engine (see {@link DebeziumRunner} for its settings) —
 * the moment its change event reaches the engine's consumer.</li>
 * </ul>
 * Each runs alone, after a warm-up at the same rate. The time from the commit's acknowledgement is
 * reported too ({@code _from_ack}): it can be shorter, as the walsender may send the commit before
 * the client hears of it.
 */
final class CaptureLatency {

    private static final String PUBLICATION = "lsbench_latency";
    private static final int WRITERS = 4;

    private CaptureLatency() {
    }

    static void run(BenchDb db, Sizes sizes, Results results) throws Exception {
        db.cleanUp(List.of(PUBLICATION));
        db.createTaskTable();
        db.execute("CREATE PUBLICATION " + PUBLICATION + " FOR TABLE " + BenchDb.TASK);
        try {
            measureLiveSync(db, sizes, results);
            measureDebezium(db, sizes, results);
            results.put("latency_ms.debezium_version", DebeziumRunner.VERSION);
        } finally {
            db.cleanUp(List.of(PUBLICATION));
        }
    }

    /** The ids of one window, and when each was decoded. */
    private static final class Window {
        final int warm;
        final int total;
        final long idBase;
        final long[] decoded;
        final Pacer pacer;

        Window(Sizes sizes, long idBase) {
            this.warm = (int) (sizes.rate() * sizes.warmSeconds());
            this.total = warm + (int) (sizes.rate() * sizes.latencySeconds());
            this.idBase = idBase;
            this.decoded = new long[total];
            this.pacer = new Pacer(total);
        }

        void arrived(long id, long now) {
            long seq = id - idBase;
            if (seq >= 0 && seq < total && decoded[(int) seq] == 0) {
                decoded[(int) seq] = now;
            }
        }

        void write(BenchDb db, Sizes sizes) throws InterruptedException {
            Duration max = Duration.ofSeconds((long) (sizes.warmSeconds() + sizes.latencySeconds()) + 30);
            ThreadLocal<PreparedStatement> statements = new ThreadLocal<>();
            pacer.run(db, WRITERS, sizes.rate(), 0, total, max,
                    c -> statements.set(c.prepareStatement("INSERT INTO " + BenchDb.TASK
                            + " (id, organization_id, title, notes) VALUES (?, 1, ?, 'latency probe')")),
                    (c, seq) -> {
                        PreparedStatement s = statements.get();
                        s.setLong(1, idBase + seq);
                        s.setString(2, "probe " + seq);
                        s.executeUpdate();
                    });
        }

        /** Waits (bounded) until every written row was seen. */
        void awaitArrivals(Duration max) {
            long deadline = System.nanoTime() + max.toNanos();
            while (System.nanoTime() < deadline) {
                boolean all = true;
                for (int i = 0; i < total; i++) {
                    if (pacer.acked[i] != 0 && decoded[i] == 0) {
                        all = false;
                        break;
                    }
                }
                if (all) {
                    return;
                }
                LockSupport.parkNanos(10_000_000);
            }
        }

        void putInto(Results results, String name) {
            Stats fromSent = Stats.ofNanos(Stats.between(pacer.sent, decoded, warm, total));
            // the walsender may send a commit before the client hears of it: such a sample counts as 0
            Stats fromAck = Stats.ofNanos(Stats.between(pacer.acked, decoded, warm, total, true));
            System.out.println(name + " latency from statement sent: " + fromSent);
            System.out.println(name + " latency from commit acked:   " + fromAck);
            results.put("latency_ms." + name + "_p50", fromSent.ms(0.50));
            results.put("latency_ms." + name + "_p99", fromSent.ms(0.99));
            results.put("latency_ms." + name + "_max", fromSent.maxMs());
            results.put("latency_ms." + name + "_from_ack_p50", fromAck.ms(0.50));
            results.put("latency_ms." + name + "_from_ack_p99", fromAck.ms(0.99));
            results.put("latency_ms." + name + "_samples", fromSent.count());
            int lost = (total - warm) - fromSent.count();
            if (lost > 0) {
                results.put("latency_ms." + name + "_missing", lost);
            }
        }
    }

    private static void measureLiveSync(BenchDb db, Sizes sizes, Results results) throws Exception {
        Window window = new Window(sizes, 1_000_000);
        CaptureSettings settings = CaptureSettings.forDatabase(db.url(), db.user(), db.password())
                .withPublication(PUBLICATION);
        try (ReplicationListener listener = ReplicationListener.create(settings, tx -> {
            long now = System.nanoTime();
            for (RowChange change : tx.changes()) {
                if (change.newRow() != null) {
                    window.arrived(change.newRow().get("id", Long.class), now);
                }
            }
        })) {
            listener.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (listener.state() != CaptureState.STREAMING) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("The listener is not streaming: " + listener.problems());
                }
                LockSupport.parkNanos(5_000_000);
            }
            try (Profiling profiling = Profiling.window("capture_latency")) {
                window.write(db, sizes);
                window.awaitArrivals(Duration.ofSeconds(30));
            }
        }
        window.putInto(results, "capture");
    }

    private static void measureDebezium(BenchDb db, Sizes sizes, Results results) throws Exception {
        Window window = new Window(sizes, 2_000_000);
        String slot = BenchDb.slotName("dbzlat");
        // the engine has started streaming once a row written after its start arrives
        AtomicLong ready = new AtomicLong();
        try (DebeziumRunner engine = new DebeziumRunner(db, slot, true, PUBLICATION, record -> {
            long now = System.nanoTime();
            Long id = DebeziumRunner.afterId(record);
            if (id != null) {
                if (id < 1_000_000) {
                    ready.set(now);
                }
                window.arrived(id, now);
            }
        })) {
            engine.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            long marker = 1;
            while (ready.get() == 0) {
                if (engine.failure() != null) {
                    throw new IllegalStateException("Debezium failed: " + engine.failure(), engine.failure());
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Debezium did not start streaming within 120 s");
                }
                db.execute("INSERT INTO " + BenchDb.TASK + " (id, organization_id, title) VALUES (" + marker++
                        + ", 1, 'debezium start marker')");
                LockSupport.parkNanos(200_000_000);
            }
            try (Profiling profiling = Profiling.window("debezium_latency", List.of("debezium", "bench-debezium", "pool"))) {
                window.write(db, sizes);
                window.awaitArrivals(Duration.ofSeconds(30));
            }
        } finally {
            db.dropSlot(slot);
        }
        window.putInto(results, "debezium");
    }
}
