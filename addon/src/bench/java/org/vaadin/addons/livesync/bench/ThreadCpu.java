package org.vaadin.addons.livesync.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * CPU time of this JVM's threads grouped by name prefix (LiveSync's reader, delivery and UI
 * threads), of the whole JVM, and of the PostgreSQL server, between a start and an end: what a
 * window cost, per transaction.
 */
final class ThreadCpu {

    static final List<String> LIVESYNC = List.of("livesync-reader", "livesync-delivery", "livesync-ui");

    private final List<String> prefixes;
    private final Map<String, Long> start;
    private final double jvmStart;
    private final double serverStart;

    private ThreadCpu(List<String> prefixes) {
        this.prefixes = prefixes;
        this.start = sample(prefixes);
        this.jvmStart = Cpu.jvmSeconds();
        this.serverStart = Cpu.postgresSeconds();
    }

    static ThreadCpu start(List<String> prefixes) {
        return new ThreadCpu(prefixes);
    }

    /**
     * CPU milliseconds per unit (e.g. per transaction) since the start, by thread group, plus
     * {@code jvm} and {@code postgres}. Threads that ended meanwhile are not counted.
     */
    Map<String, Double> perUnit(long units) {
        Map<String, Long> end = sample(prefixes);
        Map<String, Double> result = new LinkedHashMap<>();
        for (String prefix : prefixes) {
            long d = end.getOrDefault(prefix, 0L) - start.getOrDefault(prefix, 0L);
            result.put(prefix, d / 1e6 / Math.max(1, units));
        }
        result.put("jvm", (Cpu.jvmSeconds() - jvmStart) * 1000 / Math.max(1, units));
        result.put("postgres", (Cpu.postgresSeconds() - serverStart) * 1000 / Math.max(1, units));
        return result;
    }

    private static Map<String, Long> sample(List<String> prefixes) {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Map<String, Long> sums = new LinkedHashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            for (String prefix : prefixes) {
                if (info.getThreadName().startsWith(prefix)) {
                    long cpu = threads.getThreadCpuTime(info.getThreadId());
                    if (cpu > 0) {
                        sums.merge(prefix, cpu, Long::sum);
                    }
                }
            }
        }
        return sums;
    }

    /** Puts the figures into the results under {@code prefix.cpu_ms_per_tx.<group>} and prints them. */
    static void report(Map<String, Double> perTx, Results results, String prefix, String label) {
        StringBuilder line = new StringBuilder(label + " CPU ms per transaction:");
        perTx.forEach((group, ms) -> {
            results.put(prefix + "_cpu_ms_per_tx." + group.replace('-', '_'), ms);
            line.append(String.format(" %s %.3f", group, ms));
        });
        System.out.println(line);
    }
}
