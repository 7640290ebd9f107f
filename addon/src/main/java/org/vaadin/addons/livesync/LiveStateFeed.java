package org.vaadin.addons.livesync;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vaadin.addons.livesync.internal.capture.ReplicationListener;

import com.vaadin.flow.function.SerializableConsumer;
import com.vaadin.flow.server.VaadinSession;
import com.vaadin.flow.shared.Registration;
import com.vaadin.flow.signals.Signal;
import com.vaadin.flow.signals.SignalEnvironment;
import com.vaadin.flow.signals.local.ValueSignal;

/**
 * Publishes the {@link LiveState} of one {@link LiveSync} to its {@link StateSignal} and state
 * listeners, from a thread of its own ({@code livesync-state-<slot>}): every change of status and
 * problems, in order, at once (the replication listener's hook takes a sample on its own thread and
 * queues it, so that a short RECONNECTING between two STREAMING is not lost); a change of warnings
 * within {@value #LOOK_EVERY_MILLIS} ms (the feed looks that often); and at most every
 * {@link #FIGURES_EVERY} a change of only the lag figures or the last commit. While that thread sets the signal, effects that depend on
 * it are dispatched to the pipeline's UI threads, which run them in {@code UI.access}: no UI's work
 * runs on this thread, let alone on the reader. Thread-safe.
 */
final class LiveStateFeed {

    /** The shortest time between two updates that change only the lag figures or the last commit. */
    static final Duration FIGURES_EVERY = Duration.ofSeconds(1);
    /** Likewise for the sessions' own signals, which cost one {@code VaadinSession.access} each. */
    static final Duration SESSION_FIGURES_EVERY = Duration.ofSeconds(5);

    /** The key of a session's own state signal among its attributes. */
    private static final String SESSION_SIGNAL = LiveStateFeed.class.getName() + ".signal";
    static final long LOOK_EVERY_MILLIS = 250;

    private static final Logger LOG = LoggerFactory.getLogger(LiveStateFeed.class);

    private final ReplicationListener listener;
    private final Executor effects;
    private final StateSignal signal;
    private final List<Entry> listeners = new CopyOnWriteArrayList<>();
    /** Each session's own signal (a session-local one serializes with the session); weak: sessions go. */
    private final Map<VaadinSession, ValueSignal<LiveState>> sessionSignals =
            Collections.synchronizedMap(new WeakHashMap<>());
    private long sessionsPushedAt;
    private final Queue<LiveState> transitions = new ConcurrentLinkedQueue<>();
    private final Semaphore wake = new Semaphore(0);
    /** When the feed last saw everything received delivered (the thread writes). */
    private volatile Instant caughtUpAt = Instant.now();
    private volatile LiveState published;
    private volatile boolean running;
    private Thread thread;
    private Runnable unregisterEnvironment = () -> { };

    LiveStateFeed(ReplicationListener listener, Executor effects) {
        this.listener = listener;
        this.effects = effects;
        this.published = sample(Instant.now());
        this.signal = new StateSignal(this);
        listener.onStateChange(this::stateChanged);
    }

    /** The listener's hook, on the thread that changed the state: a sample (a few reads), queued. */
    private void stateChanged() {
        transitions.add(sample(Instant.now()));
        wake.release();
    }

    /** Starts publishing. */
    synchronized void start() {
        if (thread != null) {
            return;
        }
        running = true;
        thread = Thread.ofPlatform().name("livesync-state-" + listener.settings().slotName()).daemon()
                .unstarted(this::run);
        unregisterEnvironment = SignalEnvironment.register(new EffectsElsewhere(thread, effects));
        thread.start();
    }

