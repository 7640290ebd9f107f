package org.vaadin.addons.livesync.internal.capture;

import java.io.Serial;
import java.time.Duration;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides, for one stream, when it is dead although its connection looks open. Anything that
 * arrives counts as life: a message, or a server keep-alive that moved the reported WAL position.
 * When a heartbeat was written {@code 3 ×} the heartbeat interval ago and nothing arrived since, the
 * stream is suspect, and the server is asked ({@link WalsenderProbe}): a walsender still busy —
 * decoding a large transaction of unpublished tables sends nothing for as long as it takes — is
 * alive, and asked again an interval later; a walsender that is gone, or idle although it had our
 * heartbeat to send, twice in a row an interval apart with nothing arriving in between, means the
 * connection is dead. (Once is not enough: a walsender that has just read the end of a large
 * transaction waits for WAL for a moment before it sends what follows — the server said "idle" in
 * that moment once, and a live stream was taken for dead.) Without heartbeats (they cannot be
 * written) nothing is ever suspect.
 * <p>
 * Not thread-safe: the reader thread's own.
 */
final class StallDetector {

    private static final Logger LOG = LoggerFactory.getLogger(StallDetector.class);

    private final long interval;
    private final long stallAfter;
    private final Supplier<Heartbeat.Beat> beats;
    private long lastArrival = System.nanoTime();
    private Heartbeat.Beat unanswered;
    private long nextProbe;
    /** Whether the last answer said stalled: one more such answer, an interval later, and it is. */
    private boolean stalledOnce;

    StallDetector(Duration heartbeatInterval, Supplier<Heartbeat.Beat> beats) {
        this.interval = heartbeatInterval.toNanos();
        this.stallAfter = heartbeatInterval.multipliedBy(3).toNanos();
        this.beats = beats;
    }

    /** Something arrived from the server. */
    void arrived() {
        lastArrival = System.nanoTime();
        unanswered = null;
        stalledOnce = false;
    }

    /**
     * Asks the server when the stream is suspect.
     *
     * @throws StalledStreamException when the stream is dead
     */
    void check(ReplicationSession session, WalsenderProbe probe) throws StalledStreamException {
        Heartbeat.Beat beat = beats.get();
        if (unanswered == null && beat != null && beat.nanos() - lastArrival > 0) {
            unanswered = beat; // the first heartbeat written since anything arrived
            nextProbe = beat.nanos() + stallAfter;
        }
        long now = System.nanoTime();
        if (unanswered == null || now - nextProbe < 0) {
            return;
        }
        WalsenderProbe.Answer answer = probe.ask(session.backendPid(), unanswered.lsn());
        String silence = "nothing arrived for " + (now - lastArrival) / 1_000_000 + " ms although a heartbeat was written "
                + (now - unanswered.nanos()) / 1_000_000 + " ms ago, and " + answer.why();
        if (answer.stalled() && stalledOnce) {
            throw new StalledStreamException(silence);
        }
        stalledOnce = answer.stalled();
        LOG.debug("LiveSync stream {} {}: {}", session, stalledOnce ? "suspect, asking again" : "alive", silence);
        nextProbe = now + interval;
    }

    /** The connection looks open but is dead. */
    static final class StalledStreamException extends Exception {
        @Serial
        private static final long serialVersionUID = 1L;

        StalledStreamException(String message) {
            super(message);
        }
    }
}
