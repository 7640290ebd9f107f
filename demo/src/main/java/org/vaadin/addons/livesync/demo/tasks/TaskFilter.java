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
}
