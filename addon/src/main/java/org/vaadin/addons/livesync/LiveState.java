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
 * @param resyncing      how many watches (watched lists, beans and lazy Grids) have yet to reload
 *                       (after an interruption of the stream that could not be bridged, or one that
 *                       fell too far behind), waiting for their turn within
 *                       {@link DeliverySettings#maxConcurrentReloads()} or loading; 0 when every one
 *                       is fresh
 */
public record LiveState(CaptureState status, List<PreflightProblem> problems, List<PreflightProblem> warnings,
                        long lagBytes, Duration lag, Instant lastCommitTime, String lastCommitLsn, int resyncing)
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
        if (resyncing < 0) {
            throw new IllegalArgumentException("A count of views is never negative: " + resyncing);
        }
    }

    /** {@return whether changes flow: the status is {@link CaptureState#STREAMING}} */
    public boolean isLive() {
        return status == CaptureState.STREAMING;
    }

    /**
     * {@return whether views are reloading to be fresh again: {@link #resyncing()} is above 0} A UI
     * shows it, e.g. "Resyncing…", so that users know the rows on screen may be about to change.
     */
    public boolean isResyncing() {
        return resyncing > 0;
    }

    /**
     * Whether {@code other} has the same status, problems and warnings, and is resyncing or not
     * alike (the lag figures and the number of views resyncing may differ).
     *
     * @param other the state to compare with; may be {@code null}
     * @return whether {@code other} has the same status, problems and warnings; {@code false} for
     *     {@code null}
     */
    public boolean sameStatusAs(LiveState other) {
        return other != null && status == other.status && problems.equals(other.problems)
                && warnings.equals(other.warnings) && isResyncing() == other.isResyncing();
    }
}
