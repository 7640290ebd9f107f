package org.vaadin.addons.livesync.internal.dispatch;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.UIDetachedException;

/**
 * One lazy view's range refreshes, run one at a time and off the session lock: {@link #request}
 * starts the view's queries on a LiveSync UI thread (at once, or at the end of the refresh window
 * after the previous start), and their result is installed in one {@code UI.access}. A request
 * while a refresh is on its way only marks the view dirty; when that refresh is installed, a dirty
 * view starts exactly one more, right away (counted as back to back in the metrics). So a started
 * refresh is always completed and shown, none is cancelled or superseded, every change is followed
 * by a refresh whose queries start after it was applied, and a view has at most one query
 * running. The bound: a refresh that shows a change starts at most one query time plus the refresh
 * window after the change was applied, and shows it one query time later.
 * <p>
 * Thread-safety: {@link #request}, {@link #reset} and {@link #inFlight} run on the UI thread (the
 * session lock held); the queries on a LiveSync UI thread; the install in {@code UI.access}. The
 * state is guarded by this object's lock. For internal use only.
 *
 * @param <R> what the queries return
 */
public final class BackgroundRefresh<R> {

    private static final Logger LOG = LoggerFactory.getLogger(BackgroundRefresh.class);

    /**
     * What the view does for a refresh.
     *
     * @param <R> what the queries return
     */
    public interface Work<R> {

        /**
         * UI thread, when a refresh is requested and none is on its way: what the queries need,
         * captured from the view's state (the queries do not touch the view).
         *
         * @return the queries to run, off the UI thread
         */
        Supplier<R> prepare();

        /**
         * In {@code UI.access}: shows the result of a refresh.
         *
         * @param result the queries' result, null if they threw
         * @param failure what they threw, or null
         */
        void install(R result, RuntimeException failure);
    }

    private final Pipeline pipeline;
    private final UI ui;
    private final Work<R> work;
    private final Supplier<Duration> window;
    /** Whether a refresh is scheduled or running and not yet installed. */
    private boolean inFlight;
    /** A refresh due within this time counts as running from its request on. */
    private static final long SOON_NANOS = 1_000_000_000L;

    /** Whether a refresh's queries started, or are due within {@link #SOON_NANOS}, and its results are not installed yet (what the figures count). */
    private boolean running;
    /** Whether something was applied after the running refresh's queries started. */
    private boolean dirty;
    /** Whether the refresh on its way runs right after the previous one (for the metrics). */
    private boolean backToBack;
    /** Bumped by {@link #reset}: a refresh of an earlier generation is not installed. */
    private long generation;
    private long lastStartNanos;

    /**
     * Refreshes of a view of {@code ui}.
     *
     * @param pipeline whose UI threads run the queries
     * @param ui the view's UI
     * @param work what a refresh does
     * @param window the shortest time between the starts of two refreshes (read at each request)
     */
    public BackgroundRefresh(Pipeline pipeline, UI ui, Work<R> work, Supplier<Duration> window) {
        this.pipeline = pipeline;
        this.ui = ui;
        this.work = work;
        this.window = window;
    }

    /** UI thread: the view's range must be fetched again; starts a refresh, or marks the one on its way as not the last. */
    public void request() {
        long wait;
        long started;
        synchronized (this) {
            if (inFlight) {
                dirty = true;
                return;
            }
            flying(true);
            started = generation;
            wait = lastStartNanos == 0 ? 0 : window.get().toNanos() - (System.nanoTime() - lastStartNanos);
            if (wait <= SOON_NANOS) {
                running(true); // starts at once or within a second: counted from now
            }
        }
        Supplier<R> queries = work.prepare();
        Runnable run = () -> run(started, queries);
        if (wait <= 0) {
            try {
                pipeline.uiExecutor().execute(run);
            } catch (RejectedExecutionException e) {
                reset(); // stopping
            }
        } else {
            pipeline.later(Duration.ofNanos(wait), run);
        }
    }

    /**
     * UI thread: whether a refresh was requested and is not installed yet.
     *
     * @return whether a refresh was requested and is not installed yet
     */
    public synchronized boolean inFlight() {
        return inFlight;
    }

    /** UI thread: marks the refresh on its way, if any, as not the last (something it may not show was applied). */
    public synchronized void touched() {
        if (inFlight) {
            dirty = true;
        }
    }

    /** UI thread: forgets the refresh on its way (the view detached or reloads by itself). */
    public synchronized void reset() {
        generation++;
        flying(false);
        dirty = false;
        backToBack = false;
    }

    /** Holding this object's lock: a refresh is on its way (scheduled or running), or no longer. */
    private void flying(boolean now) {
        inFlight = now;
        if (!now) {
            running(false);
        }
    }

    /**
     * Holding this object's lock: a refresh's queries started (or are due within a second), or its
     * results were installed (or dropped); counted in the dispatcher's figures. A refresh waiting
     * longer for the end of its window is counted only once it starts: with a long window it may
     * wait for a long time.
     */
    private void running(boolean now) {
        if (running != now) {
            running = now;
            pipeline.dispatcher().stats().lazyRefreshInFlight(now ? 1 : -1);
        }
    }

    private void run(long started, Supplier<R> queries) {
        boolean followsPrevious;
        synchronized (this) {
            if (started != generation) {
                return;
            }
            dirty = false; // what is applied from now on may be missing from these queries
            running(true);
            lastStartNanos = System.nanoTime();
            followsPrevious = backToBack;
            backToBack = false;
        }
        pipeline.dispatcher().stats().lazyRefreshed(followsPrevious);
        R result = null;
        RuntimeException failure = null;
        try {
            result = queries.get();
        } catch (RuntimeException e) {
            failure = e;
        }
        R done = result;
        RuntimeException failed = failure;
        try {
            ui.access(() -> install(started, done, failed));
        } catch (UIDetachedException e) {
            synchronized (this) {
                flying(false);
            }
        }
    }

    private void install(long started, R result, RuntimeException failure) {
        synchronized (this) {
            if (started != generation) {
                return;
            }
        }
        try {
            work.install(result, failure);
        } catch (RuntimeException e) {
            LOG.error("A lazy view's refresh could not be shown; the next change refreshes it again", e);
        }
        boolean again;
        synchronized (this) {
            flying(false);
            again = dirty;
            dirty = false;
            backToBack = again;
        }
        if (again) {
            request(); // changes came while it ran: one more, as soon as its window allows
        }
    }
}
