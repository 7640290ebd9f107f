package org.vaadin.addons.livesync;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import org.vaadin.addons.livesync.internal.dispatch.Dispatcher;
import org.vaadin.addons.livesync.internal.dispatch.Pipeline;

import com.vaadin.flow.shared.Registration;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;

/**
 * Publishes one {@link LiveSync}'s figures as Micrometer meters named {@code livesync.*}, in base
 * units: what was received and delivered, the lag, the attached views, reloads by cause, reconnects,
 * coalesced changes, lazy Grids' range refreshes, and a timer of the delivery latency (commit → applied in {@code UI.access}) with
 * percentiles. The README's "Observability" section lists every meter. Only this class needs
 * Micrometer (an optional dependency): LiveSync works without it.
 * <p>
 * The Spring Boot auto-configuration registers one as a bean when Micrometer is on the class path;
 * without Spring, {@code new LiveSyncMeterBinder(liveSync).bindTo(registry)}. Counters and gauges
 * read LiveSync's own counters when the registry asks (no work on the delivery path); the timer is
 * recorded in each UI's {@code UI.access}, once per UI that applied changes. Binding to a registry
 * again does nothing (the meters are there, and each latency is recorded once). {@link #close()}
 * stops recording the timer (the registries keep the meters). Thread-safe.
 */
public final class LiveSyncMeterBinder implements MeterBinder, AutoCloseable {

    /** The percentiles the delivery-latency timer publishes. */
    static final double[] PERCENTILES = {0.5, 0.95, 0.99};

    private final LiveSync liveSync;
    private final Tags tags;
    /** The latency timer's recorder for each registry bound to. */
    private final Map<MeterRegistry, Registration> recorders = new IdentityHashMap<>();

    /**
     * Meters of {@code liveSync} with no tags of their own.
     *
     * @param liveSync whose figures to publish
     */
    public LiveSyncMeterBinder(LiveSync liveSync) {
        this(liveSync, Tags.empty());
    }

    /**
     * Meters of {@code liveSync}, each with {@code tags} (e.g. {@code node=a} when one application runs
     * more than one LiveSync: meters of the same name and tags are one meter).
     *
     * @param liveSync whose figures to publish
     * @param tags     added to every meter
     */
    public LiveSyncMeterBinder(LiveSync liveSync, Iterable<Tag> tags) {
        this.liveSync = Objects.requireNonNull(liveSync, "liveSync");
        this.tags = Tags.of(Objects.requireNonNull(tags, "tags"));
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        synchronized (recorders) {
            if (recorders.containsKey(registry)) {
                return;
            }
            recorders.put(registry, bind(registry));
        }
    }

