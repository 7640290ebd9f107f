package org.vaadin.addons.livesync.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Merges the measurements' parts into {@code results.json}, and writes {@code results.md} (date,
 * machine, PostgreSQL, every figure with its target and whether it is met) and {@code results.png}
 * ({@link Chart}).
 */
final class Report {

    /** A target: a figure (or a ratio of two), a bound, and whether it was met. */
    record Target(String name, String description, Double value, String bound, Boolean met) {
    }

    private Report() {
    }

    static void write(Path out, boolean quick) throws IOException {
        Map<String, Object> merged = new LinkedHashMap<>();
        merged.put("date", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        merged.put("quick", quick);
        merged.put("machine", machine());
        merged.put("postgresql", postgresVersion());
        merged.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        merged.put("debezium_version", DebeziumRunner.VERSION);
        merged.put("debezium_version_note", "debezium-embedded 3.7.0.Final (the newest Debezium; its connector resolves) "
                + "is absent from this machine's Maven mirror, and engine and connector must match; 3.6.1.Final is the "
                + "newest debezium-embedded listed, and it resolves.");
        Results sizes = new Results();
        (quick ? Sizes.QUICK : Sizes.FULL).putInto(sizes);
        deepMerge(merged, sizes.nested());
        Path parts = out.resolve("parts");
        List<String> names = new ArrayList<>(Bench.MEASUREMENTS.keySet());
        for (String name : names) {
            Path part = parts.resolve(name + ".json");
            if (Files.exists(part)) {
                @SuppressWarnings("unchecked")
                Map<String, Object> values = Results.JSON.readValue(part.toFile(), LinkedHashMap.class);
                deepMerge(merged, values);
            } else {
                Results.putNested(merged, "runs." + name + ".status", "not run");
            }
        }
        ensureRequiredFields(merged);
        List<Target> targets = targets(merged);
        Map<String, Object> targetJson = new LinkedHashMap<>();
        for (Target t : targets) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("description", t.description());
            entry.put("value", t.value() == null ? null : Math.round(t.value() * 1000) / 1000.0);
            entry.put("bound", t.bound());
            entry.put("met", t.met());
            targetJson.put(t.name(), entry);
        }
        merged.put("targets", targetJson);
        Files.createDirectories(out);
        Files.writeString(out.resolve("results.json"), Results.JSON.writeValueAsString(merged) + "\n");
        Files.writeString(out.resolve("results.md"), markdown(merged, targets));
        Chart.draw(merged, targets, out.resolve("results.png"));
        System.out.println("wrote " + out.resolve("results.json") + ", results.md, results.png");
    }

