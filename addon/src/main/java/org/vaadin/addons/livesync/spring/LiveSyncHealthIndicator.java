package org.vaadin.addons.livesync.spring;

import java.util.List;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.vaadin.addons.livesync.CaptureState;
import org.vaadin.addons.livesync.PreflightProblem;
import org.vaadin.addons.livesync.LiveSyncMetrics;
import org.vaadin.addons.livesync.LiveSync;

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
        CaptureState state = liveSync.state();
        LiveSyncMetrics metrics = liveSync.metrics();
        builder.status(switch (state) {
            case STREAMING -> Status.UP;
            case NOT_READY -> Status.DOWN;
            case STOPPED -> Status.OUT_OF_SERVICE;
            case NEW, STARTING, RECONNECTING -> Status.UNKNOWN;
        });
        builder.withDetail("state", state.name())
                .withDetail("publication", liveSync.settings().publication())
                .withDetail("slot", liveSync.settings().slotName())
                .withDetail("transactions", metrics.transactions())
                .withDetail("reconnects", metrics.reconnects())
                .withDetail("views", metrics.registrations());
        List<PreflightProblem> problems = liveSync.problems();
        if (!problems.isEmpty()) {
            builder.withDetail("problems", problems.stream().map(PreflightProblem::toString).toList());
        }
        List<PreflightProblem> warnings = liveSync.warnings();
        if (!warnings.isEmpty()) {
            builder.withDetail("warnings", warnings.stream().map(PreflightProblem::toString).toList());
        }
    }
}