    /** Registers the meters; returns what stops recording the latency timer. */
    private Registration bind(MeterRegistry registry) {
        Pipeline pipeline = liveSync.pipeline();
        Dispatcher dispatcher = pipeline.dispatcher();
        counter(registry, "livesync.received.transactions", "transactions",
                "Transactions received with at least one change kept for delivery (one that may concern a view or an entity listener)",
                pipeline, p -> p.listener().transactionsDelivered());
        counter(registry, "livesync.received.rows", BaseUnits.ROWS,
                "Row changes of watched tables received from the stream (a truncate counts once per table)",
                pipeline, Pipeline::rowsReceived);
        counter(registry, "livesync.delivered.rows", BaseUnits.ROWS,
                "Row operations handed to views", dispatcher, Dispatcher::deliveredRows);
        counter(registry, "livesync.row.queries", "queries",
                "Queries issued to load changed rows (one per entity type and transaction batch)",
                dispatcher, Dispatcher::queries);
        counter(registry, "livesync.reconnects", "reconnects",
                "Times the stream was re-established after an interruption", pipeline, p -> p.listener().reconnects());
        counter(registry, "livesync.coalesced.changes", "changes",
                "Row operations merged into later ones, or replaced by a reload, while their UI was busy",
                dispatcher, Dispatcher::coalescedChanges);
        counter(registry, "livesync.lazy.refreshes", "refreshes",
                "Range refreshes of lazy Grids whose count and page queries ran (off the session lock)",
                dispatcher, Dispatcher::lazyRefreshes);
        counter(registry, "livesync.lazy.refreshes.back.to.back", "refreshes",
                "Range refreshes of lazy Grids started right after the previous one of the same Grid because changes arrived while it ran",
                dispatcher, Dispatcher::lazyRefreshesBackToBack);
        for (ReloadCause cause : ReloadCause.values()) {
            FunctionCounter.builder("livesync.reloads", dispatcher, d -> d.reloads().get(cause))
                    .description("Watched lists, beans and lazy Grids loaded again instead of receiving changes one by one")
                    .baseUnit("reloads").tags(tags).tag("cause", cause.tag()).register(registry);
        }
        counter(registry, "livesync.delivered.events", BaseUnits.EVENTS,
                "Events handed to entity listeners", pipeline, p -> p.events().delivered());
        counter(registry, "livesync.missed.events", BaseUnits.EVENTS,
                "Events dropped because an entity listener's queue was full", pipeline, p -> p.events().missed());

        gauge(registry, "livesync.lag", BaseUnits.BYTES,
                "WAL the server sent or reported as written and not yet delivered to the views",
                s -> s.liveState().lagBytes());
        TimeGauge.builder("livesync.lag.time", liveSync, TimeUnit.MILLISECONDS, s -> s.liveState().lag().toMillis())
                .description("How long the changes not yet delivered may have waited since their commit; 0 when caught up")
                .tags(tags).strongReference(true).register(registry);
        gauge(registry, "livesync.streaming", null, "1 while changes flow (state STREAMING), else 0",
                s -> s.pipeline().isLive() ? 1 : 0);
        gauge(registry, "livesync.uis", "uis", "UIs with at least one attached live view",
                s -> s.pipeline().dispatcher().uis());
        gauge(registry, "livesync.subscriptions", "subscriptions",
                "Watched lists, beans and lazy Grids registered by attached views",
                s -> s.pipeline().dispatcher().registrations());
        gauge(registry, "livesync.resyncing", "subscriptions",
                "Watched lists, beans and lazy Grids still to reload after an interruption or an overflow",
                s -> s.pipeline().resyncing());
        gauge(registry, "livesync.pending.operations", BaseUnits.OPERATIONS,
                "Row operations routed to UIs and not applied yet", s -> s.pipeline().dispatcher().pendingOperations());
        gauge(registry, "livesync.lazy.refreshing", "refreshes",
                "Lazy Grids whose range refresh is running (queries started, results not shown yet)", s -> s.pipeline().dispatcher().lazyRefreshesInFlight());
        gauge(registry, "livesync.pending.transactions", "transactions",
                "Transactions decoded but not yet delivered", s -> s.pipeline().listener().pending());

        Timer latency = Timer.builder("livesync.delivery.latency")
                .description("From a transaction's commit (database clock) until a UI applied it in UI.access, per UI")
                .tags(tags).publishPercentiles(PERCENTILES).register(registry);
        return dispatcher.addDeliveryListener(latency::record);
    }

    /** Stops recording the delivery-latency timer of every registry bound to; idempotent. */
    @Override
    public void close() {
        synchronized (recorders) {
            recorders.values().forEach(Registration::remove);
            recorders.clear();
        }
    }

    private <T> void counter(MeterRegistry registry, String name, String unit, String description, T source,
                             ToDoubleFunction<T> count) {
        FunctionCounter.builder(name, source, count).description(description).baseUnit(unit).tags(tags)
                .register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String unit, String description,
                       ToDoubleFunction<LiveSync> value) {
        Gauge.builder(name, liveSync, value).description(description).baseUnit(unit).tags(tags)
                .strongReference(true).register(registry);
    }

    @Override
    public String toString() {
        return "LiveSyncMeterBinder[" + liveSync + ", tags " + tags + "]";
    }
}
