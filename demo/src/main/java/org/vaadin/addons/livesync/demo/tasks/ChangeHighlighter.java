package org.vaadin.addons.livesync.demo.tasks;

import java.io.Serializable;
import java.util.Set;

import org.vaadin.addons.livesync.ListChange;

/**
 * Tells the Grid which rows just changed: the rows inserted or updated by the last live change get
 * the part {@code changed-0} or {@code changed-1} (alternating, so that a row changed twice in a row
 * restarts its CSS animation) when the Grid renders them next — at once for a row updated in place,
 * with the refreshed range for an insert or a row that moved. A new order or filter highlights
 * nothing. UI thread only.
 */
final class ChangeHighlighter implements Serializable {

    private Set<Object> changed = Set.of();
    private int batch;

    /** A change listener of the board's data provider. */
    void observe(ListChange<Task> change) {
        changed = change.changedIds();
        batch++;
    }

    /** Forgets the last change: the Grid is about to show other rows or another order. */
    void clear() {
        changed = Set.of();
    }

    /** The Grid part name of a row: set while it is among the last change's rows. */
    String partName(Task task) {
        return changed.contains(task.getId()) ? "changed-" + (batch % 2) : null;
    }
}
