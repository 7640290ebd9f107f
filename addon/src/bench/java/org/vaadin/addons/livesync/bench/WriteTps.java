package org.vaadin.addons.livesync.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.cfg.Configuration;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.vaadin.addons.livesync.CaptureSettings;
import org.vaadin.addons.livesync.LiveSync;

import com.zaxxer.hikari.HikariDataSource;

/**
 * Single-row update throughput from 8 client connections (autocommit, random rows of 10,000),
 * with:
 * <ul>
 * <li><b>none</b>: nothing attached;</li>
 * <li><b>livesync</b>: LiveSync started on the table's publication and consuming (temporary slot,
 * reader, decoder, delivery; no view attached, so nothing is re-fetched);</li>
 * <li><b>raw_slot</b> (for comparison): a temporary pgoutput slot read by a bare pgjdbc
 * {@code PGReplicationStream} that decodes nothing — what logical decoding itself costs the
 * server, whoever consumes it;</li>
 * <li><b>trigger_notify</b>: an EctoWatch-style {@code AFTER INSERT OR UPDATE OR DELETE ... FOR EACH
 * ROW} trigger calling {@code pg_notify} with a JSON payload per row, and a listener connection
 * receiving the notifications.</li>
 * </ul>
 * Rounds of the three windows alternate (none, livesync, trigger, none, ...) so that drift on a
 * shared machine spreads over all; the table is vacuumed before each window. CPU seconds of the
 * server and of this JVM per window are reported beside the rates.
 */
final class WriteTps {

    static final String PUBLICATION = "lsbench_tps";
    private static final int CLIENTS = 8;
    private static final int ROWS = 10_000;
    private static final String CHANNEL = "lsbench_task_changes";

    private WriteTps() {
    }