    /** The fields the issue names exist, as null with a reason when their measurement did not produce them. */
    private static void ensureRequiredFields(Map<String, Object> merged) {
        String[][] required = {
                {"capture.livesync_rows_per_s", "capture_throughput"}, {"capture.debezium_rows_per_s", "capture_throughput"},
                {"capture.raw_rows_per_s", "capture_throughput"}, {"latency_ms.capture_p50", "capture_latency"},
                {"latency_ms.capture_p99", "capture_latency"}, {"latency_ms.debezium_p50", "capture_latency"},
                {"latency_ms.debezium_p99", "capture_latency"}, {"latency_ms.ui_p50", "ui_latency"},
                {"latency_ms.ui_p99", "ui_latency"}, {"latency_ms.browser_p50", "browser_latency"},
                {"latency_ms.browser_p95", "browser_latency"}, {"fanout.ui_p50_ms_0_unrelated", "fanout"},
                {"fanout.ui_p50_ms_10000_unrelated", "fanout"}, {"queries_per_tx.views_10", "queries_per_tx"},
                {"queries_per_tx.views_10000", "queries_per_tx"}, {"write_tps.none", "write_tps"},
                {"write_tps.livesync", "write_tps"}, {"write_tps.trigger_notify", "write_tps"},
                {"heap_bytes_per_view", "heap_per_view"}, {"lazy.rows", "lazy_grid"},
                {"lazy.first_load_ms", "lazy_grid"}, {"lazy.heap_bytes_per_view", "lazy_grid"},
                {"lazy.ui_p50_ms", "lazy_grid"}, {"lazy.ui_p99_ms", "lazy_grid"}, {"lazy.queries_per_tx", "lazy_grid"},
                {"lazy_million.first_render_ms", "lazy_million"},
                {"lazy_million.matching_insert_at_20_per_s_p99_ms", "lazy_million"},
                {"lazy_million.queries_per_unrelated_change", "lazy_million"},
                {"latency_ms.browser_update_p50", "browser_latency"}, {"latency_ms.browser_insert_p50", "browser_latency"},
                {"latency_ms.browser_delete_p50", "browser_latency"}, {"latency_ms.browser_move_p50", "browser_latency"},
                {"capture.recvlogical_rows_per_s", "capture_throughput"},
                {"write_tps.livesync_vs_raw_slot", "write_tps"}, {"write_tps.livesync_vs_raw_slot_spread", "write_tps"},
                {"capture.livesync_vs_recvlogical", "capture_throughput"}, {"resync.views", "resync"},
                {"scaleout.primary_cpu_ms_per_tx_1", "scaleout"}, {"scaleout.primary_cpu_ms_per_tx_2", "scaleout"},
                {"scaleout.primary_cpu_ms_per_tx_4", "scaleout"}, {"resync.durable.queries_after_kill", "resync"},
                {"resync.durable.seconds_to_fresh", "resync"}, {"resync.temporary.queries_after_kill", "resync"},
                {"resync.temporary.seconds_to_fresh", "resync"}};
        for (String[] r : required) {
            if (!has(merged, r[0])) {
                Results.putNested(merged, r[0], null);
                if (!has(merged, r[0] + "_reason")) {
                    Object status = get(merged, "runs." + r[1] + ".status");
                    Object error = get(merged, "runs." + r[1] + ".error");
                    Results.putNested(merged, r[0] + "_reason", "measurement " + r[1] + " " + status
                            + (error == null ? "" : ": " + error));
                }
            }
        }
    }

