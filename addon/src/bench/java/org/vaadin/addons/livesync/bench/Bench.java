package org.vaadin.addons.livesync.bench;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The benchmark suite's entry point: {@code Bench <measurement> <outDir> [--quick]} runs one
 * measurement in this JVM and writes {@code <outDir>/parts/<measurement>.json};
 * {@code Bench report <outDir> [--quick]} merges the parts into {@code results.json},
 * {@code results.md} and {@code results.png}. {@code src/bench/run} runs each measurement in a JVM
 * of its own (so that one's heap, threads and JIT do not colour the next) and then the report.
 * <p>
 * Every measurement bounds itself in count and time, talks only to the PostgreSQL on this machine
 * (and, for the browser, to the demo it starts on a loopback port), and cleans up its schema,
 * publications and slots.
 */
public final class Bench {

    /** One measurement. */
    @FunctionalInterface
    interface Measurement {
        void run(BenchDb db, Sizes sizes, Results results, Path out) throws Exception;
    }

    static final Map<String, Measurement> MEASUREMENTS = new LinkedHashMap<>();

    static {
        MEASUREMENTS.put("capture_throughput", (db, sizes, results, out) -> CaptureThroughput.run(db, sizes, results));
        MEASUREMENTS.put("capture_latency", (db, sizes, results, out) -> CaptureLatency.run(db, sizes, results));
        MEASUREMENTS.put("ui_latency", (db, sizes, results, out) -> UiLatency.run(db, sizes, results));
        MEASUREMENTS.put("fanout", (db, sizes, results, out) -> Fanout.run(db, sizes, results));
        MEASUREMENTS.put("queries_per_tx", (db, sizes, results, out) -> QueriesPerTx.run(db, sizes, results));
        MEASUREMENTS.put("heap_per_view", (db, sizes, results, out) -> HeapPerView.run(db, sizes, results));
        MEASUREMENTS.put("resync", (db, sizes, results, out) -> Resync.run(db, sizes, results));
        MEASUREMENTS.put("scaleout", (db, sizes, results, out) -> Scaleout.run(db, sizes, results));
        MEASUREMENTS.put("lazy_grid", (db, sizes, results, out) -> LazyGrid.run(db, sizes, results));
        MEASUREMENTS.put("lazy_million", (db, sizes, results, out) -> LazyMillion.run(db, sizes, results));
        MEASUREMENTS.put("write_tps", (db, sizes, results, out) -> WriteTps.run(db, sizes, results));
        MEASUREMENTS.put("browser_latency", BrowserLatency::run);
    }

    private Bench() {
    }

    /** The 1-minute load average: how busy the shared machine was (2 cores: above 2 means waiting). */
    static Double loadAverage() {
        try {
            return Double.parseDouble(java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: Bench <" + String.join("|", MEASUREMENTS.keySet()) + "|report> <outDir> [--quick]");
            System.exit(2);
        }
        String name = args[0];
        Path out = Path.of(args[1]);
        boolean quick = args.length > 2 && "--quick".equals(args[2]);
        if ("report".equals(name)) {
            Report.write(out, quick);
            return;
        }
        Measurement measurement = MEASUREMENTS.get(name);
        if (measurement == null) {
            System.err.println("unknown measurement " + name + "; known: " + MEASUREMENTS.keySet());
            System.exit(2);
        }
        Sizes sizes = quick ? Sizes.QUICK : Sizes.FULL;
        Results results = new Results();
        long start = System.nanoTime();
        results.put("runs." + name + ".load_average_start", loadAverage());
        int status = 0;
        try {
            BenchDb db = BenchDb.fromEnvironment();
            measurement.run(db, sizes, results, out);
            results.put("runs." + name + ".status", "ok");
        } catch (Throwable e) {
            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            System.err.println(trace);
            results.put("runs." + name + ".status", "failed");
            results.put("runs." + name + ".error", e.toString());
            status = 1;
        }
        results.put("runs." + name + ".seconds", (System.nanoTime() - start) / 1e9);
        results.put("runs." + name + ".load_average_end", loadAverage());
        results.write(out.resolve("parts").resolve(name + ".json"));
        System.out.flush();
        // Vaadin, Hibernate and Debezium may leave non-daemon threads behind: this process is done.
        System.exit(status);
    }
}
