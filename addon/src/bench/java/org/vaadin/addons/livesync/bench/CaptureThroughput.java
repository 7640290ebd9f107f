package org.vaadin.addons.livesync.bench;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import org.postgresql.PGConnection;
import org.postgresql.replication.PGReplicationStream;
import org.vaadin.addons.livesync.CaptureSettings;
import org.vaadin.addons.livesync.internal.capture.ReplicationListener;

/**
 * Capture throughput from a backlog: slots are created (nobody reads them), then the backlog is
 * written — single-row inserts and updates and 10-row inserts, each its own commit — and then each
 * reader drains its own slot, one after the other:
 * <ul>
 * <li><b>raw</b>: pgjdbc's {@link PGReplicationStream} and nothing else (the message's type byte is
 * looked at to count rows): the limit of server + driver on this machine;</li>
 * <li><b>livesync</b>: {@link ReplicationListener} (reader thread decoding into {@code Transaction}s,
 * handover queue, delivery thread) with a consumer that counts rows;</li>
 * <li><b>debezium</b>: the embedded engine with the PostgreSQL connector on pgoutput, counting
 * change events.</li>
 * </ul>
 * A first raw drain of a fourth slot only warms the server's caches. Rows per second are counted
 * from the first row to the last (the drain itself); the time from opening the connection is given
 * too ({@code _incl_startup}), as are CPU seconds of the reader's JVM and of its walsender.
 */
final class CaptureThroughput {

    private static final String PUBLICATION = "lsbench_capture";
    private static final Duration MAX_DRAIN = Duration.ofMinutes(6);

    private CaptureThroughput() {
    }

    static void run(BenchDb db, Sizes sizes, Results results) throws Exception {
        String warm = BenchDb.slotName("warm");
        String raw = BenchDb.slotName("raw");
        String ours = BenchDb.slotName("livesync");
        String debezium = BenchDb.slotName("debezium");
        String recvlogical = BenchDb.slotName("recvlogical");
        List<String> slots = List.of(warm, raw, ours, debezium, recvlogical);
        db.cleanUp(List.of(PUBLICATION));
        db.createTaskTable();
        db.seedTasks(1, 100, 10); // rows for the updates, written before the slots: not part of the backlog
        db.execute("CREATE PUBLICATION " + PUBLICATION + " FOR TABLE " + BenchDb.TASK);
        try {
            slots.forEach(db::createSlot);
            long rows = writeBacklog(db, sizes);
            results.put("capture.backlog_commits", sizes.backlogCommits());
            results.put("capture.backlog_rows", rows);
            long walBytes = db.queryLong("SELECT pg_current_wal_lsn() - confirmed_flush_lsn FROM pg_replication_slots "
                    + "WHERE slot_name = '" + raw + "'");
            results.put("capture.backlog_wal_bytes", walBytes);
            System.out.printf("backlog: %d commits, %d rows, %.1f MB of WAL%n", sizes.backlogCommits(), rows,
                    walBytes / 1e6);

            Drain warmUp = drainRaw(db, warm, rows);
            System.out.println("warm-up (raw): " + warmUp);
            db.dropSlot(warm);

            Drain rawDrain = drainRaw(db, raw, rows);
            System.out.println("raw:       " + rawDrain);
            rawDrain.putInto(results, "raw");
            db.dropSlot(raw);

            Double serverOwn = drainRecvlogical(db, recvlogical, rows);
            results.put("capture.recvlogical_rows_per_s", serverOwn);
            db.dropSlot(recvlogical);

            Drain ourDrain;
            try (Profiling profiling = Profiling.window("capture_throughput_livesync")) {
                ourDrain = drainLiveSync(db, ours, rows);
            }
            System.out.println("livesync:  " + ourDrain);
            ourDrain.putInto(results, "livesync");
            db.dropSlot(ours);

            Drain dbzDrain;
            try (Profiling profiling = Profiling.window("capture_throughput_debezium", List.of("debezium", "pool"))) {
                dbzDrain = drainDebezium(db, debezium, rows);
            }
            System.out.println("debezium:  " + dbzDrain);
            dbzDrain.putInto(results, "debezium");
            results.put("capture.debezium_version", DebeziumRunner.VERSION);

            results.put("capture.livesync_vs_debezium", ourDrain.rowsPerSecond() / dbzDrain.rowsPerSecond());
            results.put("capture.livesync_vs_raw", ourDrain.rowsPerSecond() / rawDrain.rowsPerSecond());
            // LiveSync's drain (first row to last) against pg_recvlogical's whole process (its connect, a few
            // ms, included: a bias in LiveSync's favour of about that much; LiveSync's own start-up, the
            // preflight checks, is in capture.livesync_startup_s)
            results.put("capture.livesync_vs_recvlogical", serverOwn == null ? null
                    : ourDrain.rowsPerSecond() / serverOwn);
        } finally {
            for (String slot : slots) {
                try {
                    db.dropSlot(slot);
                } catch (RuntimeException e) {
                    System.err.println("could not drop slot " + slot + ": " + e.getMessage());
                }
            }
            db.cleanUp(List.of(PUBLICATION));
        }
    }