    static List<Target> targets(Map<String, Object> m) {
        List<Target> targets = new ArrayList<>();
        Double ours = num(m, "capture.livesync_rows_per_s");
        Double dbz = num(m, "capture.debezium_rows_per_s");
        Double raw = num(m, "capture.raw_rows_per_s");
        targets.add(atLeast("capture_vs_debezium", "capture throughput ≥ 2 × Debezium", ratio(ours, dbz), 2.0, "≥ 2"));
        targets.add(atLeast("capture_vs_raw", "capture throughput ≥ 0.7 × raw stream", ratio(ours, raw), 0.7, "≥ 0.7"));
        targets.add(atMost("ui_p99", "UI latency p99 ≤ 25 ms (1,000 views, 500 tx/s)", num(m, "latency_ms.ui_p99"), 25.0,
                "≤ 25 ms"));
        for (String kind : List.of("update", "insert", "delete", "move")) {
            targets.add(atMost("browser_" + kind + "_p50", "browser latency p50 ≤ 20 ms: " + kind,
                    num(m, "latency_ms.browser_" + kind + "_p50"), 20.0, "≤ 20 ms"));
        }
        targets.add(atMost("fanout_ratio", "fan-out: p50 with 10,000 unrelated views ≤ 1.2 × alone",
                ratio(num(m, "fanout.ui_p50_ms_10000_unrelated"), num(m, "fanout.ui_p50_ms_0_unrelated")), 1.2, "≤ 1.2"));
        Double q10 = num(m, "queries_per_tx.views_10");
        Double q10k = num(m, "queries_per_tx.views_10000");
        Double qDiff = q10 == null || q10k == null ? null : Math.abs(q10k - q10);
        // equal up to the visibility check's timing-dependent re-runs (see queries_per_tx.*_by_sql)
        targets.add(new Target("queries_equal", "queries per transaction equal at 10 and 10,000 views "
                + "(value: the difference)", qDiff, "= 0 (± 5 %)", qDiff == null ? null
                : qDiff <= 0.05 * Math.max(q10, q10k)));
        targets.add(atLeast("write_tps_ratio", "write throughput with LiveSync ≥ 0.95 × nothing attached",
                ratio(num(m, "write_tps.livesync"), num(m, "write_tps.none")), 0.95, "≥ 0.95"));
        targets.add(atMost("heap_per_view", "heap per attached view ≤ 2 KB", num(m, "heap_bytes_per_view"), 2048.0,
                "≤ 2,048 B"));
        targets.add(atMost("lazy_first_load", "lazy Grid: first load ≤ 1 s at 100,000 rows",
                num(m, "lazy.first_load_ms"), 1000.0, "≤ 1,000 ms"));
        targets.add(atMost("lazy_heap_per_view", "lazy Grid: heap per view ≤ 256 KB (row data included)",
                num(m, "lazy.heap_bytes_per_view"), 262_144.0, "≤ 262,144 B"));
        targets.add(atMost("lazy_ui_p99", "lazy Grid: UI latency p99 ≤ 50 ms (100 views, 200 tx/s, updates and inserts)",
                num(m, "lazy.ui_p99_ms"), 50.0, "≤ 50 ms"));
        targets.add(atMost("lazy_queries_per_tx", "lazy Grid: page + count queries per transaction ≤ 1 "
                + "(100 same-page views, updates and inserts)", num(m, "lazy.queries_per_tx"), 1.0, "≤ 1"));
        targets.add(atMost("lazy_million_first_render", "lazy Grid, 1,000,000 rows: first render ≤ 1 s",
                num(m, "lazy_million.first_render_ms"), 1000.0, "≤ 1,000 ms"));
        targets.add(atMost("lazy_million_matching_insert", "lazy Grid, 1,000,000 rows, a filter: matching insert p99 "
                + "≤ 100 ms while 20 unrelated changes/s arrive", num(m, "lazy_million.matching_insert_at_20_per_s_p99_ms"),
                100.0, "≤ 100 ms"));
        targets.add(atMost("lazy_million_unrelated_queries", "lazy Grid, 1,000,000 rows, filter as a predicate: "
                + "queries per unrelated change = 0", num(m, "lazy_million.queries_per_unrelated_change"), 0.0, "0"));
        targets.add(atLeast("write_tps_vs_raw_slot", "write throughput with LiveSync ≥ 0.98 × a bare slot",
                num(m, "write_tps.livesync_vs_raw_slot"), 0.98, "≥ 0.98"));
        targets.add(atLeast("livesync_vs_recvlogical", "capture: LiveSync ≥ 0.9 × the server's own pg_recvlogical",
                num(m, "capture.livesync_vs_recvlogical"), 0.9, "≥ 0.9"));
        targets.add(atMost("resync_durable_queries", "resync, durable slot: no statement because of a walsender kill",
                num(m, "resync.durable.queries_after_kill"), 0.0, "0"));
        targets.add(atMost("resync_durable_fresh", "resync, durable slot: every view fresh ≤ 2 s after the kill",
                num(m, "resync.durable.seconds_to_fresh"), 2.0, "≤ 2 s"));
        targets.add(atMost("resync_temporary_fresh", "resync, temporary slot: every view fresh ≤ 2 s after the kill",
                num(m, "resync.temporary.seconds_to_fresh"), 2.0, "≤ 2 s"));
        return targets;
    }

    private static Target atLeast(String name, String description, Double value, double bound, String text) {
        return new Target(name, description, value, text, value == null ? null : value >= bound);
    }

    private static Target atMost(String name, String description, Double value, double bound, String text) {
        return new Target(name, description, value, text, value == null ? null : value <= bound);
    }

    private static Double ratio(Double a, Double b) {
        return a == null || b == null || b == 0 ? null : a / b;
    }