    /** Publishes the last state (stopped, by then) and ends the thread. Idempotent. */
    synchronized void stop() {
        running = false;
        wake.release();
        if (thread == null) {
            publishLast(); // never started: the caller passes the last state on
        } else {
            try {
                thread.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        unregisterEnvironment.run();
    }

    /** The state now: status and problems as they are, the lag as of the feed's last look. */
    LiveState current() {
        return sample(Instant.now());
    }

    /** What the signal and the listeners were last given. */
    LiveState published() {
        return published;
    }

    StateSignal signal() {
        return signal;
    }

    /**
     * The session's own state signal (session lock held): a session-local signal, kept among the
     * session's attributes so that it serializes with it, and set by the feed in the session's
     * {@code access}.
     */
    Signal<LiveState> signalFor(VaadinSession session) {
        @SuppressWarnings("unchecked")
        ValueSignal<LiveState> own = (ValueSignal<LiveState>) session.getAttribute(SESSION_SIGNAL);
        if (own == null) {
            own = new ValueSignal<>(published);
            session.setAttribute(SESSION_SIGNAL, own);
        }
        sessionSignals.put(session, own);
        return own.asReadonly();
    }

    /** A deserialized session (lock held): its own signal, if it has one, is set by the feed again. */
    void adopt(VaadinSession session) {
        @SuppressWarnings("unchecked")
        ValueSignal<LiveState> own = (ValueSignal<LiveState>) session.getAttribute(SESSION_SIGNAL);
        if (own != null) {
            sessionSignals.put(session, own);
            own.set(published);
        }
    }

    Registration addListener(SerializableConsumer<LiveState> consumer) {
        Entry entry = new Entry(Objects.requireNonNull(consumer, "listener"));
        listeners.add(entry);
        return () -> listeners.remove(entry);
    }

    private void run() {
        long lastPublished = System.nanoTime();
        while (running) {
            try {
                wake.tryAcquire(LOOK_EVERY_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                break;
            }
            wake.drainPermits();
            if (publishTransitions()) {
                lastPublished = System.nanoTime();
            }
            LiveState next = look();
            boolean figuresDue = System.nanoTime() - lastPublished >= FIGURES_EVERY.toNanos();
            if (!next.sameStatusAs(published) || figuresDue && !next.equals(published)) {
                publish(next);
                lastPublished = System.nanoTime();
            }
        }
        publishLast();
    }

    /** Passes on the transitions still queued and the state now, if it differs from the last one. */
    private void publishLast() {
        publishTransitions();
        LiveState last = look();
        if (!last.equals(published)) {
            publish(last);
        }
    }

    /** Passes on each queued transition that changes the status; returns whether there was one. */
    private boolean publishTransitions() {
        boolean any = false;
        for (LiveState queued = transitions.poll(); queued != null; queued = transitions.poll()) {
            if (!queued.sameStatusAs(published)) {
                publish(queued);
                any = true;
            }
        }
        return any;
    }

    /** Samples the state, noting when everything received was delivered. */
    private LiveState look() {
        Instant now = Instant.now();
        long behind = listener.bytesBehind();
        if (behind == 0) {
            caughtUpAt = now;
        }
        return sample(now, behind);
    }

    private LiveState sample(Instant now) {
        return sample(now, listener.bytesBehind());
    }

    private LiveState sample(Instant now, long behind) {
        ReplicationListener.Commit commit = listener.lastCommit();
        Duration lag = Duration.ZERO;
        if (behind > 0) {
            Instant since = commit != null && commit.time().isAfter(caughtUpAt) ? commit.time() : caughtUpAt;
            lag = since.isBefore(now) ? Duration.between(since, now) : Duration.ZERO;
        }
        return new LiveState(listener.state(), listener.problems(), listener.warnings(), behind, lag,
                commit == null ? null : commit.time(), commit == null ? null : commit.lsn().toString());
    }

    private void publish(LiveState state) {
        boolean statusChanged = !state.sameStatusAs(published);
        published = state;
        signal.changed();
        long now = System.nanoTime();
        if (statusChanged || now - sessionsPushedAt >= SESSION_FIGURES_EVERY.toNanos()) {
            sessionsPushedAt = now;
            List<Map.Entry<VaadinSession, ValueSignal<LiveState>>> sessions;
            synchronized (sessionSignals) {
                sessions = List.copyOf(sessionSignals.entrySet());
            }
            for (Map.Entry<VaadinSession, ValueSignal<LiveState>> own : sessions) {
                try {
                    own.getKey().access(() -> own.getValue().set(state));
                } catch (RuntimeException e) {
                    sessionSignals.remove(own.getKey()); // closed meanwhile
                }
            }
        }
        for (Entry entry : listeners) {
            entry.accept(state);
        }
    }

    /** A state listener; its first failure is logged at WARN, later ones at DEBUG. */
    private static final class Entry {
        private final SerializableConsumer<LiveState> consumer;
        private boolean failedBefore;

        Entry(SerializableConsumer<LiveState> consumer) {
            this.consumer = consumer;
        }

        void accept(LiveState state) {
            try {
                consumer.accept(state);
            } catch (RuntimeException e) {
                if (failedBefore) {
                    LOG.debug("LiveSync state listener {} failed again; it stays registered", consumer, e);
                } else {
                    LOG.warn("LiveSync state listener {} failed; it stays registered, and other listeners are "
                            + "called as usual", consumer, e);
                }
                failedBefore = true;
            }
        }
    }

    /**
     * While the feed's thread changes the signal, effects go to the pipeline's UI threads (an
     * element-bound effect then calls {@code UI.access} there), not run on the feed's thread.
     */
    private static final class EffectsElsewhere extends SignalEnvironment {
        private final Thread feed;
        private final Executor effects;

        EffectsElsewhere(Thread feed, Executor effects) {
            this.feed = feed;
            this.effects = effects;
        }

        @Override
        protected boolean isActive() {
            return Thread.currentThread() == feed;
        }

        @Override
        protected Executor getResultNotifier() {
            return null;
        }

        @Override
        protected Executor getEffectDispatcher() {
            return command -> {
                try {
                    effects.execute(command);
                } catch (RejectedExecutionException e) {
                    command.run(); // the pipeline stopped: its last state is passed on from here
                }
            };
        }
    }
}
