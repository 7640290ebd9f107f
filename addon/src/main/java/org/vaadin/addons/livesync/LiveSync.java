package org.vaadin.addons.livesync;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import org.vaadin.addons.livesync.internal.capture.WalPosition;
import org.vaadin.addons.livesync.internal.decode.Lsn;
import org.vaadin.addons.livesync.internal.dispatch.Pipeline;

import com.vaadin.flow.function.SerializableConsumer;
import com.vaadin.flow.server.ServiceInitEvent;
import com.vaadin.flow.server.VaadinContext;
import com.vaadin.flow.server.VaadinService;
import com.vaadin.flow.server.VaadinSession;
import com.vaadin.flow.shared.Registration;
import com.vaadin.flow.signals.Signal;

import jakarta.persistence.EntityManagerFactory;

/**
 * Keeps Vaadin views live with PostgreSQL: reads the database's logical replication stream and
 * delivers every committed change of a {@link Watched} entity to exactly the open views whose
 * subscription value matches the row's subscription key. One per application: the Spring Boot
 * auto-configuration creates, installs and starts it; without Spring, {@link #create} it,
 * {@link #install} it into the Vaadin application and {@link #start()} it (see the README's
 * "Plain Java").
 * <p>
 * Views find it through {@link #current()}; {@link LiveScope}, {@link LiveSyncView},
 * {@link WatchedList} and {@link WatchedBean} are what they use.
 * <p>
 * Code that is not a view receives typed events of the changes through {@link #events(Class)}.
 * <p>
 * Threads: a reader and a delivery thread, a small pool of {@code livesync-ui-N} threads that run
 * {@code UI.access} for sessions whose lock is free, and {@code livesync-events-N} virtual threads
 * that call entity listeners (at most one per listener at a time; no platform thread per listener,
 * however many there are). Thread-safe.
 */
public final class LiveSync implements AutoCloseable {

    private static final AtomicReference<LiveSync> FALLBACK = new AtomicReference<>();

    private final Pipeline pipeline;
    private final LiveStateFeed stateFeed;

    private LiveSync(Pipeline pipeline) {
        this.pipeline = pipeline;
        this.stateFeed = new LiveStateFeed(pipeline.listener(), pipeline::resyncing, pipeline.uiExecutor());
    }

    /**
     * Creates LiveSync for the {@link Watched} entities of {@code entityManagerFactory} (a Hibernate
     * one: a {@code SessionFactory} is one too), reading the database {@code settings} name, with the
     * {@linkplain DeliverySettings#defaults() default delivery}. Not started.
     *
     * @param entityManagerFactory the application's Hibernate entity manager factory (a {@code SessionFactory} is
     *     one)
     * @param settings where the database is and how to read from it
     * @return a new LiveSync, not started
     * @throws WatchConfigurationException for a {@code @Watched} declaration that cannot work
     * @throws IllegalArgumentException    for settings that cannot work (e.g. a permanent slot without a name)
     */
    public static LiveSync create(EntityManagerFactory entityManagerFactory, CaptureSettings settings) {
        return create(entityManagerFactory, LiveSyncSettings.of(settings));
    }

    /**
     * Creates LiveSync for the {@link Watched} entities of {@code entityManagerFactory} with these
     * capture and delivery settings. Not started. Each LiveSync reads through a replication slot of
     * its own: unless the settings name one, it generates a temporary slot's name, so that two
     * created from equal settings (two nodes, or two in one JVM) never share a slot.
     *
     * @param entityManagerFactory the application's Hibernate entity manager factory (a
     *                             {@code SessionFactory} is one) whose {@code @Watched} entities to keep live
     * @param settings             where the database is and how to read from it and deliver
     * @return the new LiveSync, not started
     * @throws WatchConfigurationException for a {@code @Watched} declaration that cannot work
     * @throws IllegalArgumentException    for settings that cannot work (e.g. a permanent slot without a name)
     */
    public static LiveSync create(EntityManagerFactory entityManagerFactory, LiveSyncSettings settings) {
        return new LiveSync(Pipeline.create(entityManagerFactory, settings));
    }

    /**
     * Starts reading in the background and returns at once. A database that is not ready does not
     * make this throw: LiveSync logs what is wrong, reports it in {@link #liveState()} (its problems), and starts
     * delivering once it is fixed.
     *
     * @throws IllegalStateException when already started or stopped (a LiveSync starts once)
     */
    public void start() {
        pipeline.start();
        stateFeed.start();
    }

