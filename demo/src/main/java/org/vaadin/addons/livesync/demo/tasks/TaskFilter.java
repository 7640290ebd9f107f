package org.vaadin.addons.livesync.demo.tasks;

import java.io.Serializable;

/**
 * What the board's filter asks for: tasks whose title contains {@code title} (ignoring case; empty
 * for every title), without the done ones when {@code hideDone}. Immutable.
 *
 * @param title    the text the title must contain, never {@code null}
 * @param hideDone whether tasks whose status is {@code done} are left out
 */
public record TaskFilter(String title, boolean hideDone) implements Serializable {

    /** Every task. */
    public static final TaskFilter NONE = new TaskFilter("", false);

    public TaskFilter {
        title = title == null ? "" : title.strip();
    }

    public TaskFilter withTitle(String text) {
        return new TaskFilter(text, hideDone);
    }

    public TaskFilter withHideDone(boolean hide) {
        return new TaskFilter(title, hide);
    }

    /**
     * Whether the board's query with this filter includes {@code task} (of its organization): the
     * same condition as {@link TaskRepository#matching}, told in Java so that LiveSync decides
     * without a query whether a change can matter to a filtered board.
     *
     * @param task a task of the board's organization
     * @return whether its title contains the text, ignoring case, and it is not done when those are hidden
     */
    public boolean matches(Task task) {
        String text = title.toLowerCase();
        return (text.isEmpty() || task.getTitle() != null && task.getTitle().toLowerCase().contains(text))
                && !(hideDone && task.getStatus() != null && task.getStatus().toLowerCase().equals(Task.DONE));
    }
}