    private static String markdown(Map<String, Object> m, List<Target> targets) {
        StringBuilder md = new StringBuilder();
        md.append("# LiveSync benchmark results").append(Boolean.TRUE.equals(m.get("quick")) ? " (--quick)" : "")
                .append("\n\n");
        @SuppressWarnings("unchecked")
        Map<String, Object> machine = (Map<String, Object>) m.get("machine");
        md.append("| | |\n|---|---|\n");
        md.append("| date | ").append(m.get("date")).append(" |\n");
        md.append("| machine | ").append(machine.get("nproc")).append(" cores (").append(machine.get("cpu"))
                .append("), ").append(machine.get("memory_gib")).append(" GiB memory, ")
                .append(machine.get("os")).append(" |\n");
        md.append("| load average at the end | ").append(machine.get("load_average")).append(" |\n");
        md.append("| PostgreSQL | ").append(m.get("postgresql")).append(" |\n");
        md.append("| Java | ").append(m.get("java")).append(" |\n");
        md.append("| Debezium | ").append(m.get("debezium_version")).append(" (embedded engine, PostgreSQL connector, "
                + "pgoutput) |\n\n");

        md.append("## Targets\n\n| target | value | bound | met |\n|---|---:|---|---|\n");
        for (Target t : targets) {
            md.append("| ").append(t.description()).append(" | ").append(fmt(t.value())).append(" | ")
                    .append(t.bound()).append(" | ")
                    .append(t.met() == null ? "not measured" : t.met() ? "met" : "**not met**").append(" |\n");
        }
        md.append("\n## Figures\n\n| figure | value | target |\n|---|---:|---|\n");
        Object[][] rows = {
                {"capture.livesync_rows_per_s", "rows/s", "≥ 2 × Debezium, ≥ 0.7 × raw"},
                {"capture.debezium_rows_per_s", "rows/s", ""},
                {"capture.raw_rows_per_s", "rows/s", ""},
                {"latency_ms.capture_p50", "ms", ""}, {"latency_ms.capture_p99", "ms", ""},
                {"latency_ms.debezium_p50", "ms", ""}, {"latency_ms.debezium_p99", "ms", ""},
                {"latency_ms.ui_p50", "ms", ""}, {"latency_ms.ui_p99", "ms", "≤ 25 ms"},
                {"latency_ms.browser_update_p50", "ms", "≤ 20 ms"}, {"latency_ms.browser_update_p95", "ms", ""},
                {"latency_ms.browser_insert_p50", "ms", "≤ 20 ms"}, {"latency_ms.browser_insert_p95", "ms", ""},
                {"latency_ms.browser_delete_p50", "ms", "≤ 20 ms"}, {"latency_ms.browser_delete_p95", "ms", ""},
                {"latency_ms.browser_move_p50", "ms", "≤ 20 ms"}, {"latency_ms.browser_move_p95", "ms", ""},
                {"fanout.ui_p50_ms_0_unrelated", "ms", ""},
                {"fanout.ui_p50_ms_10000_unrelated", "ms", "≤ 1.2 × alone"},
                {"queries_per_tx.views_10", "", "equal"}, {"queries_per_tx.views_10000", "", "equal"},
                {"write_tps.none", "tx/s", ""}, {"write_tps.livesync", "tx/s", "≥ 0.95 × none"},
                {"write_tps.trigger_notify", "tx/s", ""},
                {"write_tps.raw_slot", "tx/s", "(a bare slot, for comparison)"},
                {"heap_bytes_per_view", "bytes", "≤ 2,048"},
                {"lazy.rows", "rows", "100,000"}, {"lazy.first_load_ms", "ms", "≤ 1,000 ms"},
                {"lazy.first_load_shared_p50_ms", "ms", "(another view shows the same page)"},
                {"lazy.heap_bytes_per_view", "bytes", "≤ 262,144"},
                {"lazy.ui_p50_ms", "ms", ""}, {"lazy.ui_p99_ms", "ms", "≤ 50 ms"},
                {"lazy.ui_update_p50_ms", "ms", "(in place)"}, {"lazy.ui_insert_p50_ms", "ms", "(range refreshed)"},
                {"lazy.ui_at_40_tx_per_s_p50_ms", "ms", "(at 40 tx/s)"}, {"lazy.ui_at_40_tx_per_s_p99_ms", "ms", ""},
                {"lazy.queries_per_tx", "", "≤ 1"}, {"lazy.queries_per_tx_insert_page", "", "(per insert)"},
                {"lazy.queries_per_tx_insert_count", "", "(per insert)"},
                {"lazy.queries_per_tx_update", "", "(per in-place update)"},
                {"lazy_million.rows", "rows", "1,000,000"}, {"lazy_million.first_render_ms", "ms", "≤ 1,000 ms"},
                {"lazy_million.first_render_filtered_ms", "ms", "(filter, trigram index)"},
                {"lazy_million.first_render_cold_ms", "ms", "(cold JVM)"},
                {"lazy_million.deep_scroll_ms", "ms", "≤ 1,000 ms (row 500,000)"},
                {"lazy_million.matching_insert_at_20_per_s_p50_ms", "ms", ""},
                {"lazy_million.matching_insert_at_20_per_s_p99_ms", "ms", "≤ 100 ms"},
                {"lazy_million.matching_insert_at_100_per_s_p50_ms", "ms", ""},
                {"lazy_million.matching_insert_at_100_per_s_p99_ms", "ms", "(100 unrelated changes/s)"},
                {"lazy_million.queries_per_unrelated_change", "", "0 (predicate)"},
                {"lazy_million.heap_bytes_per_view", "bytes", "O(viewport)"}};
        for (Object[] row : rows) {
            String key = (String) row[0];
            Double value = num(m, key);
            Object reason = get(m, key + "_reason");
            md.append("| `").append(key).append("` | ")
                    .append(value == null ? "null" + (reason == null ? "" : " (" + reason + ")") : fmt(value) + " " + row[1])
                    .append(" | ").append(row[2]).append(" |\n");
        }
        md.append("\nSizes, the other figures (CPU seconds, percentiles, breakdowns) and each run's status are in "
                + "`results.json`. Figures measured on a shared machine: other builds running at the same time make "
                + "them noisy.\n");
        return md.toString();
    }

