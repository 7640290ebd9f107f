package org.vaadin.addons.livesync.demo.tasks;

import java.io.Serializable;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Tells which rows just changed, for the Grid's part names: each batch of rows is compared with the
 * previous one; rows that are new or differ get the part {@code changed-0} or {@code changed-1}
 * (alternating per batch, so that a row changed twice in a row restarts its CSS animation). The first
 * batch highlights nothing. Not thread-safe: UI thread only.
 */
final class ChangeHighlighter implements Serializable {

    private record Fingerprint(String title, String status, String assignee, int notes, Instant updatedAt)
            implements Serializable {
        static Fingerprint of(Task task) {
            return new Fingerprint(task.getTitle(), task.getStatus(), task.getAssignee(),
                    Objects.hashCode(task.getNotes()), task.getUpdatedAt());
        }
    }

    private Map<Long, Fingerprint> previous;
    private Set<Long> changed = Set.of();
    private int batch;

    /** Compares {@code rows} with the previous batch. */
    void observe(List<Task> rows) {
        Map<Long, Fingerprint> current = new HashMap<>();
        Set<Long> differing = new HashSet<>();
        for (Task task : rows) {
            Fingerprint fingerprint = Fingerprint.of(task);
            current.put(task.getId(), fingerprint);
            if (previous != null && !fingerprint.equals(previous.get(task.getId()))) {
                differing.add(task.getId());
            }
        }
        previous = current;
        changed = differing;
        batch++;
    }

    /** The ids that changed in the last batch. */
    Set<Long> changed() {
        return Set.copyOf(changed);
    }

    /** The Grid part name of a row: set while it is among the last batch's changes. */
    String partName(Task task) {
        return changed.contains(task.getId()) ? "changed-" + (batch % 2) : null;
    }
}
