package org.vaadin.addons.livesync.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import org.vaadin.addons.livesync.TestSessions;

import com.vaadin.flow.function.SerializableFunction;

/**
 * Many attached views, each in a Vaadin session and UI of its own (as many users with one tab
 * each), on Karibu's mock servlet environment. Opened and closed on the thread that created it.
 */
final class ViewFarm implements AutoCloseable {

    private final Pipeline pipeline;
    private final List<BenchView> views = new ArrayList<>();
    private final Map<Long, List<BenchTask>> cache = new ConcurrentHashMap<>();

    ViewFarm(Pipeline pipeline) {
        this.pipeline = pipeline;
        MockVaadin.setup();
    }

    /**
     * Opens {@code count} views spread evenly over {@code tenants} tenants starting at
     * {@code firstTenant}.
     *
     * @param shareInitialRows whether views of one tenant start from one loaded list (one query per
     *                         tenant instead of per view; the rows are never modified, and what is
     *                         delivered later is each view's own copy) — to open thousands quickly
     */
    List<BenchView> open(int count, long firstTenant, int tenants, boolean withGrid, boolean shareInitialRows,
                         BenchView.Probe probe) {
        SerializableFunction<Long, List<BenchTask>> loader = shareInitialRows
                ? org -> cache.computeIfAbsent(org, pipeline::load)
                : pipeline::load;
        List<BenchView> opened = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long tenant = firstTenant + (i % tenants);
            opened.add(TestSessions.openInNewSession(() -> new BenchView(pipeline.liveSync, tenant, loader, withGrid,
                    probe)));
        }
        views.addAll(opened);
        return opened;
    }

    /** Loads the initial rows of these tenants once, for views opened with {@code shareInitialRows}. */
    void preload(long firstTenant, int tenants) {
        for (long t = firstTenant; t < firstTenant + tenants; t++) {
            cache.computeIfAbsent(t, pipeline::load);
        }
    }

    void close(List<BenchView> which) {
        which.forEach(TestSessions::close);
        views.removeAll(new java.util.HashSet<>(which));
    }

    List<BenchView> views() {
        return views;
    }

    int size() {
        return views.size();
    }

    @Override
    public void close() {
        views.forEach(v -> {
            try {
                TestSessions.close(v);
            } catch (RuntimeException e) {
                // going away anyway
            }
        });
        views.clear();
        MockVaadin.tearDown();
    }
}
