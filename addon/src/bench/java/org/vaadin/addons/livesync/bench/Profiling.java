package org.vaadin.addons.livesync.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import one.profiler.AsyncProfiler;

/**
 * Wall-clock profiling of one measurement window with async-profiler (from Maven Central, its
 * native library inside the jar), when {@code -Dlivesync.bench.profile=<dir>} is set
 * ({@code src/bench/run --profile}): every thread is sampled every millisecond whether it runs or
 * waits, so the time of LiveSync's reader and delivery threads splits into decoding, database
 * round trips, UI work and idling. Writes {@code <dir>/<name>.collapsed} (flame-graph input) and
 * prints, for LiveSync's threads, where their wall time went.
 */
final class Profiling implements AutoCloseable {

    private static final String DIR = System.getProperty("livesync.bench.profile");
    /** {@code wall} (default: where the time goes, waiting included) or {@code cpu} (where the CPU goes). */
    private static final String EVENT = System.getProperty("livesync.bench.profile.event", "wall");
    private final String name;
    private final AsyncProfiler profiler;
    private final List<String> threads;

    private Profiling(String name, AsyncProfiler profiler, List<String> threads) {
        this.name = name;
        this.profiler = profiler;
        this.threads = threads;
    }

    /** Starts profiling the window (a no-op unless profiling was asked for); summarises LiveSync's threads. */
    static Profiling window(String name) {
        return window(name, List.of("livesync-reader", "livesync-delivery", "livesync-ui"));
    }

    /** Starts profiling the window; summarises the threads whose names start with one of {@code threads}. */
    static Profiling window(String name, List<String> threads) {
        if (DIR == null || DIR.isBlank()) {
            return new Profiling(name, null, threads);
        }
        try {
            AsyncProfiler profiler = AsyncProfiler.getInstance();
            profiler.execute("start,event=" + EVENT + ",interval=1ms,threads");
            return new Profiling(name, profiler, threads);
        } catch (IOException | RuntimeException | LinkageError e) {
            System.out.println("profiling not available: " + e);
            return new Profiling(name, null, threads);
        }
    }

    /** Whether profiling was asked for. */
    static boolean enabled() {
        return DIR != null && !DIR.isBlank();
    }

