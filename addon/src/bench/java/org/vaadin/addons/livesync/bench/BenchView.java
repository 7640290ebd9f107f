package org.vaadin.addons.livesync.bench;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.vaadin.addons.livesync.LiveSync;
import org.vaadin.addons.livesync.LiveSyncView;
import org.vaadin.addons.livesync.WatchKey;
import org.vaadin.addons.livesync.WatchedList;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.function.SerializableFunction;

/**
 * A tenant's live list of tasks, as the demo shows it: a {@link Grid} bound through
 * {@code watchList} (or, without a Grid, a list whose change listener observes it). When a
 * {@link Probe} is given, every time the list is applied (inside {@code UI.access}) the view tells
 * it which row versions (writer sequence numbers in {@code t<seq>} titles) it now shows.
 */
final class BenchView extends LiveSyncView<Long, VerticalLayout> {

    /** Told, on the UI thread, when a view first shows a row version. */
    @FunctionalInterface
    interface Probe {
        /** The view shows version {@code seq} of a row, whose version it showed before was {@code previous} (-1: none). */
        void shown(int previous, int seq, long nanoTime);
    }

    final WatchedList<BenchTask> list;
    private final transient Probe probe;
    private final Map<Long, Integer> lastSeq;

    BenchView(LiveSync liveSync, Long organization, SerializableFunction<Long, List<BenchTask>> loader, boolean withGrid,
              Probe probe) {
        super(liveSync, organization);
        this.probe = probe;
        this.lastSeq = probe == null ? null : new HashMap<>();
        if (withGrid) {
            Grid<BenchTask> grid = new Grid<>(BenchTask.class, false);
            grid.addColumn(BenchTask::getTitle).setHeader("Title");
            grid.addColumn(BenchTask::getStatus).setHeader("Status");
            grid.addColumn(BenchTask::getAssignee).setHeader("Assignee");
            list = watchList(BenchTask.class, grid, loader);
            if (probe != null) {
                // fires inside the ListDataProvider's refreshAll, after the rows were replaced
                grid.getDataProvider().addDataProviderListener(e -> observe(list.items()));
            }
            getContent().add(grid);
        } else {
            list = watchList(WatchKey.of(BenchTask.class), loader);
            list.addChangeListener(change -> observe(list.items()));
        }
    }

    private void observe(List<BenchTask> items) {
        if (probe == null) {
            return;
        }
        long now = System.nanoTime();
        for (BenchTask task : items) {
            int seq = task.seq();
            if (seq >= 0) {
                Integer previous = lastSeq.put(task.getId(), seq);
                if (previous == null || previous != seq) {
                    probe.shown(previous == null ? -1 : previous, seq, now);
                }
            }
        }
    }
}
