package org.vaadin.addons.livesync.demo.tasks;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

import org.vaadin.addons.livesync.CaptureState;
import org.vaadin.addons.livesync.LiveState;
import org.vaadin.addons.livesync.LiveSync;
import org.vaadin.addons.livesync.PreflightProblem;

import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.signals.Signal;

/**
 * A small badge: "Live" while changes flow ("Resyncing…" while views reload after an interruption),
 * else what LiveSync is doing. Follows LiveSync's state signal while attached (the effect runs in
 * {@code UI.access}).
 * <p>
 * The state is the whole application's, so only the operator's badge tells more than that: what is
 * wrong (the problems, which name the database and its settings), when the database last committed
 * and how far behind, and how many views (of every organization) reload. Any other user sees "Live",
 * "Resyncing…", "Connecting…", "Reconnecting…" (also while the database is not ready: LiveSync keeps
 * retrying) or "Stopped", with a tooltip that says only what to expect.
 */
class LiveIndicator extends Span {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    private final boolean operator;

    /**
     * @param liveSync whose state to show
     * @param operator whether the signed-in user is the operator, who is told the details
     */
    LiveIndicator(LiveSync liveSync, boolean operator) {
        this.operator = operator;
        addClassName("live-indicator");
        Signal<LiveState> state = liveSync.stateSignal();
        Signal.effect(this, () -> show(state.get()));
    }

    private void show(LiveState state) {
        boolean resyncing = state.isLive() && state.isResyncing();
        boolean notReady = state.status() == CaptureState.NOT_READY;
        getElement().setAttribute("data-state", resyncing ? "resyncing"
                : notReady && !operator ? "reconnecting" : state.status().name().toLowerCase());
        setText(switch (state.status()) {
            case STREAMING -> state.isResyncing() ? "Resyncing…" : "Live";
            case NEW, STARTING -> "Connecting…";
            case RECONNECTING -> "Reconnecting…";
            case NOT_READY -> operator ? "Database not ready" : "Reconnecting…";
            case STOPPED -> "Stopped";
        });
        setTitle(operator ? details(state)
                : resyncing ? "Rows are loading again after an interruption; changes appear as soon as they are done"
                : state.isLive() ? "Committed changes appear at once"
                : "Live updates resume by themselves");
    }

    /** The operator's tooltip: the figures, or what is wrong and how to fix it. */
    private static String details(LiveState state) {
        return state.isLive() && state.isResyncing() ? state.resyncing() + " views are loading again after an"
                + " interruption; changes appear as soon as they are done"
                : state.isLive() ? "Committed changes appear at once" + lastCommit(state)
                : state.problems().isEmpty() ? "Live updates resume by themselves"
                : String.join("\n", state.problems().stream().map(PreflightProblem::toString).toList());
    }

    private static String lastCommit(LiveState state) {
        return state.lastCommitTime() == null ? ""
                : " (last commit " + TIME.format(state.lastCommitTime()) + ", " + state.lag().toMillis() + " ms behind)";
    }
}
