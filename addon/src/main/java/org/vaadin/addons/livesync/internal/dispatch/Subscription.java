package org.vaadin.addons.livesync.internal.dispatch;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

import org.vaadin.addons.livesync.internal.watch.WatchedEntity;

import com.vaadin.flow.component.UI;

/**
 * One view's interest in one watched entity type for one subscription value, registered with the
 * {@link Dispatcher}. It also tells the dispatcher which rows (by id) the view holds, so that
 * deletes and moves whose old subscription key the WAL does not carry still reach exactly the views
 * that show the row. A row counts as held from the moment the delivery thread queues a put of it
 * for the UI until the UI has applied that put and released the row, so that a change following
 * it is never routed past the view.
 * <p>
 * A subscription to every row of its value is <em>loading</em> from its registration until
 * {@link #loaded()}, and while it runs a {@link #load} (a reload, a lazy page): a delete or a move
 * away whose old key the WAL does not carry then reaches it too, as a removal applied only if the
 * view holds the row once the load is done. A load that fails is logged and tried again after a
 * backoff, the view counting as resyncing until one succeeds.
 * <p>
 * Thread-safe: the held marks change under the subscription's own lock, and nothing is indexed
 * once it is closed. {@link #hold}, {@link #release}, {@link #load} and {@link #loaded} are meant
 * for the UI thread; {@link #close()} may be called from any thread and is idempotent.
 *
 * @param <T> the entity type
 */
public final class Subscription<T> implements AutoCloseable {

    private final Dispatcher dispatcher;
    private final UI ui;
    private final WatchedEntity<T> entity;
    private final Object value;
    private final SubscriptionSink<T> sink;
    /** Names the view in log lines (its {@code toString()}, made only when a line is logged). */
    private final Object description;
    /** Whether it follows every row of its value (else only the rows it holds): only then is it ever loading. */
    private final boolean everyRow;
    /** Whether its deltas carry what the WAL told of each row ({@link Delta#facts}): only a lazy view reads them. */
    private volatile boolean rowFacts;
    /** Rows the view shows (guarded by this). */
    private final IdSet held = new IdSet();
    /**
     * Rows whose put is queued for the UI, with how many such puts wait (guarded by this); null while
     * none waits, which is most of the time.
     */
    private Map<Object, Integer> pending;
    private volatile boolean closed;
    /** Loads that failed in a row (written on the UI thread): above 0, a retry is due and it counts as resyncing. */
    private volatile int failures;
    /** 1 while a reload the pipeline asked for is still to run (see {@link #resyncDue()}); a field, not an object per view. */
    @SuppressWarnings("unused") // through RESYNC_DUE
    private volatile int resyncPending;
    @SuppressWarnings("rawtypes")
    private static final AtomicIntegerFieldUpdater<Subscription> RESYNC_DUE =
            AtomicIntegerFieldUpdater.newUpdater(Subscription.class, "resyncPending");

    Subscription(Dispatcher dispatcher, UI ui, WatchedEntity<T> entity, Object value, SubscriptionSink<T> sink,
                 Object description, boolean everyRow) {
        this.dispatcher = dispatcher;
        this.ui = ui;
        this.entity = entity;
        this.value = value;
        this.sink = sink;
        this.description = description;
        this.everyRow = everyRow;
    }

    /** {@return the UI it delivers to} */
    public UI ui() {
        return ui;
    }

    /** {@return the watched entity} */
    public WatchedEntity<T> entity() {
        return entity;
    }

    /** Who registered it, e.g. the view and its watch key (for logs). */
    String description() {
        return String.valueOf(description);
    }

    /**
     * The subscription value: only rows whose subscription key equals it are delivered;
     * {@link WatchedEntity#GLOBAL} for a global entity, whose every row is delivered.
     *
     * @return the subscription value: only rows whose subscription key equals it are delivered
     */
    public Object value() {
        return value;
    }

