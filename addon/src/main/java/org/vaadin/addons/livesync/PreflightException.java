package org.vaadin.addons.livesync;

import java.io.Serial;
import java.util.List;
import java.util.stream.Collectors;

/** Live sync cannot start: the database is not ready for logical replication. Lists every problem and its fix. */
public class PreflightException extends RuntimeException {

    @Serial
    private static final long serialVersionUID = 1L;

    private final transient List<PreflightProblem> problems;

    /**
     * An exception whose message describes every problem.
     *
     * @param problems the problems found, in the order the checks ran
     */
    public PreflightException(List<PreflightProblem> problems) {
        super(describe(problems));
        this.problems = List.copyOf(problems);
    }

    /** {@return the problems found, in the order the checks ran} */
    public List<PreflightProblem> problems() {
        return problems;
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
