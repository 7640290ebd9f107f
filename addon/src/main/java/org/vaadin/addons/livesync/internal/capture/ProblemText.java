package org.vaadin.addons.livesync.internal.capture;

import java.util.List;
import java.util.stream.Collectors;

import org.vaadin.addons.livesync.PreflightProblem;

/**
 * The text of preflight problems as the log shows them: each with its fix. Stateless. For internal
 * use only.
 */
public final class ProblemText {

    private ProblemText() {
    }

    /**
     * The message for these problems: how many there are, then {@link #describeEach each} with its fix.
     *
     * @param problems the problems to describe
     * @return the message
     */
    public static String describe(List<PreflightProblem> problems) {
        return "LiveSync cannot start live updates: " + problems.size() + " problem(s) with the database:\n"
                + describeEach(problems);
    }

    /**
     * One entry per problem: its message and, indented, its fix.
     *
     * @param problems the problems to describe
     * @return one entry per problem: its message and, indented, its fix
     */
    public static String describeEach(List<PreflightProblem> problems) {
        return problems.stream().map(p -> "  - " + p.message() + "\n    Fix: " + p.fix()).collect(Collectors.joining("\n"));
    }
}
