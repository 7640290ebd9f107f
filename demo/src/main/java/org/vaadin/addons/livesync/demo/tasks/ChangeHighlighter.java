package org.vaadin.addons.livesync.demo.tasks;

import java.io.Serializable;
import java.util.Set;

import org.vaadin.addons.livesync.ListChange;

/**
 * Tells the Grid which rows just changed: the rows of the last live change get the part
 * {@code changed-0} or {@code changed-1} (alternating, so that a row changed twice in a row
 * restarts its CSS animation); a load highlights nothing. UI thread only.
 */
final class ChangeHighlighter implements Serializable {

    private Set<Object> changed = Set.of();
    private int batch;

    /** A change listener of the watched list. */
    void observe(ListChange<Task> change) {
        changed = change.reloaded() ? Set.of() : change.changedIds();
        batch++;
    }

    /** The Grid part name of a row: set while it is among the last change's rows. */
    String partName(Task task) {
        return changed.contains(task.getId()) ? "changed-" + (batch % 2) : null;
    }
}
