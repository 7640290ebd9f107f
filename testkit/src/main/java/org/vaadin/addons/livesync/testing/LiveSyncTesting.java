package org.vaadin.addons.livesync.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.vaadin.addons.livesync.LiveSync;
import org.vaadin.addons.livesync.LiveSyncMetrics;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.server.VaadinSession;

/**
 * The two waits a test of live views needs, on the real pipeline: before the first write, until
 * LiveSync streams ({@link #awaitStreaming}); after a write, until everything committed so far has
 * been applied in the views ({@link #awaitApplied}). Then the test asserts on what the view shows,
 * without polling:
 * <pre>{@code
 * LiveSyncTesting.awaitStreaming(liveSync);   // once, before the first write
 * jdbc.update("INSERT INTO task ...");
 * LiveSyncTesting.awaitApplied(liveSync);
 * assertThat(titlesShown()).contains("Water the cactus");
 * }</pre>
 * With Karibu-Testing the test thread holds the session's lock, so LiveSync's own threads cannot
 * run the views' {@code UI.access} tasks: {@link #awaitApplied} runs them on the test thread
 * ({@code MockVaadin.runUIQueue()}, the part of a {@code MockVaadin.clientRoundtrip()} that runs
 * pending {@code UI.access} tasks), so it composes with Karibu's own round trips, before and after.
 * Without a mock session on the thread (a browser test), LiveSync's threads apply them and this
 * only waits.
 * <p>
 * Each wait fails with an {@link AssertionError} that says what LiveSync is doing (its state and
 * problems) when its deadline passes: {@link #DEFAULT_TIMEOUT} unless given. Call them on the test
 * thread (the one Karibu set up); not thread-safe beyond that. Stateless.
 */
public final class LiveSyncTesting {

    /** How long a wait lasts before it fails: a deadline, never an expectation. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

    private LiveSyncTesting() {
    }

    /**
     * Waits until {@code liveSync} streams, so that a write made after it reaches the views. Call it
     * once before a test's first write (a change committed before the stream started is missed).
     *
     * @param liveSync a started LiveSync
     * @throws AssertionError when it does not stream within {@link #DEFAULT_TIMEOUT}, naming its problems
     */
    public static void awaitStreaming(LiveSync liveSync) {
        awaitStreaming(liveSync, DEFAULT_TIMEOUT);
    }

    /**
     * As {@link #awaitStreaming(LiveSync)}, with a deadline of its own.
     *
     * @param liveSync a started LiveSync
     * @param timeout  how long to wait at most
     * @throws AssertionError when it does not stream within {@code timeout}, naming its problems
     */
    public static void awaitStreaming(LiveSync liveSync, Duration timeout) {
        Objects.requireNonNull(liveSync, "liveSync");
        boolean streaming;
        try {
            streaming = liveSync.awaitStreaming(timeout);
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
        if (!streaming) {
            throw new AssertionError("LiveSync is not streaming after " + timeout + ": " + describe(liveSync));
        }
    }

    /**
     * Waits until every transaction committed before this call has been applied in the views:
     * LiveSync has routed it ({@link LiveSync#awaitCaughtUp}) and no UI has changes left to apply
     * ({@link LiveSyncMetrics#busyUis()} is 0), nor a lazy Grid a range refresh to show
     * ({@link LiveSyncMetrics#lazyRefreshing()} is 0), running the current Karibu session's pending
     * {@code UI.access} tasks meanwhile. Views of other sessions whose lock is free are applied by
     * LiveSync's own threads.
     *
     * @param liveSync a streaming LiveSync
     * @throws AssertionError when that does not happen within {@link #DEFAULT_TIMEOUT}
     */
    public static void awaitApplied(LiveSync liveSync) {
        awaitApplied(liveSync, DEFAULT_TIMEOUT);
    }

    /**
     * As {@link #awaitApplied(LiveSync)}, with a deadline of its own.
     *
     * @param liveSync a streaming LiveSync
     * @param timeout  how long to wait at most
     * @throws AssertionError when that does not happen within {@code timeout}
     */
    public static void awaitApplied(LiveSync liveSync, Duration timeout) {
        Objects.requireNonNull(liveSync, "liveSync");
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            if (!liveSync.awaitCaughtUp(timeout)) {
                throw new AssertionError("LiveSync did not catch up with the database within " + timeout + ": "
                        + describe(liveSync));
            }
        } catch (InterruptedException e) {
            throw interrupted(e);
        }
        while (true) {
            runUiQueue();
            LiveSyncMetrics metrics = liveSync.metrics();
            if (metrics.busyUis() == 0 && metrics.lateTransactions() == 0 && metrics.lazyRefreshing() == 0) {
                return;
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("The views did not apply LiveSync's changes within " + timeout + ": "
                        + metrics.busyUis() + " UIs with " + metrics.pendingOperations() + " row operations and "
                        + metrics.lazyRefreshing() + " lazy Grid refreshes left (a UI whose session lock another "
                        + "thread holds cannot apply them)");
            }
            LockSupport.parkNanos(POLL_NANOS);
        }
    }

    /** Runs the pending {@code UI.access} tasks of the Karibu session on this thread, if there is one. */
    private static void runUiQueue() {
        if (VaadinSession.getCurrent() != null) {
            MockVaadin.runUIQueue();
        }
    }

    private static String describe(LiveSync liveSync) {
        return liveSync.liveState().status() + (liveSync.liveState().problems().isEmpty() ? "" : ", problems: " + liveSync.liveState().problems());
    }

    private static AssertionError interrupted(InterruptedException e) {
        Thread.currentThread().interrupt();
        return new AssertionError("interrupted while waiting for LiveSync", e);
    }
}