    /**
     * Asks for what the WAL told of each changed row in its deltas ({@link Delta#facts}) and for the
     * page cache's versions once each was routed ({@link Delta#pageStamp}), which a lazy view uses to
     * skip changes that cannot matter and to share pages; other views are spared the work. Deltas
     * resolved before this call carry neither (their rows count as not known, their refreshes take
     * the current versions). Any thread.
     */
    public void wantRowFacts() {
        rowFacts = true;
    }

    /** {@return whether its deltas carry what the WAL told of each row} */
    boolean wantsRowFacts() {
        return rowFacts;
    }

    /** {@return whether it was closed} */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Records that the view now shows these rows. Ignored once closed.
     *
     * @param ids the rows' ids
     */
    public void hold(Collection<?> ids) {
        synchronized (this) {
            if (closed) {
                return;
            }
            for (Object id : ids) {
                if (id != null && held.add(id) && !isPending(id)) {
                    dispatcher.indexHolder(this, id);
                }
            }
        }
    }

    /**
     * Records that the view no longer shows these rows. A row whose put is still on its way to the
     * UI stays routed to the view until that put is applied.
     *
     * @param ids the rows' ids
     */
    public void release(Collection<?> ids) {
        synchronized (this) {
            for (Object id : ids) {
                if (id != null && held.remove(id) && !isPending(id)) {
                    dispatcher.unindexHolder(this, id);
                }
            }
        }
    }

    /** Records that the view shows none of its rows any more (pending puts stay routed, as in {@link #release}). */
    public void releaseAll() {
        synchronized (this) {
            release(held.toList());
        }
    }

    /**
     * Whether the view holds the row, or a put of it is on its way to the UI.
     *
     * @param id the row's id
     * @return whether the view holds the row, or a put of it is on its way to the UI
     */
    public boolean holds(Object id) {
        synchronized (this) {
            return held.contains(id) || isPending(id);
        }
    }

    /** {@return how many rows the view holds (not counting puts on their way)} */
    public int heldCount() {
        synchronized (this) {
            return held.size();
        }
    }

    /**
     * Delivery thread: a put of the row was queued for the UI. Until it is applied ({@link #settle})
     * the row counts as held, whatever the UI releases meanwhile, so that a delete or a move that
     * follows still reaches this view.
     */
    void markPending(Object id) {
        synchronized (this) {
            if (closed) {
                return;
            }
            if (pending == null) {
                pending = new HashMap<>();
            }
            if (pending.merge(id, 1, Integer::sum) == 1 && !held.contains(id)) {
                dispatcher.indexHolder(this, id);
            }
        }
    }

    /** UI thread, after a delta was applied: its pending marks ({@code id → count}) are settled. */
    void settle(Map<Object, Integer> marks) {
        if (marks.isEmpty()) {
            return;
        }
        synchronized (this) {
            if (closed || pending == null) {
                return;
            }
            marks.forEach((id, count) -> {
                Integer waiting = pending.get(id);
                if (waiting == null) {
                    return; // not marked by this subscription: nothing of it is indexed
                }
                if (waiting > count) {
                    pending.put(id, waiting - count);
                } else {
                    pending.remove(id);
                    if (!held.contains(id)) {
                        dispatcher.unindexHolder(this, id);
                    }
                }
            });
            if (pending.isEmpty()) {
                pending = null;
            }
        }
    }

    /**
     * Call after holding what the view is about to load and right before loading it: waits until
     * every transaction the pipeline has processed so far is visible (at most briefly; a view that
     * loaded before one became visible is reloaded once it is), so the load misses nothing that was
     * routed before this view held or registered. Usually returns at once.
     */
    public void beforeLoad() {
        if (!closed) {
            dispatcher.beforeLoad(this);
        }
    }

    /**
     * Runs a reload that the pipeline asked for (after a gap in the stream or an overflow) within
     * the pipeline's bound of concurrent reloads, waiting for a turn; then it no longer counts as
     * resyncing. On the UI thread (in {@code UI.access}), like every delivery.
     *
     * @param reload the view's reload through its loader
     */
    public void resync(Runnable reload) {
        try {
            dispatcher.reloadGate().run(reload);
        } finally {
            reloadHandled();
        }
    }

