package org.vaadin.addons.livesync;

import java.io.Serial;
import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * Whether changes flow, and how far behind the database they are: what {@link LiveSync#liveState()},
 * {@link LiveSync#stateSignal()} and {@link LiveSync#addStateListener} report. Immutable and
 * thread-safe; serializable, so a component may keep one.
 * <p>
 * The lag figures describe the running stream, as far as LiveSync knows it: what the server has sent
 * or reported as written, against what was delivered to the views. Both are zero when everything
 * received was delivered, and while not {@linkplain #isLive() live} (then {@link #status()} and
 * {@link #problems()} say why changes do not flow).
 *
 * @param status         what the stream is doing
 * @param problems       why it is not streaming, each with its fix (e.g. the publication is missing);
 *                       empty while streaming
 * @param warnings       what impairs the running stream (e.g. heartbeats refused: stall detection is
 *                       off); empty when nothing
 * @param lagBytes       WAL received from the server, or reported by it as written, and not yet
 *                       delivered to the views; 0 when caught up
 * @param lag            how long the changes not yet delivered may have waited, at most: since the
 *                       commit of the last delivered transaction or since LiveSync was last caught
 *                       up, whichever is later; {@link Duration#ZERO} when caught up. The commit time
 *                       is the database server's clock, so a clock that differs from the
 *                       application's shifts it
 * @param lastCommitTime when the database committed the last transaction delivered (also one that
 *                       changed no watched table); null before the first
 * @param lastCommitLsn  where that commit is in the write-ahead log, in PostgreSQL's text form
 *                       ({@code "16/B374D848"}, as {@code pg_current_wal_lsn()} shows it); null
 *                       before the first
 */
public record LiveState(CaptureState status, List<PreflightProblem> problems, List<PreflightProblem> warnings,
                        long lagBytes, Duration lag, Instant lastCommitTime, String lastCommitLsn)
        implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    /** Copies the lists; rejects nulls other than the last commit's, and negative lags. */
    public LiveState {
        Objects.requireNonNull(status, "status");
        problems = List.copyOf(problems);
        warnings = List.copyOf(warnings);
        Objects.requireNonNull(lag, "lag");
        if (lagBytes < 0 || lag.isNegative()) {
            throw new IllegalArgumentException("A lag is never negative: " + lagBytes + " bytes, " + lag);
        }
    }

    /** {@return whether changes flow: the status is {@link CaptureState#STREAMING}} */
    public boolean isLive() {
        return status == CaptureState.STREAMING;
    }

    /**
     * Whether {@code other} has the same status, problems and warnings (the lag figures may differ).
     *
     * @param other the state to compare with; may be {@code null}
     * @return whether {@code other} has the same status, problems and warnings; {@code false} for
     *     {@code null}
     */
    public boolean sameStatusAs(LiveState other) {
        return other != null && status == other.status && problems.equals(other.problems)
                && warnings.equals(other.warnings);
    }
}
