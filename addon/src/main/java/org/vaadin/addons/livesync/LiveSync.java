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
    public static final int DEFAULT_MAX_PENDING = DeliverySettings.DEFAULT_MAX_PENDING;

    private final Pipeline pipeline;

    private LiveSync(Pipeline pipeline) {
        this.pipeline = pipeline;
    }

    /**
     * Creates LiveSync for the {@link Watched} entities of {@code entityManagerFactory} (a Hibernate
     * one: a {@code SessionFactory} is one too), reading the database {@code settings} name, with the
     * {@linkplain DeliverySettings#defaults() default delivery}. Not started.
     *
     * @throws WatchConfigurationException for a {@code @Watched} declaration that cannot work
     * @throws IllegalArgumentException    for settings that cannot work (e.g. a permanent slot without a name)
     */
    public static LiveSync create(EntityManagerFactory entityManagerFactory, CaptureSettings settings) {
        return create(entityManagerFactory, LiveSyncSettings.of(settings));
    }

    /** As {@link #create(EntityManagerFactory, CaptureSettings)}, with the bound of pending row operations per view. */
    public static LiveSync create(EntityManagerFactory entityManagerFactory, CaptureSettings settings, int maxPending) {
        return create(entityManagerFactory, LiveSyncSettings.of(settings)
                .withDelivery(DeliverySettings.defaults().withMaxPending(maxPending)));
    }

    /**
     * Creates LiveSync for the {@link Watched} entities of {@code entityManagerFactory} with these
     * capture and delivery settings. Not started. Each LiveSync reads through a replication slot of
     * its own: unless the settings name one, it generates a temporary slot's name, so that two
     * created from equal settings (two nodes, or two in one JVM) never share a slot.
     *
     * @throws WatchConfigurationException for a {@code @Watched} declaration that cannot work
     * @throws IllegalArgumentException    for settings that cannot work (e.g. a permanent slot without a name)
     */
    public static LiveSync create(EntityManagerFactory entityManagerFactory, LiveSyncSettings settings) {
        return new LiveSync(Pipeline.create(entityManagerFactory, settings));
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

    /** Whether changes currently flow. */
    public boolean isLive() {
        return pipeline.isLive();
    }

    /** What the stream is doing now. */
    public CaptureState state() {
        return pipeline.listener().state();
    }

    /** What keeps the stream from starting (each with its fix); empty once streaming. */
    public List<PreflightProblem> problems() {
        return pipeline.listener().problems();
    }

    /** What works but deserves attention while streaming (e.g. heartbeats refused: stall detection is off). */
    public List<PreflightProblem> warnings() {
        return pipeline.listener().warnings();
    }

    /**
     * The settings it reads with, as the stream uses them: the slot's name is the generated one when
     * none was given (passwords are never printed by their {@code toString}).
     */
    public CaptureSettings settings() {
        return pipeline.listener().settings();
    }

    /** The settings it delivers with. */
    public DeliverySettings deliverySettings() {
        return pipeline.deliverySettings();
    }

    /** A snapshot of its counters, e.g. for metrics or for tests. */
    public LiveSyncMetrics metrics() {
        return LiveSyncMetrics.of(pipeline);
    }

    /** Makes this the instance that views of that Vaadin application find ({@link #current()}). */
    public void install(VaadinContext context) {
        context.setAttribute(LiveSync.class, this);
        FALLBACK.set(this);
    }

    /**
     * The instance for the current Vaadin service: the one {@link #install installed} in its
     * context, else the last one installed anywhere.
     *
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

    /** Hands form saves a transaction runner (the Spring auto-configuration installs the application's). */
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