    /**
     * JVM options that make another Java process (the demo) profile itself wall-clock from start to
     * exit into {@code <dir>/<name>.collapsed}; empty unless profiling was asked for.
     */
    static List<String> agentFor(String name) {
        if (!enabled()) {
            return List.of();
        }
        try {
            Path dir = Path.of(DIR);
            Files.createDirectories(dir);
            Path lib = dir.resolve("libasyncProfiler.so");
            String resource = "/" + (System.getProperty("os.arch").contains("aarch64") ? "linux-arm64" : "linux-x64")
                    + "/libasyncProfiler.so";
            try (var in = AsyncProfiler.class.getResourceAsStream(resource)) {
                if (in == null) {
                    return List.of();
                }
                Files.copy(in, lib, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            return List.of("-agentpath:" + lib + "=start,event=wall,interval=1ms,threads,collapsed,file="
                    + dir.resolve(name + ".collapsed"));
        } catch (IOException e) {
            System.out.println("profiling the demo not available: " + e);
            return List.of();
        }
    }

    /** Prints the summary of a collapsed profile another process wrote. */
    static void printSummary(String name, List<String> threadPrefixes) {
        if (!enabled()) {
            return;
        }
        Path file = Path.of(DIR).resolve(name + ".collapsed");
        try {
            String collapsed = Files.readString(file);
            System.out.println("wall-clock profile of " + name + " (1 sample = 1 ms of a thread's time):");
            for (String thread : threadPrefixes) {
                System.out.print(summary(collapsed, thread, 40));
            }
        } catch (IOException e) {
            System.out.println("no profile at " + file + ": " + e);
        }
    }

    @Override
    public void close() {
        if (profiler == null) {
            return;
        }
        try {
            profiler.execute("stop");
            String collapsed = profiler.dumpCollapsed(one.profiler.Counter.SAMPLES);
            Path dir = Path.of(DIR);
            Files.createDirectories(dir);
            Files.writeString(dir.resolve(name + ".collapsed"), collapsed);
            System.out.println(EVENT + " profile of " + name + " (1 sample = 1 ms of a thread's time):");
            for (String thread : threads) {
                System.out.print(summary(collapsed, thread, 30));
                if (!"wall".equals(EVENT)) {
                    System.out.print(selfTop(collapsed, thread, 25));
                }
            }
        } catch (IOException | RuntimeException e) {
            System.out.println("profiling failed: " + e);
        }
    }

    /**
     * For the threads whose name starts with {@code threadPrefix}: their samples split by what the
     * thread was doing (idle in LiveSync's queues, waiting for the database's answer, or running),
     * and LiveSync's and its libraries' methods with the most samples on the stack (inclusive).
     */
    static String summary(String collapsed, String threadPrefix, int limit) {
        long total = 0;
        Map<String, Long> inclusive = new HashMap<>();
        Map<String, Long> category = new LinkedHashMap<>();
        for (String line : collapsed.split("\n")) {
            int space = line.lastIndexOf(' ');
            if (space < 0 || !line.startsWith("[" + threadPrefix)) {
                continue;
            }
            long n = Long.parseLong(line.substring(space + 1).trim());
            String stack = line.substring(0, space);
            total += n;
            Set<String> seen = new HashSet<>();
            for (String frame : stack.split(";")) {
                String method = frame.replace('/', '.');
                if (!method.startsWith("[") && interesting(method) && seen.add(method)) {
                    inclusive.merge(method, n, Long::sum);
                }
            }
            category.merge(categoryOf(stack), n, Long::sum);
        }
        StringBuilder out = new StringBuilder();
        long t = Math.max(1, total);
        out.append(String.format("  [%s*] %,d samples%n", threadPrefix, total));
        category.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .forEach(e -> out.append(String.format("      %5.1f%%  %s%n", 100.0 * e.getValue() / t, e.getKey())));
        out.append("    methods with the most time on the stack (inclusive):\n");
        top(inclusive, limit).forEach((m, n) -> out.append(String.format("      %5.1f%%  %s%n", 100.0 * n / t, m)));
        return out.toString();
    }

    /** The frames where the samples of those threads ended (self time), by method. */
    static String selfTop(String collapsed, String threadPrefix, int limit) {
        Map<String, Long> self = new HashMap<>();
        long total = 0;
        for (String line : collapsed.split("\n")) {
            int space = line.lastIndexOf(' ');
            if (space < 0 || !line.startsWith("[" + threadPrefix)) {
                continue;
            }
            long n = Long.parseLong(line.substring(space + 1).trim());
            String[] frames = line.substring(0, space).split(";");
            total += n;
            self.merge(frames[frames.length - 1].replace('/', '.'), n, Long::sum);
        }
        StringBuilder out = new StringBuilder("    self:\n");
        long t = Math.max(1, total);
        top(self, limit).forEach((m, n) -> out.append(String.format("      %5.1f%%  %s%n", 100.0 * n / t, m)));
        return out.toString();
    }

    private static boolean interesting(String method) {
        return (method.startsWith("org.vaadin.addons.livesync.") && !method.startsWith("org.vaadin.addons.livesync.bench.Counting"))
                || method.startsWith("org.hibernate.") || method.startsWith("org.postgresql.")
                || method.startsWith("com.vaadin.") || method.startsWith("com.zaxxer.") || method.startsWith("io.debezium.")
                || method.startsWith("org.apache.kafka.");
    }

    private static String categoryOf(String stack) {
        boolean waiting = stack.endsWith("poll") || stack.contains("Net.poll") || stack.contains("SocketDispatcher.read0");
        if (stack.contains("Handover.poll") || (stack.contains("ReplicationListener.stream;java/util/concurrent/locks/LockSupport.parkNanos"))) {
            return "idle: nothing to read or deliver";
        }
        if (stack.contains("Handover.put")) {
            return "blocked: handover queue full (delivery behind)";
        }
        if (stack.contains("Dispatcher.awaitVisible") && stack.contains("parkNanos")) {
            return "sleeping until the transaction is visible (Dispatcher.awaitVisible)";
        }
        if (waiting && stack.contains("org/postgresql")) {
            return stack.contains("V3PGReplicationStream") ? "waiting for replication data (socket)"
                    : "waiting for the database to answer a query (socket)";
        }
        if (stack.contains("SocketDispatcher.write0")) {
            return "writing to a socket";
        }
        if (stack.contains("Unsafe.park") || stack.contains("pthread_cond") || stack.contains("futex")) {
            return "waiting for a lock or monitor";
        }
        return "running (CPU or runnable)";
    }

    private static Map<String, Long> top(Map<String, Long> counts, int limit) {
        Map<String, Long> top = new LinkedHashMap<>();
        counts.entrySet().stream()
                .filter(e -> !e.getKey().startsWith("java.lang.Thread.run") && !e.getKey().startsWith("java.lang.Thread.runWith")
                        && !e.getKey().contains("$$Lambda"))
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .limit(limit)
                .forEach(e -> top.put(e.getKey(), e.getValue()));
        return top;
    }
}