    /** Stops reading; a temporary slot goes with its connection. Idempotent. */
    public void stop() {
        pipeline.stop();
        stateFeed.stop();
        FALLBACK.compareAndSet(this, null);
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /**
     * Waits until changes flow ({@link CaptureState#STREAMING}): from then on, every transaction that
     * commits reaches the views. A change committed before the stream first streams may be missed (a
     * temporary slot starts at its creation), so a test writes only after this returned {@code true}.
     * Returns at once when already streaming. Polls every few milliseconds; blocks the calling thread,
     * which may be any thread (also one holding a Vaadin session's lock: the stream takes no session
     * lock).
     *
     * @param timeout how long to wait at most
     * @return {@code true} when streaming, {@code false} when the timeout passed first or LiveSync
     *     was stopped ({@link #liveState()}'s problems then say what keeps it from streaming)
     * @throws IllegalStateException when it was never {@link #start() started}
     * @throws InterruptedException  when the waiting thread is interrupted
     */
    public boolean awaitStreaming(Duration timeout) throws InterruptedException {
        if (status() == CaptureState.NEW) {
            throw new IllegalStateException("LiveSync was not started: call start() before awaitStreaming(..)");
        }
        return poll(timeout, () -> pipeline.isLive() || status() == CaptureState.STOPPED) && pipeline.isLive();
    }

    /**
     * Waits until every transaction that committed before this call has been routed to the views:
     * each view whose data it changes has it waiting in its mailbox, applied in that UI's next
     * {@code UI.access} ({@link LiveSyncMetrics#busyUis()} counts the UIs that have not applied theirs
     * yet). It writes a small logical message (in a transaction of its own, whose commit flushes
     * the WAL; the WAL insert position where that function is not granted) on a short connection and
     * waits until the stream has passed it, and until no transaction waits for its rows to become
     * visible. Entity listeners ({@link #events(Class)}) may still be running.
     * <p>
     * Meant for tests: write, then wait, then look at the view. It does not apply anything itself:
     * where the test thread holds the UI's session lock (Karibu-Testing), run the UI's queue after it
     * ({@code MockVaadin.runUIQueue()}); the {@code livesync-test} artifact's
     * {@code LiveSyncTesting.awaitApplied(liveSync)} does both. Blocks the calling thread, which may
     * be any thread, also one holding a session's lock. Polls every few milliseconds.
     *
     * @param timeout how long to wait at most
     * @return {@code true} when caught up, {@code false} when the timeout passed first (e.g. while not
     *     streaming) or LiveSync was stopped
     * @throws IllegalStateException when it was never {@link #start() started}, or the database cannot
     *                               be reached to read its position (the message says why)
     * @throws InterruptedException  when the waiting thread is interrupted
     */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout");
        if (status() == CaptureState.NEW) {
            throw new IllegalStateException("LiveSync was not started: call start() before awaitCaughtUp(..)");
        }
        if (status() == CaptureState.STOPPED) {
            return false;
        }
        Lsn target;
        try {
            target = WalPosition.now(settings());
        } catch (SQLException e) {
            throw new IllegalStateException("LiveSync could not read the server's WAL position at "
                    + CaptureSettings.redacted(settings().jdbcUrl()) + ": " + e.getMessage(), e);
        }
        return poll(timeout, () -> status() == CaptureState.STOPPED
                || pipeline.listener().caughtUpTo().compareTo(target) >= 0 && pipeline.dispatcher().lateTransactions() == 0)
                && status() != CaptureState.STOPPED;
    }