    static String fmt(Double v) {
        if (v == null) {
            return "–";
        }
        double a = Math.abs(v);
        if (a >= 1000) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static Double num(Map<String, Object> m, String path) {
        return get(m, path) instanceof Number n ? n.doubleValue() : null;
    }

    static Object get(Map<String, Object> m, String path) {
        Object node = m;
        for (String part : path.split("\\.")) {
            if (!(node instanceof Map<?, ?> map)) {
                return null;
            }
            node = map.get(part);
        }
        return node;
    }

    private static boolean has(Map<String, Object> m, String path) {
        Object node = m;
        String[] parts = path.split("\\.");
        for (int i = 0; i < parts.length; i++) {
            if (!(node instanceof Map<?, ?> map) || !map.containsKey(parts[i])) {
                return false;
            }
            node = map.get(parts[i]);
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    private static void deepMerge(Map<String, Object> into, Map<String, Object> from) {
        from.forEach((key, value) -> {
            Object existing = into.get(key);
            if (existing instanceof Map && value instanceof Map) {
                deepMerge((Map<String, Object>) existing, (Map<String, Object>) value);
            } else {
                into.put(key, value);
            }
        });
    }

    private static Map<String, Object> machine() {
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("nproc", Runtime.getRuntime().availableProcessors());
        machine.put("cpu", firstValue(Path.of("/proc/cpuinfo"), "model name"));
        String mem = firstValue(Path.of("/proc/meminfo"), "MemTotal");
        if (mem != null) {
            machine.put("memory_gib", Math.round(Long.parseLong(mem.replaceAll("[^0-9]", "")) / 1024.0 / 1024.0 * 10) / 10.0);
        }
        machine.put("os", firstValue(Path.of("/etc/os-release"), "PRETTY_NAME"));
        try {
            machine.put("load_average", Files.readString(Path.of("/proc/loadavg")).trim());
        } catch (IOException e) {
            machine.put("load_average", null);
        }
        return machine;
    }

    private static String firstValue(Path file, String key) {
        try (Stream<String> lines = Files.lines(file)) {
            return lines.filter(l -> l.startsWith(key)).map(l -> l.substring(l.indexOf(l.contains("=") && !l.contains(":")
                            ? '=' : ':') + 1).trim().replace("\"", ""))
                    .findFirst().orElse(null);
        } catch (IOException e) {
            return null;
        }
    }

    private static String postgresVersion() {
        try {
            return BenchDb.fromEnvironment().serverVersion();
        } catch (Exception e) {
            return "unknown (" + e.getMessage() + ")";
        }
    }
}
