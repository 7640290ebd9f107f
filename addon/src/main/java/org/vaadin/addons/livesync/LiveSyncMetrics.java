package org.vaadin.addons.livesync;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

import org.vaadin.addons.livesync.internal.dispatch.Dispatcher;
import org.vaadin.addons.livesync.internal.dispatch.Pipeline;

/**
 * A snapshot of {@link LiveSync}'s counters ({@link LiveSync#metrics()}); with Micrometer,
 * {@link LiveSyncMeterBinder} publishes them as meters. Immutable and thread-safe; each value was
 * read at the moment of the snapshot.
 *
 * @param registrations         watched lists and beans registered by attached views (returns to 0
 *                              when every view is detached)
 * @param uis                   UIs with at least one registration
 * @param heldRows              entries of the index of rows views hold (routes deletes and moves)
 * @param busyUis               UIs with changes routed to them but not applied yet
 * @param pendingOperations     row operations routed to UIs and not applied yet (coalesced while a UI
 *                              is busy)
 * @param lateTransactions      transactions waiting to become visible (or for the database) before
 *                              they are delivered
 * @param rowQueries            queries issued to load changed rows, since start
 * @param deliveredRows         row operations handed to views, since start
 * @param transactions          transactions received with at least one change kept, since start
 * @param pendingTransactions   transactions decoded but not yet delivered
 * @param reconnects            how often the stream was re-established after an interruption
 * @param entityListeners       registered entity listeners (returns to 0 when every registration was removed)
 * @param entityEvents          events handed to entity listeners, since start
 * @param missedEntityEvents    events dropped because an entity listener's queue was full, since start
 * @param rowsReceived          row changes of watched tables received from the stream, since start (before
 *                              any was found to concern no view; a truncate counts once per table)
 * @param reloads               watched lists, beans and lazy Grids loaded again instead of receiving
 *                              changes one by one, since start, by cause (every cause present)
 * @param coalescedChanges      row operations merged into later ones of the same row, or replaced by a
 *                              reload, while their UI was busy, since start
 * @param lazyRefreshing        lazy Grids whose range refresh is running: its queries started (they run
 *                              off the session lock, then its results are shown in {@code UI.access})
 * @param lazyRefreshes         range refreshes of lazy Grids whose queries ran, since start
 * @param lazyBackToBack        of those, the refreshes started right after the previous one of the same Grid
 *                              because changes arrived while it ran, since start
 */
public record LiveSyncMetrics(int registrations, int uis, int heldRows, int busyUis, int pendingOperations,
                              int lateTransactions,
                              long rowQueries, long deliveredRows, long transactions, int pendingTransactions,
                              long reconnects, int entityListeners, long entityEvents, long missedEntityEvents,
                              long rowsReceived, Map<ReloadCause, Long> reloads, long coalescedChanges,
                              int lazyRefreshing, long lazyRefreshes, long lazyBackToBack) {

    /** Copies the reloads, which must name every cause. */
    public LiveSyncMetrics {
        Objects.requireNonNull(reloads, "reloads");
        EnumMap<ReloadCause, Long> byCause = new EnumMap<>(ReloadCause.class);
        for (ReloadCause cause : ReloadCause.values()) {
            byCause.put(cause, Objects.requireNonNull(reloads.get(cause), () -> "no count of reloads for " + cause));
        }
        reloads = Collections.unmodifiableMap(byCause);
    }

    /** {@return reloads since start, of every cause} */
    public long totalReloads() {
        return reloads.values().stream().mapToLong(Long::longValue).sum();
    }

    static LiveSyncMetrics of(Pipeline pipeline) {
        Dispatcher dispatcher = pipeline.dispatcher();
        return new LiveSyncMetrics(dispatcher.registrations(), dispatcher.uis(), dispatcher.heldIndexSize(),
                dispatcher.busyUis(), dispatcher.pendingOperations(), dispatcher.lateTransactions(), dispatcher.queries(), dispatcher.deliveredRows(),
                pipeline.listener().transactionsDelivered(), pipeline.listener().pending(),
                pipeline.listener().reconnects(), pipeline.events().listeners(), pipeline.events().delivered(),
                pipeline.events().missed(), pipeline.rowsReceived(), dispatcher.reloads(),
                dispatcher.coalescedChanges(), dispatcher.lazyRefreshesInFlight(), dispatcher.lazyRefreshes(),
                dispatcher.lazyRefreshesBackToBack());
    }
}