    /** Checks {@code done} every few milliseconds until it holds or {@code timeout} passed; returns whether it held. */
    private static boolean poll(Duration timeout, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for LiveSync");
            }
        }
        return true;
    }

    /** What the stream is doing now (the status of {@link #liveState()}, read without sampling the rest). */
    private CaptureState status() {
        return pipeline.listener().state();
    }

    /**
     * Whether changes flow, why not, and how far behind they are, read now (only the moment LiveSync
     * was last caught up, from which the time lag may count, is as of its last look, a few times a
     * second). {@link #stateSignal()} and the state listeners get it as described there.
     *
     * @return the state now
     */
    public LiveState liveState() {
        return stateFeed.current();
    }

    /** The one signal shared by every reader (what {@link #stateSignal()} gives off a session's thread). */
    Signal<LiveState> sharedStateSignal() {
        return stateFeed.signal();
    }

    /**
     * {@link #liveState()} as a Vaadin signal, for effects and bindings: e.g.
     * {@code Signal.effect(badge, () -> show(liveSync.stateSignal().get()))} keeps a component up to
     * date while it is attached, in {@code UI.access}. Its value changes at once when the status,
     * problems or warnings change, and at most once a second when only the lag figures or the last
     * commit do (while changes arrive). An effect that shows only the status may read
     * {@code Signal.cached(liveSync.stateSignal().map(LiveState::status))} instead, so that it does not
     * run again for new figures. Called on a session's UI thread, it returns that session's own
     * signal (session-local, so that a session holding effects on it still serializes; its lag figures
     * change at most every 5 s); called elsewhere, one signal shared by every reader. Thread-safe.
     *
     * @return the state as a signal
     */
    public Signal<LiveState> stateSignal() {
        VaadinSession session = VaadinSession.getCurrent();
        return session != null && session.hasLock() ? stateFeed.signalFor(session) : stateFeed.signal();
    }

    /**
     * Calls {@code listener} with the new {@link LiveState} whenever the status, problems or warnings
     * change, and at most once a second while only the lag figures or the last commit change. Called
     * on LiveSync's {@code livesync-state} thread, one listener after the other, never on the thread
     * that reads the stream: keep it quick, and touch UI state only in {@code UI.access}. A listener
     * that throws is logged and stays registered; the others are called as usual. Not called for the
     * state at registration: register, then read {@link #liveState()}.
     *
     * @param listener told each new state, on LiveSync's state thread
     * @return removes the listener
     */
    public Registration addStateListener(SerializableConsumer<LiveState> listener) {
        return stateFeed.addListener(listener);
    }

    /**
     * {@return the settings it reads with, as the stream uses them} The slot's name is the generated
     * one when none was given; passwords are never printed by their {@code toString}.
     */
    public CaptureSettings settings() {
        return pipeline.listener().settings();
    }

    /** {@return the settings it delivers with} */
    public DeliverySettings deliverySettings() {
        return pipeline.deliverySettings();
    }

    /** {@return a snapshot of its counters, e.g. for metrics or for tests} */
    public LiveSyncMetrics metrics() {
        return LiveSyncMetrics.of(pipeline);
    }

    /**
     * Installs this instance into the Vaadin service being initialized: views find it
     * ({@link #install(VaadinContext)}), and a session that was serialized (session persistence,
     * replication) gets its live views registered again at its next request. Call it from a
     * {@code VaadinServiceInitListener}; the Spring Boot auto-configuration does.
     *
     * @param event the initialization of the Vaadin service to install into
     */
    public void install(ServiceInitEvent event) {
        install(event.getSource().getContext());
        event.addRequestHandler((session, request, response) -> {
            revive(session);
            return false; // only a look at the session: the request goes on
        });
    }

    /** Registers again the live views of a session that was deserialized (once; cheap otherwise). */
    static void revive(VaadinSession session) {
        if (session == null) {
            return;
        }
        session.lock();
        try {
            LiveScopes.reviveIfNeeded(session);
            LiveSync current = session.getService() == null ? null
                    : session.getService().getContext().getAttribute(LiveSync.class);
            if (current != null) {
                current.stateFeed.adopt(session);
            }
        } finally {
            session.unlock();
        }
    }

    /**
     * Makes this the instance that views of that Vaadin application find ({@link #current()}).
     *
     * @param context the Vaadin application's context
     */
    public void install(VaadinContext context) {
        context.setAttribute(LiveSync.class, this);
        FALLBACK.set(this);
    }

    /**
     * The instance for the current Vaadin service: the one {@link #install installed} in its
     * context, else the last one installed anywhere.
     *
     * @return the instance for the current Vaadin service: the one {@link #install installed} in its context, else
     *     the last one installed anywhere
     * @throws IllegalStateException when none was installed
     */
    public static LiveSync current() {
        VaadinService service = VaadinService.getCurrent();
        LiveSync found = service == null ? null : service.getContext().getAttribute(LiveSync.class);
        if (found == null) {
            found = FALLBACK.get();
        }
        if (found == null) {
            throw new IllegalStateException("No LiveSync is installed: add the livesync dependency to a Spring Boot "
                    + "application (it configures itself), or create one with LiveSync.create(...), call install(...) "
                    + "and start()");
        }
        return found;
    }

    /**
     * The events of one watched type, to choose from and listen to, for code that is not a view (a
     * service, a scheduled job, a Spring bean):
     * {@code liveSync.events(Task.class).ofKind(ChangeType.UPDATED).forId(42L).listen(event -> ...)}.
     *
     * @param <T>  the entity type
     * @param type the watched entity class
     * @return the selection of all its events, to narrow and then {@code listen} to
     * @throws IllegalArgumentException if the class is not a {@code @Watched} entity
     */
    public <T> EntityEvents<T> events(Class<T> type) {
        return EntityEvents.of(pipeline.events(), pipeline.entity(type));
    }

    /** {@return the events of every watched type (see {@link #events(Class)}); {@code entityType()} tells them apart} */
    public EntityEvents<Object> events() {
        return EntityEvents.of(pipeline.events(), null);
    }

    /**
     * Hands form saves a transaction runner (the Spring auto-configuration installs the application's).
     *
     * @param transactions runs each save's check and write in one transaction
     */
    public void useTransactions(TransactionRunner transactions) {
        pipeline.saveGuard().useTransactions(transactions);
    }

    /** The engine, for this package's view types. */
    Pipeline pipeline() {
        return pipeline;
    }

    @Override
    public String toString() {
        return "LiveSync[" + status() + ", " + settings() + "]";
    }
}