    /** Writes the backlog with 4 connections (asynchronous commit: the WAL is the same, writing is faster). */
    private static long writeBacklog(BenchDb db, Sizes sizes) throws InterruptedException {
        int commits = sizes.backlogCommits();
        AtomicInteger next = new AtomicInteger();
        AtomicLong rows = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        List<Thread> writers = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < 4; t++) {
            writers.add(Thread.ofPlatform().name("bench-backlog-" + t).start(() -> {
                try (Connection c = db.connect();
                     Statement setup = c.createStatement();
                     PreparedStatement insert = c.prepareStatement("INSERT INTO " + BenchDb.TASK
                             + " (organization_id, title, status, assignee, notes) VALUES (?, ?, 'open', ?, ?)");
                     PreparedStatement update = c.prepareStatement("UPDATE " + BenchDb.TASK
                             + " SET title = ?, status = 'doing', updated_at = now() WHERE id = ?");
                     PreparedStatement insert10 = c.prepareStatement("INSERT INTO " + BenchDb.TASK
                             + " (organization_id, title, status, assignee, notes) SELECT ?, 'bulk ' || g || ' of ' || ?, "
                             + "'open', 'someone', ? FROM generate_series(1, 10) g")) {
                    setup.execute("SET synchronous_commit = off");
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    int k;
                    while ((k = next.getAndIncrement()) < commits && System.nanoTime() < deadline) {
                        long org = 1 + random.nextInt(100);
                        switch (k % 4) {
                            case 3 -> {
                                insert10.setLong(1, org);
                                insert10.setString(2, "commit " + k);
                                insert10.setString(3, "inserted ten at a time by the capture benchmark");
                                insert10.executeUpdate();
                                rows.addAndGet(10);
                            }
                            case 2 -> {
                                update.setString(1, "updated by commit " + k);
                                update.setLong(2, 1 + random.nextInt(1000));
                                rows.addAndGet(update.executeUpdate());
                            }
                            default -> {
                                insert.setLong(1, org);
                                insert.setString(2, "task of commit " + k);
                                insert.setString(3, "user" + random.nextInt(50));
                                insert.setString(4, "a single-row insert written by the capture benchmark");
                                insert.executeUpdate();
                                rows.incrementAndGet();
                            }
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
            }));
        }
        for (Thread writer : writers) {
            writer.join(TimeUnit.MINUTES.toMillis(6));
        }
        if (failure.get() != null) {
            throw new IllegalStateException("Writing the backlog failed: " + failure.get(), failure.get());
        }
        System.out.printf("backlog written in %.1f s%n", (System.nanoTime() - start) / 1e9);
        return rows.get();
    }

    /** One drain: when it opened, saw the first and the last row, and the CPU it took. */
    record Drain(long rows, long opened, long first, long last, double jvmCpu, double walsenderCpu, boolean complete) {

        double rowsPerSecond() {
            return last > first ? rows / ((last - first) / 1e9) : Double.NaN;
        }

        double rowsPerSecondInclStartup() {
            return last > opened ? rows / ((last - opened) / 1e9) : Double.NaN;
        }

        void putInto(Results results, String name) {
            results.put("capture." + name + "_rows_per_s", rowsPerSecond());
            results.put("capture." + name + "_rows_per_s_incl_startup", rowsPerSecondInclStartup());
            results.put("capture." + name + "_drain_s", (last - first) / 1e9);
            results.put("capture." + name + "_startup_s", (first - opened) / 1e9);
            results.put("capture." + name + "_jvm_cpu_s", jvmCpu);
            results.put("capture." + name + "_walsender_cpu_s", walsenderCpu);
            results.put("capture." + name + "_rows", rows);
            if (!complete) {
                results.put("capture." + name + "_incomplete", true);
            }
        }

        @Override
        public String toString() {
            return String.format("%,d rows in %.2f s: %,.0f rows/s (incl. startup %,.0f), startup %.2f s, "
                            + "JVM CPU %.1f s, walsender CPU %.1f s%s", rows, (last - first) / 1e9, rowsPerSecond(),
                    rowsPerSecondInclStartup(), (first - opened) / 1e9, jvmCpu, walsenderCpu,
                    complete ? "" : " (INCOMPLETE)");
        }
    }

    /** Counts rows and remembers the first and last time, from any one thread. */
    private static final class Counter {
        final long expected;
        final AtomicLong rows = new AtomicLong();
        volatile long first;
        volatile long last;

        Counter(long expected) {
            this.expected = expected;
        }

        void add(long n) {
            long now = System.nanoTime();
            if (first == 0) {
                first = now;
            }
            if (rows.addAndGet(n) >= expected) {
                last = now;
            }
        }

        boolean done() {
            return rows.get() >= expected;
        }

        /** Waits until done or the deadline; also stops when {@code stop} turns true. */
        boolean await(long deadline, java.util.function.BooleanSupplier stop) {
            while (!done() && System.nanoTime() < deadline && !stop.getAsBoolean()) {
                LockSupport.parkNanos(1_000_000);
            }
            return done();
        }
    }

    /**
     * The server's own decoding speed: PostgreSQL's {@code pg_recvlogical} (of the server's major
     * version) drains the slot with the same pgoutput options to /dev/null up to the WAL end; rows
     * per second over the process's whole run (connecting included). Null when the tool is not
     * installed (Debian's postgresql-client has it).
     */
    static Double drainRecvlogical(BenchDb db, String slot, long rows) throws Exception {
        String major = db.queryString("SELECT current_setting('server_version_num')::int / 10000");
        java.nio.file.Path tool = java.nio.file.Path.of("/usr/lib/postgresql/" + major + "/bin/pg_recvlogical");
        if (!java.nio.file.Files.isExecutable(tool)) {
            System.out.println("recvlogical: " + tool + " is not installed; capture.recvlogical_rows_per_s stays null");
            return null;
        }
        String end = db.queryString("SELECT pg_current_wal_lsn()::text");
        java.net.URI uri = java.net.URI.create(db.url().substring("jdbc:".length()));
        ProcessBuilder builder = new ProcessBuilder(tool.toString(), "--start", "--no-loop", "--slot", slot,
                "--dbname", "host=" + uri.getHost() + " port=" + (uri.getPort() < 0 ? 5432 : uri.getPort())
                + " dbname=" + uri.getPath().substring(1) + " user=" + db.user(),
                "--endpos", end, "-o", "proto_version=1", "-o", "publication_names=" + PUBLICATION,
                "--status-interval", "10", "--file", "/dev/null")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().put("PGPASSWORD", db.password());
        long start = System.nanoTime();
        Process process = builder.start();
        if (!process.waitFor(MAX_DRAIN.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException("pg_recvlogical did not reach " + end + " within " + MAX_DRAIN);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        if (process.exitValue() != 0) {
            throw new IllegalStateException("pg_recvlogical failed with exit code " + process.exitValue());
        }
        System.out.printf("recvlogical: %,d rows in %.2f s: %,.0f rows/s (process start to end position)%n", rows,
                seconds, rows / seconds);
        return rows / seconds;
    }

    static Drain drainRaw(BenchDb db, String slot, long expected) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", db.user());
        props.setProperty("password", db.password());
        props.setProperty("replication", "database");
        props.setProperty("assumeMinServerVersion", "14");
        props.setProperty("preferQueryMode", "simple");
        double cpu0 = Cpu.jvmSeconds();
        long opened = System.nanoTime();
        long rows = 0;
        long first = 0;
        long last = 0;
        long walsender;
        double walsenderCpu0;
        try (Connection c = DriverManager.getConnection(db.url(), props)) {
            walsender = c.unwrap(PGConnection.class).getBackendPID();
            walsenderCpu0 = Cpu.processSeconds(walsender);
            PGReplicationStream stream = c.unwrap(PGConnection.class).getReplicationAPI().replicationStream().logical()
                    .withSlotName(slot)
                    .withSlotOption("proto_version", "1")
                    .withSlotOption("publication_names", PUBLICATION)
                    .withStatusInterval(10, TimeUnit.SECONDS)
                    .start();
            // blocking reads, as fast as the driver goes; a watchdog ends a drain that runs out of time
            Thread watchdog = Thread.ofPlatform().daemon().name("bench-raw-watchdog").start(() -> {
                try {
                    Thread.sleep(MAX_DRAIN.toMillis());
                    c.close();
                } catch (InterruptedException | SQLException e) {
                    // done in time, or closed anyway
                }
            });
            long messages = 0;
            try {
                while (rows < expected) {
                    ByteBuffer message = stream.read();
                    byte type = message.get(message.position());
                    if (type == 'I' || type == 'U' || type == 'D') {
                        if (first == 0) {
                            first = System.nanoTime();
                        }
                        rows++;
                    }
                    if (++messages % 10_000 == 0) {
                        stream.setFlushedLSN(stream.getLastReceiveLSN());
                        stream.setAppliedLSN(stream.getLastReceiveLSN());
                    }
                }
            } catch (SQLException e) {
                if (!c.isClosed()) {
                    throw e;
                }
            } finally {
                watchdog.interrupt();
            }
            last = System.nanoTime();
            double walsenderCpu = Cpu.processSeconds(walsender) - walsenderCpu0;
            if (!c.isClosed()) {
                stream.close();
            }
            return new Drain(rows, opened, first, last, Cpu.jvmSeconds() - cpu0, walsenderCpu, rows >= expected);
        }
    }

    static Drain drainLiveSync(BenchDb db, String slot, long expected) {
        Counter counter = new Counter(expected);
        CaptureSettings settings = CaptureSettings.forDatabase(db.url(), db.user(), db.password())
                .withPublication(PUBLICATION)
                .withSlotName(slot)
                .withTemporarySlot(false);
        double cpu0 = Cpu.jvmSeconds();
        long opened = System.nanoTime();
        try (ReplicationListener listener = ReplicationListener.create(settings, tx -> counter.add(tx.changes().size()))) {
            listener.start();
            WalsenderCpu walsender = new WalsenderCpu(db, slot);
            boolean complete = counter.await(opened + MAX_DRAIN.toNanos(), () -> false);
            double walsenderCpu = walsender.used();
            return new Drain(counter.rows.get(), opened, counter.first, complete ? counter.last : System.nanoTime(),
                    Cpu.jvmSeconds() - cpu0, walsenderCpu, complete);
        }
    }

    static Drain drainDebezium(BenchDb db, String slot, long expected) {
        Counter counter = new Counter(expected);
        double cpu0 = Cpu.jvmSeconds();
        long opened = System.nanoTime();
        try (DebeziumRunner engine = new DebeziumRunner(db, slot, false, PUBLICATION, record -> counter.add(1))) {
            engine.start();
            WalsenderCpu walsender = new WalsenderCpu(db, slot);
            boolean complete = counter.await(opened + MAX_DRAIN.toNanos(), () -> engine.failure() != null);
            if (engine.failure() != null) {
                throw new IllegalStateException("Debezium failed: " + engine.failure(), engine.failure());
            }
            double walsenderCpu = walsender.used();
            return new Drain(counter.rows.get(), opened, counter.first, complete ? counter.last : System.nanoTime(),
                    Cpu.jvmSeconds() - cpu0, walsenderCpu, complete);
        }
    }

    /** The CPU of the walsender serving a slot, from when it first showed up as active. */
    private static final class WalsenderCpu {
        private final BenchDb db;
        private final String slot;
        private final Thread watcher;
        private volatile long pid;
        private volatile double start = -1;

        WalsenderCpu(BenchDb db, String slot) {
            this.db = db;
            this.slot = slot;
            this.watcher = Thread.ofPlatform().daemon().name("bench-walsender-watch").start(this::watch);
        }

        private void watch() {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (pid == 0 && System.nanoTime() < deadline) {
                long found = db.queryLong("SELECT coalesce(max(active_pid), 0) FROM pg_replication_slots WHERE slot_name = '"
                        + slot + "'");
                if (found > 0) {
                    start = Cpu.processSeconds(found);
                    pid = found;
                    return;
                }
                LockSupport.parkNanos(5_000_000);
            }
        }

        double used() {
            watcher.interrupt();
            long p = pid;
            return p == 0 || start < 0 ? Double.NaN : Cpu.processSeconds(p) - start;
        }
    }
}
