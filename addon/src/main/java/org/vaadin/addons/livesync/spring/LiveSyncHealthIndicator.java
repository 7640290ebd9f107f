package org.vaadin.addons.livesync.spring;

import java.util.List;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.vaadin.addons.livesync.CaptureState;
import org.vaadin.addons.livesync.LiveState;
import org.vaadin.addons.livesync.PreflightProblem;
import org.vaadin.addons.livesync.LiveSyncMetrics;
import org.vaadin.addons.livesync.LiveSync;

/**
 * Reports whether changes flow: UP while streaming, with {@code warnings} (and their fixes) when
 * something impairs the stream (heartbeats that cannot be written, so no stall detection; a
 * publication changed meanwhile); UNKNOWN while starting or reconnecting; DOWN while the database
 * is not ready, with the preflight problems and their fixes; OUT_OF_SERVICE once stopped. Its
 * details also give the lag ({@code lagBytes}, and {@code lag} as an ISO-8601 duration), the last
 * commit seen ({@code lastCommitTime}, {@code lastCommitLsn}; absent before the first) and the
 * counts of transactions, reconnects, attached views and subscriptions. No detail carries a
 * credential: problems show the JDBC URL redacted, and neither the URL nor the user is a detail.
 * Thread-safe.
 */
final class LiveSyncHealthIndicator extends AbstractHealthIndicator {

    private final LiveSync liveSync;

    LiveSyncHealthIndicator(LiveSync liveSync) {
        super("LiveSync health check failed");
        this.liveSync = liveSync;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        LiveState live = liveSync.liveState();
        CaptureState state = live.status();
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
                .withDetail("lagBytes", live.lagBytes())
                .withDetail("lag", live.lag().toString());
        if (live.lastCommitTime() != null) {
            builder.withDetail("lastCommitTime", live.lastCommitTime().toString())
                    .withDetail("lastCommitLsn", live.lastCommitLsn());
        }
        builder.withDetail("transactions", metrics.transactions())
                .withDetail("reconnects", metrics.reconnects())
                .withDetail("uis", metrics.uis())
                .withDetail("views", metrics.registrations());
        List<PreflightProblem> problems = live.problems();
        if (!problems.isEmpty()) {
            builder.withDetail("problems", problems.stream().map(PreflightProblem::toString).toList());
        }
        List<PreflightProblem> warnings = live.warnings();
        if (!warnings.isEmpty()) {
            builder.withDetail("warnings", warnings.stream().map(PreflightProblem::toString).toList());
        }
    }
}
