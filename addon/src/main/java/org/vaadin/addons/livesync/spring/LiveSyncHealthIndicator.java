package org.vaadin.addons.livesync.spring;

import java.util.List;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.vaadin.addons.livesync.capture.CaptureState;
import org.vaadin.addons.livesync.capture.PreflightProblem;
import org.vaadin.addons.livesync.capture.ReplicationListener;
import org.vaadin.addons.livesync.dispatch.LiveSync;

/**
 * Reports whether changes flow: UP while streaming, with {@code warnings} (and their fixes) when
 * something impairs the stream (heartbeats that cannot be written, so no stall detection; a
 * publication changed meanwhile); UNKNOWN while starting or reconnecting; DOWN while the database
 * is not ready, with the preflight problems and their fixes; OUT_OF_SERVICE once stopped. No detail
 * carries a credential: problems show the JDBC URL redacted. Thread-safe.
 */
final class LiveSyncHealthIndicator extends AbstractHealthIndicator {

    private final LiveSync liveSync;

    LiveSyncHealthIndicator(LiveSync liveSync) {
        super("LiveSync health check failed");
        this.liveSync = liveSync;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        ReplicationListener listener = liveSync.listener();
        CaptureState state = listener.state();
        builder.status(switch (state) {
            case STREAMING -> Status.UP;
            case NOT_READY -> Status.DOWN;
            case STOPPED -> Status.OUT_OF_SERVICE;
            case NEW, STARTING, RECONNECTING -> Status.UNKNOWN;
        });
        builder.withDetail("state", state.name())
                .withDetail("publication", listener.settings().publication())
                .withDetail("slot", listener.settings().slotName())
                .withDetail("transactions", listener.transactionsDelivered())
                .withDetail("reconnects", listener.reconnects())
                .withDetail("views", liveSync.dispatcher().registrations());
        List<PreflightProblem> problems = listener.problems();
        if (!problems.isEmpty()) {
            builder.withDetail("problems", problems.stream().map(PreflightProblem::toString).toList());
        }
        List<PreflightProblem> warnings = listener.warnings();
        if (!warnings.isEmpty()) {
            builder.withDetail("warnings", warnings.stream().map(PreflightProblem::toString).toList());
        }
    }
}
