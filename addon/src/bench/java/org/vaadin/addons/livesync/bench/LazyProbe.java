package org.vaadin.addons.livesync.bench;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What the views show, read after each of their pushes: the top rows' versions (their assignee
 * {@code t<seq>}) and the inserted rows ({@link LazyGrid#INSERT_PREFIX}), reported to the window that runs.
 * Thread-safe (each view's state is touched only under its session lock).
 */
final class LazyProbe implements LazyView.Probe {

    final AtomicReference<LazyWindow> current = new AtomicReference<>();

    /** A view's last seen versions of the top rows, and the inserts it has shown. */
    private static final class Seen {
        final Map<Long, Integer> versions = new HashMap<>();
        final Set<Integer> inserts = new HashSet<>();
        /** Every insert numbered below this has been accounted for. */
        int below = -1;
        /** The row last read at each position (the same instance: nothing new there), and its insert number or -1. */
        final BenchTask[] rows = new BenchTask[LazyView.PAGE];
        final int[] insertAt = new int[LazyView.PAGE];
    }

    @Override
    public void pushed(LazyView view, long now) {
        LazyWindow window = current.get();
        if (window == null) {
            return;
        }
        if (!(view.probeState instanceof Seen)) {
            view.probeState = new Seen();
        }
        Seen seen = (Seen) view.probeState;
        int rows = Math.min(LazyView.PAGE, view.count());
        int insertsShown = 0;
        int oldestShown = Integer.MAX_VALUE;
        for (int i = 0; i < rows; i++) {
            BenchTask row = view.row(i);
            if (row == null) {
                continue;
            }
            if (row != seen.rows[i]) { // a row the view had not sent at this position before
                seen.rows[i] = row;
                int version = number(row.getAssignee(), "t");
                if (version >= 0) {
                    Integer previous = seen.versions.put(row.getId(), version);
                    if (previous == null || previous != version) {
                        window.arrivals.shown(previous == null ? -1 : previous, version, now);
                    }
                }
                int inserted = number(row.getTitle(), LazyGrid.INSERT_PREFIX);
                seen.insertAt[i] = inserted < 0 ? -1 : 9_999_999 - inserted;
                if (inserted >= 0 && seen.inserts.add(seen.insertAt[i])) {
                    window.arrivals.seen(seen.insertAt[i] - window.base, now);
                }
            }
            if (seen.insertAt[i] >= 0) {
                insertsShown++;
                oldestShown = Math.min(oldestShown, seen.insertAt[i]);
            }
        }
        if (insertsShown == LazyView.PAGE - LazyGrid.TOP) {
            // the range is full of newer inserts: the older ones lie below it, in the count
            for (int seq = Math.max(seen.below, window.base); seq < oldestShown; seq++) {
                if (!window.mix.isUpdate(seq - window.base) && seen.inserts.add(seq)) {
                    window.arrivals.seen(seq - window.base, now);
                }
            }
            seen.below = Math.max(seen.below, oldestShown);
        }
    }

    /** The number after {@code prefix} in {@code text}, or -1. */
    static int number(String text, String prefix) {
        if (text == null || !text.startsWith(prefix) || text.length() == prefix.length()) {
            return -1;
        }
        int value = 0;
        for (int i = prefix.length(); i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch < '0' || ch > '9') {
                return -1;
            }
            value = value * 10 + (ch - '0');
        }
        return value;
    }
}
