package org.vaadin.addons.livesync.internal.capture;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How long the reader waits before it tries to connect again. A server that is away (down,
 * restarting, refusing connections, a broken stream) is tried again after the minimum wait, then
 * at a steady short interval for a while, so that streaming resumes within about a second of the
 * server accepting connections again; a server that stays away is then tried less and less often,
 * doubling up to the maximum. A misconfigured database (a preflight problem, a slot held by
 * another connection) needs a person, so its wait doubles from the minimum up to the maximum. Every
 * wait but the first gets ±20 % jitter, so that many nodes do not retry in step.
 * <p>
 * Not thread-safe: the reader thread's own.
 */
final class Retry {

    /** Why the last attempt failed. */
    enum Cause {
        /** The server could not be reached or the stream broke: it is likely back soon. */
        SERVER_AWAY,
        /** Something a person must fix. */
        MISCONFIGURED
    }

    static final Duration STEADY_INTERVAL = Duration.ofSeconds(1);
    static final Duration STEADY_FOR = Duration.ofMinutes(2);

    private final Duration min;
    private final Duration max;
    private final Duration steady;
    /** The cause of the last failure since streaming; null when none. */
    private Cause lastCause;
    private long awaySince;
    private Duration doubling;

    Retry(Duration min, Duration max) {
        this.min = min;
        this.max = max;
        this.steady = STEADY_INTERVAL.compareTo(max) > 0 ? max
                : STEADY_INTERVAL.compareTo(min) < 0 ? min : STEADY_INTERVAL;
    }

    /** The wait before the next attempt after a failure of this cause. */
    Duration next(Cause cause) {
        boolean first = lastCause == null;
        lastCause = cause;
        if (first) {
            awaySince = System.nanoTime();
            doubling = min;
            return min;
        }
        if (cause == Cause.SERVER_AWAY && System.nanoTime() - awaySince < STEADY_FOR.toNanos()) {
            return jitter(steady);
        }
        Duration floor = cause == Cause.SERVER_AWAY ? steady : min;
        Duration twice = doubling.multipliedBy(2);
        doubling = twice.compareTo(max) > 0 ? max : twice.compareTo(floor) < 0 ? floor : twice;
        return jitter(doubling);
    }

    /** Streaming again: the next failure starts over. */
    void reset() {
        lastCause = null;
    }

    private Duration jitter(Duration wait) {
        long millis = wait.toMillis();
        long spread = millis / 5;
        long jittered = spread == 0 ? millis : millis + ThreadLocalRandom.current().nextLong(-spread, spread + 1);
        return Duration.ofMillis(Math.max(min.toMillis(), Math.min(max.toMillis(), jittered)));
    }
}