    /**
     * Runs one load of the view (its first, a reload; call {@link #hold} for what it shows before
     * it returns). Meanwhile the view counts as loading, so that a delete or move of a row the load
     * is about to show is not lost. If it throws, the failure is logged (not rethrown), the view
     * counts as resyncing and is reloaded through its sink after a backoff ({@link
     * org.vaadin.addons.livesync.ReloadCause#RETRY}), until a load succeeds. UI thread.
     *
     * @param load the view's load through its loader
     * @return whether it succeeded
     */
    public boolean load(Runnable load) {
        loading();
        try {
            load.run();
        } catch (RuntimeException e) {
            failed(e);
            return false;
        } finally {
            loaded();
        }
        succeeded();
        return true;
    }

    /**
     * Marks it as loading (for a load that is not run through {@link #load}, e.g. a lazy page): until
     * {@link #loaded()}, which must follow in every outcome. UI thread.
     */
    public void loading() {
        if (everyRow && !closed) {
            dispatcher.loading(this);
        }
    }

    /**
     * A load not run through {@link #load} failed (e.g. a lazy page's fetch): as there, it is
     * logged, and the view counts as resyncing and is reloaded after a backoff. UI thread.
     *
     * @param failure what the load threw
     */
    public void failed(RuntimeException failure) {
        if (closed) {
            return;
        }
        int attempt = failures + 1;
        failures = attempt;
        resyncDue();
        dispatcher.retryLoad(this, attempt, failure);
    }

    /** A load succeeded (UI thread): if earlier ones had failed, it is no longer resyncing. */
    public void succeeded() {
        if (failures > 0) {
            failures = 0;
            resynced();
        }
    }

    /** A reload delta was handled: no longer resyncing, unless its load failed and is to be tried again. */
    void reloadHandled() {
        if (failures == 0) {
            resynced();
        }
    }

    /** Marks it as having a reload to do (counted as resyncing until it ran or the subscription closed). */
    void resyncDue() {
        if (!closed && RESYNC_DUE.compareAndSet(this, 0, 1)) {
            dispatcher.reloadGate().added();
            if (closed) {
                // closed (by a UI thread) between the check and the mark: its close saw nothing to undo
                resynced();
            }
        }
    }

    /** It reloaded (or went away): no longer resyncing. */
    void resynced() {
        if (RESYNC_DUE.compareAndSet(this, 1, 0)) {
            dispatcher.reloadGate().done();
        }
    }

    /**
     * Marks the first load, or the load that {@link #loading()} began, as done. Until then, deletes
     * whose tenant is unknown are sent to it too (applied after the load, to the rows it holds), so
     * none is lost between registering, or starting a load, and holding what it loaded.
     */
    public void loaded() {
        dispatcher.loaded(this);
    }

    private boolean isPending(Object id) {
        return pending != null && pending.containsKey(id);
    }

    SubscriptionSink<T> sink() {
        return sink;
    }

    /**
     * Closes and returns every id that was in the held-id index (held or pending), clearing both:
     * for {@link Dispatcher#unregister}. After it, nothing is indexed for this subscription again.
     */
    Set<Object> closeAndDrainIndexed() {
        synchronized (this) {
            closed = true;
            Set<Object> indexed = new HashSet<>(held.toList());
            if (pending != null) {
                indexed.addAll(pending.keySet());
            }
            held.clear();
            pending = null;
            return indexed;
        }
    }

    /** Unregisters: no more deliveries, and every index entry is removed. Idempotent; any thread. */
    @Override
    public void close() {
        dispatcher.unregister(this);
    }

    @Override
    public String toString() {
        return "Subscription[" + description + ", " + entity.type().getSimpleName() + " = " + value + "]";
    }
}
