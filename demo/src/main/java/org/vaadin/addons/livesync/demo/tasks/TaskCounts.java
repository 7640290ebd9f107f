package org.vaadin.addons.livesync.demo.tasks;

/**
 * Counts the board's tasks: a fragment of {@link TaskRepository}, implemented by {@link TaskCountsImpl}.
 */
public interface TaskCounts {

    /** How many of the organization's tasks match {@code filter}. */
    long countMatching(Long organizationId, TaskFilter filter);
}
