package org.vaadin.addons.livesync;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.vaadin.addons.livesync.internal.dispatch.Pipeline;

import com.vaadin.flow.server.VaadinContext;
import com.vaadin.flow.server.VaadinService;

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
 * Threads: a reader and a delivery thread, and a small pool of {@code livesync-ui-N} threads that
 * run {@code UI.access} for sessions whose lock is free. Thread-safe.
 */
public final class LiveSync implements AutoCloseable {

    private static final AtomicReference<LiveSync> FALLBACK = new AtomicReference<>();

    /** Row operations a view may have waiting (and a transaction may give one view) before it reloads instead. */
    public static final int DEFAULT_MAX_PENDING = Pipeline.DEFAULT_MAX_PENDING;

    private final Pipeline pipeline;

    private LiveSync(Pipeline pipeline) {
        this.pipeline = pipeline;
    }

    /**
     * Creates LiveSync for the {@link Watched} entities of {@code entityManagerFactory} (a Hibernate
     * one: a {@code SessionFactory} is one too), reading the database {@code settings} name. Not
     * started.
     *
     * @param entityManagerFactory the application's Hibernate entity manager factory (a {@code SessionFactory} is
     *     one)
     * @param settings where the database is and how to read from it
     * @return a new LiveSync, not started
     * @throws WatchConfigurationException for a {@code @Watched} declaration that cannot work
     * @throws IllegalArgumentException    for settings that cannot work (e.g. a permanent slot without a name)
     */
    public static LiveSync create(EntityManagerFactory entityManagerFactory, CaptureSettings settings) {
        return create(entityManagerFactory, settings, DEFAULT_MAX_PENDING);
    }

    /**
     * As {@link #create(EntityManagerFactory, CaptureSettings)}, with the bound of pending row operations per view.
     *
     * @param entityManagerFactory the application's Hibernate entity manager factory (a {@code SessionFactory} is
     *     one)
     * @param settings where the database is and how to read from it
     * @param maxPending how many row operations a view may have waiting before it reloads instead
     * @return a new LiveSync, not started
     */
    public static LiveSync create(EntityManagerFactory entityManagerFactory, CaptureSettings settings, int maxPending) {
        return new LiveSync(Pipeline.create(entityManagerFactory, settings, maxPending));
    }

    /**
     * Starts reading in the background and returns at once. A database that is not ready does not
     * make this throw: LiveSync logs what is wrong, reports it in {@link #problems()}, and starts
     * delivering once it is fixed.
     *
     * @throws IllegalStateException when already started or stopped (a LiveSync starts once)
     */
    public void start() {
        pipeline.start();
    }

    /** Stops reading; a temporary slot goes with its connection. Idempotent. */
    public void stop() {
        pipeline.stop();
        FALLBACK.compareAndSet(this, null);
    }

    /** Same as {@link #stop()}. */
    @Override
    public void close() {
        stop();
    }

    /** {@return whether changes currently flow} */
    public boolean isLive() {
        return pipeline.isLive();
    }

    /** {@return what the stream is doing now} */
    public CaptureState state() {
        return pipeline.listener().state();
    }

    /** {@return what keeps the stream from starting (each with its fix); empty once streaming} */
    public List<PreflightProblem> problems() {
        return pipeline.listener().problems();
    }

    /** {@return what works but deserves attention while streaming (e.g. heartbeats refused: stall detection is off)} */
    public List<PreflightProblem> warnings() {
        return pipeline.listener().warnings();
    }

    /** {@return the settings it reads with (passwords are never printed by their {@code toString})} */
    public CaptureSettings settings() {
        return pipeline.listener().settings();
    }

    /** {@return a snapshot of its counters, e.g. for metrics or for tests} */
    public LiveSyncMetrics metrics() {
        return LiveSyncMetrics.of(pipeline);
    }

    /**
     * Makes this the instance that views of that Vaadin application find ({@link #current()}).
     *
     * @param context the Vaadin application's context, e.g. {@code new VaadinServletContext(servletContext)} or
     *     {@code service.getContext()}
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
     * Hands form saves a transaction runner (the Spring auto-configuration installs the application's).
     *
     * @param transactions where form saves get their transaction from
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
        return "LiveSync[" + state() + ", " + settings() + "]";
    }
}