    static void run(BenchDb db, Sizes sizes, Results results) throws Exception {
        db.cleanUp(List.of(PUBLICATION));
        db.createTaskTable();
        db.seedTasks(1, 100, ROWS / 100);
        db.execute("CREATE PUBLICATION " + PUBLICATION + " FOR TABLE " + BenchDb.TASK);
        Map<String, List<Double>> rates = new LinkedHashMap<>();
        Map<String, List<Double>> serverCpu = new LinkedHashMap<>();
        Map<String, List<Double>> jvmCpu = new LinkedHashMap<>();
        List<Double> walsenderCpu = new ArrayList<>();
        List<Double> rawWalsenderCpu = new ArrayList<>();
        try {
            for (int round = 0; round < sizes.tpsRounds(); round++) {
                // the pair compared most closely swaps places every round, so that drift on a shared
                // machine does not favour the one that always runs first
                List<String> order = round % 2 == 0 ? List.of("none", "livesync", "raw_slot", "trigger_notify")
                        : List.of("trigger_notify", "raw_slot", "livesync", "none");
                for (String mode : order) {
                    db.execute("VACUUM " + BenchDb.TASK);
                    Window w = switch (mode) {
                        case "none" -> measure(db, sizes, 0);
                        case "livesync" -> withLiveSync(db, sizes);
                        case "raw_slot" -> withRawSlot(db, sizes);
                        default -> withTrigger(db, sizes);
                    };
                    System.out.printf("round %d %-15s %,8.0f tx/s  (server CPU %.2f s per 1k tx, JVM CPU %.2f s per 1k tx)%n",
                            round + 1, mode, w.tps(), w.serverCpuPerKiloTx(), w.jvmCpuPerKiloTx());
                    rates.computeIfAbsent(mode, m -> new ArrayList<>()).add(w.tps());
                    serverCpu.computeIfAbsent(mode, m -> new ArrayList<>()).add(w.serverCpuPerKiloTx());
                    jvmCpu.computeIfAbsent(mode, m -> new ArrayList<>()).add(w.jvmCpuPerKiloTx());
                    if (mode.equals("livesync")) {
                        walsenderCpu.add(w.walsenderCpuPerKiloTx());
                    } else if (mode.equals("raw_slot")) {
                        rawWalsenderCpu.add(w.walsenderCpuPerKiloTx());
                    }
                }
            }
        } finally {
            db.execute("DROP TRIGGER IF EXISTS lsbench_notify ON " + BenchDb.TASK);
            db.cleanUp(List.of(PUBLICATION));
        }
        rates.forEach((mode, list) -> {
            results.put("write_tps." + mode, mean(list));
            results.put("write_tps." + mode + "_rounds", list);
            results.put("write_tps." + mode + "_server_cpu_s_per_1k_tx", mean(serverCpu.get(mode)));
            results.put("write_tps." + mode + "_jvm_cpu_s_per_1k_tx", mean(jvmCpu.get(mode)));
        });
        results.put("write_tps.clients", CLIENTS);
        results.put("write_tps.livesync_walsender_cpu_s_per_1k_tx", mean(walsenderCpu));
        results.put("write_tps.raw_slot_walsender_cpu_s_per_1k_tx", mean(rawWalsenderCpu));
        results.put("write_tps.livesync_vs_none", mean(rates.get("livesync")) / mean(rates.get("none")));
        results.put("write_tps.trigger_notify_vs_none", mean(rates.get("trigger_notify")) / mean(rates.get("none")));
        results.put("write_tps.raw_slot_vs_none", mean(rates.get("raw_slot")) / mean(rates.get("none")));
        List<Double> ratios = new ArrayList<>();
        for (int round = 0; round < rates.get("livesync").size(); round++) {
            ratios.add(rates.get("livesync").get(round) / rates.get("raw_slot").get(round));
        }
        results.put("write_tps.livesync_vs_raw_slot", mean(rates.get("livesync")) / mean(rates.get("raw_slot")));
        results.put("write_tps.livesync_vs_raw_slot_rounds", ratios);
        results.put("write_tps.livesync_vs_raw_slot_spread", ratios.stream().mapToDouble(Double::doubleValue).max()
                .orElse(Double.NaN) - ratios.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN));
        System.out.printf("livesync / raw_slot per round: %s (spread %.3f)%n", ratios,
                results.get("write_tps.livesync_vs_raw_slot_spread"));
    }

    private static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    /** One window's commits, its length, and the CPU the server and this JVM used in it. */
    record Window(long commits, long allCommits, double seconds, double serverCpu, double jvmCpu, double walsenderCpu) {
        double tps() {
            return commits / seconds;
        }

        double serverCpuPerKiloTx() {
            return serverCpu / commits * 1000;
        }

        double jvmCpuPerKiloTx() {
            return jvmCpu / commits * 1000;
        }

        double walsenderCpuPerKiloTx() {
            return walsenderCpu / commits * 1000;
        }
    }

    private static Window withLiveSync(BenchDb db, Sizes sizes) throws Exception {
        HikariDataSource pool = new HikariDataSource();
        pool.setJdbcUrl(db.url());
        pool.setUsername(db.user());
        pool.setPassword(db.password());
        pool.setMaximumPoolSize(2);
        Configuration hibernate = new Configuration().addAnnotatedClass(BenchTask.class);
        hibernate.getProperties().put(AvailableSettings.JAKARTA_NON_JTA_DATASOURCE, pool);
        hibernate.setProperty(AvailableSettings.HBM2DDL_AUTO, "none");
        try (SessionFactory sf = hibernate.buildSessionFactory();
             LiveSync liveSync = LiveSync.create(sf, CaptureSettings.forDatabase(db.url(), db.user(), db.password())
                     .withPublication(PUBLICATION))) {
            liveSync.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!liveSync.liveState().isLive() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            if (!liveSync.liveState().isLive()) {
                throw new IllegalStateException("LiveSync not live: " + liveSync.liveState().problems());
            }
            long before = liveSync.metrics().transactions();
            long walsender = db.queryLong("SELECT coalesce(max(active_pid), 0) FROM pg_replication_slots WHERE slot_name = '"
                    + liveSync.settings().slotName() + "'");
            Window w;
            try (Profiling profiling = Profiling.window("write_tps_livesync")) {
                w = measure(db, sizes, walsender);
            }
            System.out.printf("    walsender CPU %.2f s per 1k tx%n", w.walsenderCpuPerKiloTx());
            // the window counts only if LiveSync kept up: everything written was consumed by the end
            long caughtUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (liveSync.metrics().transactions() - before < w.allCommits() && System.nanoTime() < caughtUp) {
                Thread.sleep(10);
            }
            long consumed = liveSync.metrics().transactions() - before;
            System.out.printf("    LiveSync consumed %,d of %,d transactions%s%n", consumed, w.allCommits(),
                    consumed >= w.allCommits() ? "" : " (it fell behind)");
            return w;
        } finally {
            pool.close();
        }
    }

    private static Window withRawSlot(BenchDb db, Sizes sizes) throws Exception {
        java.util.Properties props = new java.util.Properties();
        props.setProperty("user", db.user());
        props.setProperty("password", db.password());
        props.setProperty("replication", "database");
        props.setProperty("assumeMinServerVersion", "14");
        props.setProperty("preferQueryMode", "simple");
        String slot = BenchDb.slotName("tpsraw");
        AtomicBoolean reading = new AtomicBoolean(true);
        AtomicLong commits = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        try (Connection c = java.sql.DriverManager.getConnection(db.url(), props)) {
            PGConnection pg = c.unwrap(PGConnection.class);
            pg.getReplicationAPI().createReplicationSlot().logical().withSlotName(slot).withOutputPlugin("pgoutput")
                    .withTemporaryOption().make();
            long walsender = pg.getBackendPID();
            org.postgresql.replication.PGReplicationStream stream = pg.getReplicationAPI().replicationStream().logical()
                    .withSlotName(slot)
                    .withSlotOption("proto_version", "1")
                    .withSlotOption("publication_names", PUBLICATION)
                    .withStatusInterval(1, TimeUnit.SECONDS)
                    .start();
            Thread reader = Thread.ofPlatform().name("bench-raw-reader").start(() -> {
                try {
                    while (reading.get()) {
                        java.nio.ByteBuffer message = stream.read();
                        if (message.get(message.position()) == 'C') {
                            commits.incrementAndGet();
                            stream.setFlushedLSN(stream.getLastReceiveLSN());
                            stream.setAppliedLSN(stream.getLastReceiveLSN());
                        }
                    }
                } catch (Throwable e) {
                    if (reading.get()) {
                        failure.compareAndSet(null, e);
                    }
                }
            });
            Window w = measure(db, sizes, walsender);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (commits.get() < w.allCommits() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            System.out.printf("    raw reader consumed %,d of %,d transactions; walsender CPU %.2f s per 1k tx%n",
                    commits.get(), w.allCommits(), w.walsenderCpuPerKiloTx());
            reading.set(false);
            c.close(); // ends the blocking read; the temporary slot goes with the connection
            reader.join(10_000);
            if (failure.get() != null) {
                throw new IllegalStateException("The raw reader failed: " + failure.get(), failure.get());
            }
            return w;
        }
    }

    private static Window withTrigger(BenchDb db, Sizes sizes) throws Exception {
        db.execute("""
                CREATE OR REPLACE FUNCTION %s.lsbench_notify() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE r record;
                BEGIN
                  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
                  PERFORM pg_notify('%s', json_build_object('table', TG_TABLE_NAME, 'type', lower(TG_OP),
                      'id', r.id, 'organization_id', r.organization_id)::text);
                  RETURN NULL;
                END $$""".formatted(BenchDb.SCHEMA, CHANNEL),
                "CREATE TRIGGER lsbench_notify AFTER INSERT OR UPDATE OR DELETE ON " + BenchDb.TASK
                        + " FOR EACH ROW EXECUTE FUNCTION " + BenchDb.SCHEMA + ".lsbench_notify()");
        AtomicBoolean listening = new AtomicBoolean(true);
        AtomicLong received = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread listener = Thread.ofPlatform().name("bench-listen").start(() -> {
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute("LISTEN " + CHANNEL);
                PGConnection pg = c.unwrap(PGConnection.class);
                while (listening.get()) {
                    PGNotification[] notifications = pg.getNotifications(100);
                    if (notifications != null) {
                        received.addAndGet(notifications.length);
                    }
                }
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            }
        });
        try {
            Thread.sleep(200);
            Window w = measure(db, sizes, 0);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (received.get() < w.allCommits() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            System.out.printf("    listener received %,d notifications for %,d commits%n", received.get(), w.allCommits());
            return w;
        } finally {
            listening.set(false);
            listener.join(10_000);
            db.execute("DROP TRIGGER IF EXISTS lsbench_notify ON " + BenchDb.TASK);
            if (failure.get() != null) {
                throw new IllegalStateException("The LISTEN connection failed: " + failure.get(), failure.get());
            }
        }
    }

    /** 8 clients update random rows for a warm-up second, then for {@link Sizes#tpsSeconds()}. */
    private static Window measure(BenchDb db, Sizes sizes, long walsenderPid) throws Exception {
        AtomicBoolean counting = new AtomicBoolean();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong commits = new AtomicLong();
        AtomicLong allCommits = new AtomicLong();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> clients = new ArrayList<>();
        for (int t = 0; t < CLIENTS; t++) {
            clients.add(Thread.ofPlatform().name("bench-client-" + t).start(() -> {
                try (Connection c = db.connect();
                     PreparedStatement update = c.prepareStatement("UPDATE " + BenchDb.TASK
                             + " SET title = ?, updated_at = now() WHERE id = ?")) {
                    ThreadLocalRandom random = ThreadLocalRandom.current();
                    long firstId = db.queryLong("SELECT min(id) FROM " + BenchDb.TASK);
                    while (running.get()) {
                        update.setString(1, "updated " + random.nextInt(1_000_000));
                        update.setLong(2, firstId + random.nextInt(ROWS));
                        update.executeUpdate();
                        allCommits.incrementAndGet();
                        if (counting.get()) {
                            commits.incrementAndGet();
                        }
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                    running.set(false);
                }
            }));
        }
        Thread.sleep(1_000);
        double server0 = Cpu.postgresSeconds();
        double jvm0 = Cpu.jvmSeconds();
        double walsender0 = Cpu.processSeconds(walsenderPid);
        long start = System.nanoTime();
        counting.set(true);
        Thread.sleep((long) (sizes.tpsSeconds() * 1000));
        counting.set(false);
        long end = System.nanoTime();
        double server = Cpu.postgresSeconds() - server0;
        double jvm = Cpu.jvmSeconds() - jvm0;
        double walsender = walsenderPid > 0 ? Cpu.processSeconds(walsenderPid) - walsender0 : 0;
        long n = commits.get();
        running.set(false);
        for (Thread client : clients) {
            client.join(30_000);
        }
        if (failure.get() != null) {
            throw new IllegalStateException("A client failed: " + failure.get(), failure.get());
        }
        return new Window(n, allCommits.get(), (end - start) / 1e9, server, jvm, walsender);
    }
}
