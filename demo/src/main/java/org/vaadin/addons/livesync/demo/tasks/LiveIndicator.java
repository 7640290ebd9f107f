package org.vaadin.addons.livesync.demo.tasks;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

import org.vaadin.addons.livesync.LiveState;
import org.vaadin.addons.livesync.LiveSync;
import org.vaadin.addons.livesync.PreflightProblem;

import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.signals.Signal;

/**
 * A small badge: "Live" while changes flow, else what LiveSync is doing or what is wrong. Follows
 * LiveSync's state signal while attached (the effect runs in {@code UI.access}).
 */
class LiveIndicator extends Span {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneId.systemDefault());

    LiveIndicator(LiveSync liveSync) {
        addClassName("live-indicator");
        Signal<LiveState> state = liveSync.stateSignal();
        Signal.effect(this, () -> show(state.get()));
    }

    private void show(LiveState state) {
        getElement().setAttribute("data-state", state.status().name().toLowerCase());
        setText(switch (state.status()) {
            case STREAMING -> "Live";
            case NEW, STARTING -> "Connecting…";
            case RECONNECTING -> "Reconnecting…";
            case NOT_READY -> "Database not ready";
            case STOPPED -> "Stopped";
        });
        setTitle(state.isLive() ? "Committed changes appear at once" + lastCommit(state)
                : state.problems().isEmpty() ? "Live updates resume by themselves"
                : String.join("\n", state.problems().stream().map(PreflightProblem::toString).toList()));
    }

    private static String lastCommit(LiveState state) {
        return state.lastCommitTime() == null ? ""
                : " (last commit " + TIME.format(state.lastCommitTime()) + ", " + state.lag().toMillis() + " ms behind)";
    }
}
