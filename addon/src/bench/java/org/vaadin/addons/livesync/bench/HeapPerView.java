package org.vaadin.addons.livesync.bench;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.management.ObjectName;

import org.vaadin.addons.livesync.TestSessions;

import com.vaadin.flow.component.orderedlayout.VerticalLayout;

/**
 * Retained heap per attached view, excluding row data: live heap (a class histogram, which runs a
 * full GC first) after opening {@link Sizes#heapViews()} plain {@code VerticalLayout} views, each
 * in a session and UI of its own, then after opening as many {@code LiveSyncView}s with one
 * watched list (no Grid) over 100 tenants. Per view: the second growth minus the first, divided by
 * the number of views — what LiveSync adds to a view, not the session, UI or layout. The rows are
 * excluded by starting all views of a tenant from one loaded list (10 rows), so the row objects are
 * counted once per tenant, not per view; what each view keeps per row (its map entries and the
 * dispatcher's held-id index) is counted. The same with tenants that have no rows gives the fixed
 * part. The classes that grew most are listed per view.
 * <p>
 * Vaadin runs as in production here as far as the heap goes: its development-mode component tracker
 * is off. In development mode it keeps a stack trace ({@code Throwable}) per component created and
 * per component attached, about 1 KB per component; a {@code LiveSyncView} is a {@code Composite},
 * two components where the plain view is one, so the tracker alone would add about 1 KB per view
 * that a deployed application never holds.
 */
final class HeapPerView {

    static final String PUBLICATION = "lsbench_heap";
    private static final int TENANTS = 100;
    private static final int ROWS = 10;

    private HeapPerView() {
    }

    /** A view without LiveSync: what the baseline costs. */
    static final class PlainView extends VerticalLayout {
    }

    /** Off before the first component is created (Vaadin reads it once); production mode never tracks. */
    static final String COMPONENT_TRACKER = "vaadin.devmode.componentTracker.enabled";

    static void run(BenchDb db, Sizes sizes, Results results) throws Exception {
        System.setProperty(COMPONENT_TRACKER, "false");
        int n = sizes.heapViews();
        db.cleanUp(List.of(PUBLICATION));
        db.createTaskTable();
        db.seedTasks(1, TENANTS, ROWS);
        try (Pipeline pipeline = new Pipeline(db, PUBLICATION); ViewFarm farm = new ViewFarm(pipeline)) {
            farm.preload(1, TENANTS);
            farm.preload(1_001, TENANTS); // tenants without rows
            // warm up the code paths (class loading, caches) before the first histogram
            farm.close(farm.open(200, 1, TENANTS, false, true, null));
            List<PlainView> plain = new ArrayList<>();
            plain.add(TestSessions.openInNewSession(PlainView::new));
            TestSessions.close(plain.remove(0));
            pipeline.quiesce(Duration.ofSeconds(30));

            Histogram h0 = Histogram.take();
            for (int i = 0; i < n; i++) {
                plain.add(TestSessions.openInNewSession(PlainView::new));
            }
            Histogram h1 = Histogram.take();
            farm.open(n, 1, TENANTS, false, true, null);
            Histogram h2 = Histogram.take();
            farm.open(n, 1_001, TENANTS, false, true, null);
            Histogram h3 = Histogram.take();

            double plainPerView = (h1.total - h0.total) / (double) n;
            double withRows = ((h2.total - h1.total) - (h1.total - h0.total)) / (double) n;
            double noRows = ((h3.total - h2.total) - (h1.total - h0.total)) / (double) n;
            System.out.printf("session + UI + VerticalLayout: %.0f bytes per view%n", plainPerView);
            System.out.printf("LiveSync per view, 10 rows held: %.0f bytes; no rows: %.0f bytes%n", withRows, noRows);
            results.put("heap_bytes_per_view", withRows);
            results.put("heap.bytes_per_view_10_rows", withRows);
            results.put("heap.bytes_per_view_no_rows", noRows);
            results.put("heap.bytes_per_session_ui_layout", plainPerView);
            results.put("heap.views", n);
            results.put("heap.registrations", pipeline.liveSync.metrics().registrations());
            Map<String, Double> top = h2.minus(h1).minus(h1.minus(h0)).topPerView(n, 15);
            System.out.println("classes that grew most, bytes per LiveSync view (10 rows):");
            top.forEach((cls, bytes) -> System.out.printf("    %8.1f  %s%n", bytes, cls));
            results.put("heap.top_classes_bytes_per_view", top);
            Map<String, Double> topNoRows = h3.minus(h2).minus(h1.minus(h0)).topPerView(n, 15);
            System.out.println("classes that grew most, bytes per LiveSync view (no rows):");
            topNoRows.forEach((cls, bytes) -> System.out.printf("    %8.1f  %s%n", bytes, cls));
            results.put("heap.top_classes_bytes_per_view_no_rows", topNoRows);
            plain.forEach(TestSessions::close);
        } finally {
            db.cleanUp(List.of(PUBLICATION));
        }
    }

    /** Live objects by class, from the JVM's GC.class_histogram diagnostic command (full GC first). */
    static final class Histogram {
        final Map<String, Long> bytes;
        final long total;

        private Histogram(Map<String, Long> bytes, long total) {
            this.bytes = bytes;
            this.total = total;
        }

        static Histogram take() throws Exception {
            System.gc();
            String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
                    new Object[] {new String[0]}, new String[] {String[].class.getName()});
            Map<String, Long> bytes = new HashMap<>();
            long total = 0;
            for (String line : text.split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 4 && f[0].endsWith(":")) {
                    bytes.merge(f[3], Long.parseLong(f[2]), Long::sum);
                } else if (f.length >= 3 && f[0].equals("Total")) {
                    total = Long.parseLong(f[2]);
                }
            }
            return new Histogram(bytes, total);
        }

        Histogram minus(Histogram other) {
            Map<String, Long> d = new HashMap<>(bytes);
            other.bytes.forEach((cls, b) -> d.merge(cls, -b, Long::sum));
            return new Histogram(d, total - other.total);
        }

        Map<String, Double> topPerView(int views, int limit) {
            Map<String, Double> top = new LinkedHashMap<>();
            bytes.entrySet().stream()
                    .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                    .limit(limit)
                    .forEach(e -> top.put(e.getKey(), Math.round(e.getValue() * 10.0 / views) / 10.0));
            return top;
        }
    }
}
