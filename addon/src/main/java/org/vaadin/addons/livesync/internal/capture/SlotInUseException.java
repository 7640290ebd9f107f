package org.vaadin.addons.livesync.internal.capture;

import org.vaadin.addons.livesync.PreflightProblem;

import java.io.Serial;
import java.sql.SQLException;

/** The slot is streamed by a connection that is not this listener's own; carries the problem to report. */
final class SlotInUseException extends SQLException {

    @Serial
    private static final long serialVersionUID = 1L;

    private final transient PreflightProblem problem;

    SlotInUseException(PreflightProblem problem, SQLException cause) {
        super(problem.message(), "55006", cause);
        this.problem = problem;
    }

    PreflightProblem problem() {
        return problem;
    }
}
