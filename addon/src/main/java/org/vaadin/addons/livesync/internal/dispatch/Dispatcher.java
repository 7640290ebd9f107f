package org.vaadin.addons.livesync.internal.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vaadin.addons.livesync.ReloadCause;
import org.vaadin.addons.livesync.internal.decode.ChangeKind;
import org.vaadin.addons.livesync.internal.events.EventBatch;
import org.vaadin.addons.livesync.internal.events.LoadedRows;
import org.vaadin.addons.livesync.internal.watch.EntityChange;
import org.vaadin.addons.livesync.internal.watch.WatchedEntity;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.shared.Registration;

/**
 * Session-aware routing: which attached views receive a change. Views register a
 * {@link Subscription} per (entity type, subscription value); a transaction's changes are routed
 * through two indexes — by subscription value (inserts, updates, and moves whose old key the WAL
 * carries) and by the ids views hold (deletes and moves whose old key it does not: the
 * {@link HeldIndex} names the values a row is held under, and the holders are found among those
 * values' subscriptions) — so the work per transaction grows with the views it matches, not with
 * all views. Changed rows are loaded
 * once per entity type and transaction ({@link RowLoader}), after the transaction is visible, and a
 * row is put into a view only if its current subscription key equals the view's value: otherwise
 * the view is told to remove it. (Every row of a {@link WatchedEntity#isGlobal() global} entity has
 * the one key {@link WatchedEntity#GLOBAL} that all its subscriptions register under.) All of one
 * transaction's changes for a UI travel in one {@code UI.access}.
 * <p>
 * A view never hears of another tenant's row, not even its id: views that may not show a row — those
 * {@linkplain Subscription#load loading} when a delete or move without its old key comes, and all
 * views of the type when an update's key is an unchanged TOAST value — are told to remove it only
 * if they hold it when they apply the change ({@link Delta#settleRemovals}). A view whose load
 * failed is reloaded after a backoff ({@link #retryLoad}).
 * <p>
 * Bounds: a subscription that a transaction gives more than {@code maxPending} row operations
 * reloads instead (no rows are loaded or copied for it). A transaction that is not visible yet
 * (synchronous replication waiting on a standby) is set aside and delivered once it is, without
 * holding up later transactions; so is one whose rows could not be loaded because the database
 * was unreachable. A row that cannot be read is left out of its views and reported once.
 * <p>
 * A transaction's events for entity listeners ({@link EventBatch}) travel with it: they are handed
 * over once it is visible (also when no view wants it, so that a listener may query the rows), after
 * its views' deltas, with the rows loaded in the same query per entity type as the views' rows.
 * <p>
 * Thread-safe: {@link #dispatch}, {@link #retryLate} and {@link #reloadAll} are called from the one
 * delivery thread; subscriptions register and close from UI threads.
 */
public final class Dispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);
    /** Transactions set aside at most; past it the delivery thread waits for the oldest. */
    static final int MAX_LATE = 1_000;
    private static final long VISIBLE_WAIT_NANOS = 20_000_000L;
    /** The longest wait before a failed load is tried again. */
    private static final long MAX_RETRY_MILLIS = 10_000L;

    private final EntityFetcher fetcher;
    private final ReloadGate reloadGate;
    private final RowLoader loader;
    private final XidVisibility visibility;
    private final Fence fence;
    private final int maxPendingPerSubscription;
    /** entity type → subscription value → subscriptions (each set changed inside its entry's compute). */
    private final Map<Class<?>, Map<Object, SubscriptionSet>> byValue = new ConcurrentHashMap<>();
    /** entity type → subscription value → subscriptions that follow held rows only (as {@link #byValue}). */
    private final Map<Class<?>, Map<Object, SubscriptionSet>> heldOnly = new ConcurrentHashMap<>();
    /** entity type → id → the values under which views hold that row. */
    private final HeldIndex held = new HeldIndex();
    /**
     * entity type → subscriptions loading right now: registered and not loaded yet, or running a
     * load (a reload, a lazy page). A delete or move whose old key the WAL lacks reaches them too,
     * as a removal applied only if they hold the row once loaded.
     */
    private final Map<Class<?>, Set<Subscription<?>>> loading = new ConcurrentHashMap<>();
    private final Map<UI, UiMailbox> mailboxes = new ConcurrentHashMap<>();
    private final Set<Subscription<?>> all = ConcurrentHashMap.newKeySet();
    /** Delivery thread only: transactions set aside, oldest first. */
    private final Deque<Late> late = new ArrayDeque<>();
    private final AtomicLong deliveredRows = new AtomicLong();
    private final DeliveryStats stats = new DeliveryStats();
    private volatile long queries;
    private volatile int lateCount;
    /** Transactions set aside so far (not visible in time, or their rows could not be loaded). */
    private final AtomicLong setAsideTotal = new AtomicLong();

    private final Executor uiExecutor;
    /** Runs a task after a delay, off the delivery thread: the retries of failed loads. */
    private final BiConsumer<Duration, Runnable> later;
    /** Told when a UI went away with changes pending: one for every mailbox. */
    private final Consumer<UiMailbox> onDetached = this::detached;
    private final PageCache pages = new PageCache();
    private final CountRouter counts;

    /** A transaction set aside: not visible yet, or its rows could not be loaded (then retried from {@code retryAt}). */
    private record Late(long xid, Plan plan, EventBatch events, Runnable onDelivered, boolean visible, long retryAt,
                        int attempts) {
    }

    /** {@code carriesOldKey}: whether the WAL carries an entity's old subscription key, as the catalog tells (null: cannot tell). */
    Dispatcher(EntityFetcher fetcher, XidVisibility visibility, BadRows badRows, int maxPendingPerSubscription,
               Executor uiExecutor, int maxConcurrentReloads, BiConsumer<Duration, Runnable> later,
               Function<WatchedEntity<?>, Boolean> carriesOldKey) {
        this.reloadGate = new ReloadGate(maxConcurrentReloads);
        this.counts = new CountRouter(carriesOldKey);
        this.fetcher = fetcher;
        this.visibility = visibility;
        this.fence = new Fence(visibility);
        this.loader = new RowLoader(fetcher, badRows);
        this.maxPendingPerSubscription = maxPendingPerSubscription;
        this.uiExecutor = uiExecutor;
        this.later = later;
    }

    Fence fence() {
        return fence;
    }

    /** The bound of concurrent reloads, and the count of views still to reload. */
    ReloadGate reloadGate() {
        return reloadGate;
    }

    /** {@return the results lazy views share, kept valid by the changes routed here} */
    public PageCache pages() {
        return pages;
    }

    /**
     * Registers a view's interest. Call it before loading the view's data: changes that arrive
     * meanwhile are applied after the load (they wait for the UI's session lock).
     * <p>
     * A subscription to a {@link WatchedEntity#isGlobal() global} entity registers under
     * {@link WatchedEntity#GLOBAL} whatever {@code value} is (the view's own value, the constant, or
     * null), so that it receives every row: see {@link WatchedEntity#subscriptionValueFor}.
     *
     * @param <T> the entity type
     * @param ui the view's UI
     * @param entity the watched entity
     * @param value the view's subscription value
     * @param sink where the changes go
     * @param description the view, as log messages name it (its {@code toString()}, called only when a line is logged)
     * @return the subscription (close it to unregister)
     * @throws IllegalArgumentException if the entity is keyed and the value is null or its type does
     *                                  not match the entity's key type
     */
    public <T> Subscription<T> subscribe(UI ui, WatchedEntity<T> entity, Object value, SubscriptionSink<T> sink,
                                         Object description) {
        return register(ui, entity, value, sink, description, true);
    }

    /**
     * Registers interest in the rows a view {@link Subscription#hold holds} only (e.g. the one record
     * of a form): it receives their updates, deletes and moves away, but no other row of the
     * subscription value. Hold the row before loading it.
     *
     * @param <T> the entity type
     * @param ui the view's UI
     * @param entity the watched entity
     * @param value the view's subscription value
     * @param sink where the changes go
     * @param description the view, as log messages name it (its {@code toString()}, called only when a line is logged)
     * @return the subscription (close it to unregister)
     */
    public <T> Subscription<T> subscribeToHeldRows(UI ui, WatchedEntity<T> entity, Object value,
                                                   SubscriptionSink<T> sink, Object description) {
        return register(ui, entity, value, sink, description, false);
    }

    private <T> Subscription<T> register(UI ui, WatchedEntity<T> entity, Object value, SubscriptionSink<T> sink,
                                         Object description, boolean byValueToo) {
        Objects.requireNonNull(ui, "ui");
        Object routed = entity.subscriptionValueFor(value);
        if (!entity.keyType().isInstance(routed)) {
            throw new IllegalArgumentException("The subscription value " + routed + " is a "
                    + routed.getClass().getSimpleName() + ", but " + entity.type().getSimpleName() + "."
                    + entity.keyAttribute() + " is a " + entity.keyType().getSimpleName()
                    + ": pass a value of that type, or no row would ever match");
        }
        Subscription<T> subscription = new Subscription<>(this, ui, entity, routed, sink, description, byValueToo);
        mailboxes.compute(ui, (u, mailbox) -> {
            UiMailbox box = mailbox != null ? mailbox : new UiMailbox(u, maxPendingPerSubscription, uiExecutor, stats, onDetached);
            box.subscribed(subscription);
            return box;
        });
        if (byValueToo) {
            loading.computeIfAbsent(entity.type(), t -> ConcurrentHashMap.newKeySet()).add(subscription);
            boolean[] first = new boolean[1];
            byValue.computeIfAbsent(entity.type(), t -> new ConcurrentHashMap<>()).compute(routed, (v, set) -> {
                first[0] = set == null;
                return SubscriptionSet.with(set, subscription);
            });
            if (first[0]) {
                // while nobody watched the value its changes were dropped unseen: shared pages are stale
                pages.changed(entity.type(), routed);
            }
        } else {
            heldOnly.computeIfAbsent(entity.type(), t -> new ConcurrentHashMap<>())
                    .compute(routed, (v, set) -> SubscriptionSet.with(set, subscription));
        }
        all.add(subscription);
        if (LOG.isDebugEnabled()) {
            LOG.debug("UI {} registered {}: {} ({})", ui.getUIId(), description, interest(subscription),
                    byValueToo ? "every row of the value" : "the rows it holds only");
        }
        return subscription;
    }

    /** What a subscription receives, e.g. {@code "Item where tenant = 7"}. */
    private static String interest(Subscription<?> subscription) {
        WatchedEntity<?> entity = subscription.entity();
        return entity.type().getSimpleName() + " where " + entity.keyAttribute() + " = " + subscription.value();
    }

    /**
     * Drops the subscriptions of UIs that are closed or abandoned but were never detached (a
     * session invalidated without Vaadin's session destroy, a tab gone without its heartbeat).
     * Asynchronous; {@link org.vaadin.addons.livesync.LiveSync} runs it every 30 s.
     */
    public void sweep() {
        mailboxes.values().forEach(UiMailbox::sweep);
    }

    /**
     * From now on, {@code subscription}'s deltas also say what each transaction did to the number of
     * rows of its value ({@link Delta#countSteps()}, {@link Delta#countUnknown()}), for a view that
     * keeps its count by the changes. Until it is closed. The first call for a type asks the catalog
     * (one short query) whether the type's WAL carries the old subscription key; when it does not, the
     * type is not {@linkplain #countsByChanges counted by the changes} from then on. Call it before the
     * view's first count.
     *
     * @param subscription a subscription to every row of its value
     */
    public void countChanges(Subscription<?> subscription) {
        if (!subscription.isClosed()) {
            counts.add(subscription);
        }
    }

    /**
     * Whether the changes of {@code type} let a view keep its count by them: false once one came
     * without its old subscription key (then the views count again at each change).
     *
     * @param type a watched entity type
     * @return whether a count by the changes is exact for the type
     */
    public boolean countsByChanges(Class<?> type) {
        return counts.counts(type);
    }

    /** Whether views of the type keep a count by the changes (reader thread, for the interest filter). */
    boolean keepsCounts(Class<?> type) {
        return counts.keeps(type);
    }

    /** The subscription is about to load: first every transaction processed so far must be visible. */
    void beforeLoad(Subscription<?> subscription) {
        fence.await(subscription);
    }

    /** {@return registered subscriptions: returns to zero when every view is detached} */
    public int registrations() {
        return all.size();
    }

    /** {@return UIs with at least one subscription} */
    public int uis() {
        return mailboxes.size();
    }

    /** {@return entries in the held-id index, over all entity types} */
    public int heldIndexSize() {
        return held.size();
    }

    /** {@return subscriptions loading right now (a first load, a reload, a lazy page): zero when none is} */
    public int loadingViews() {
        int sum = 0;
        for (Set<Subscription<?>> ofType : loading.values()) {
            sum += ofType.size();
        }
        return sum;
    }

    /** {@return database queries issued to load changed rows since start} */
    public long queries() {
        return queries;
    }

    /** {@return transactions set aside until they are visible or their rows can be loaded: zero when none waits} */
    public int lateTransactions() {
        return lateCount;
    }

    /** {@return row operations handed to views since start} */
    public long deliveredRows() {
        return deliveredRows.get();
    }

    /** {@return watched lists and beans loaded again since start, by cause (every cause present)} */
    public Map<ReloadCause, Long> reloads() {
        return stats.reloads();
    }

    /** {@return row operations merged into later ones, or replaced by a reload, while their UI was busy, since start} */
    public long coalescedChanges() {
        return stats.coalesced();
    }

    /** {@return range refreshes of lazy Grids whose queries ran (off the UI thread), since start} */
    public long lazyRefreshes() {
        return stats.lazyRefreshes();
    }

    /**
     * {@return range refreshes of lazy Grids that ran right after the previous one of the same view, because
     *     changes arrived while that one's queries ran, since start: a high share of {@link #lazyRefreshes()}
     *     says the changes come faster than the views' queries take}
     */
    public long lazyRefreshesBackToBack() {
        return stats.lazyBackToBack();
    }

    /**
     * {@return lazy Grids with a range refresh requested and not yet shown (its queries waiting for the
     *     window or running, or its results waiting for {@code UI.access})}
     */
    public int lazyRefreshesInFlight() {
        return stats.lazyRefreshesInFlight();
    }

    DeliveryStats stats() {
        return stats;
    }

    /** Counts a reload that the application asked for (a watched list's or bean's {@code reload()}). */
    public void reloadRequested() {
        stats.reloaded(ReloadCause.REQUESTED);
    }

    /**
     * Tells {@code listener}, each time a UI applied changes, how long after the commit of the oldest
     * transaction among them that was (by the database server's clock; never negative). Called in
     * {@code UI.access} with the session locked: it must be quick and must not touch the UI.
     *
     * @param listener told each delivery's latency
     * @return removes the listener
     */
    public Registration addDeliveryListener(Consumer<Duration> listener) {
        return stats.addListener(Objects.requireNonNull(listener, "listener"));
    }

    /**
     * UIs with changes routed to them but not yet applied (their {@code UI.access} is scheduled or
     * waiting for the session lock). Zero once every routed change was applied.
     *
     * @return UIs with changes routed to them but not yet applied (their {@code UI.access} is scheduled or waiting
     *     for the session lock)
     */
    public int busyUis() {
        int busy = 0;
        for (UiMailbox mailbox : mailboxes.values()) {
            if (!mailbox.isIdle()) {
                busy++;
            }
        }
        return busy;
    }

    /** {@return row operations waiting for their UIs, over all UIs} */
    public int pendingOperations() {
        int sum = 0;
        for (UiMailbox mailbox : mailboxes.values()) {
            sum += mailbox.pendingOperations();
        }
        return sum;
    }

    /**
     * Row operations waiting for the UI, over all its subscriptions (0 for an unknown UI).
     *
     * @param ui a UI
     * @return row operations waiting for the UI, over all its subscriptions (0 for an unknown UI)
     */
    public int pendingFor(UI ui) {
        UiMailbox mailbox = mailboxes.get(ui);
        return mailbox == null ? 0 : mailbox.pendingOperations();
    }

    /**
     * Routes one transaction's entity changes to the views they concern, plus a reload of
     * {@code reloads} (subscriptions whose changes the transaction did not keep), and hands
     * {@code events} to the entity listeners. Runs {@code onDelivered} once the changes were handed
     * to the views' mailboxes and the listeners' queues (at once, or when the transaction is
     * delivered late). Delivery thread only.
     */
    void dispatch(List<EntityChange> changes, Collection<Subscription<?>> reloads, long xid, Instant commitTime,
                  EventBatch events, Runnable onDelivered) {
        Plan plan = new Plan(maxPendingPerSubscription, commitTime);
        if (!all.isEmpty()) {
            for (EntityChange change : changes) {
                route(change, plan);
                counts.route(change, plan, this::subscribers);
            }
            reloads.forEach(subscription -> plan.reload(subscription, ReloadCause.OVERFLOW));
        }
        if (plan.isEmpty() && events.isEmpty()) {
            onDelivered.run();
            return;
        }
        // Every plan waits until the transaction is visible, one that only removes rows or reloads too: a view
        // queries right after it is applied (a lazy Grid's refresh, a reload, a count), and a query before the
        // commit is visible would show the rows as they were, and share them through the page cache.
        if (!awaitVisible(xid)) {
            // delivered after later transactions, so as "load the rows and show what they are now"
            setAside(new Late(xid, plan.reconciled(), events, onDelivered, false, 0, 0));
            return;
        }
        fence.verified(xid);
        deliver(new Late(xid, plan, events, onDelivered, true, 0, 0));
    }

    /**
     * Delivers the transactions set aside that can be delivered now (in the order they came), and
     * reloads views that waited for a transaction to become visible. Delivery thread only; cheap
     * when nothing waits.
     */
    void retryLate() {
        if (!fence.hasReloadsPending() && fence.size() <= Fence.VERIFY_ABOVE && late.isEmpty()) {
            return;
        }
        List<Subscription<?>> reload = fence.check();
        if (!reload.isEmpty()) {
            LOG.debug("Transactions became visible: reloading {} view(s) that registered before", reload.size());
            Plan plan = new Plan(maxPendingPerSubscription, null);
            reload.forEach(subscription -> plan.reload(subscription, ReloadCause.LATE_VISIBILITY));
            post(plan, Map.of(), 0);
        }
        if (late.isEmpty()) {
            return;
        }
        List<Long> waiting = late.stream().filter(l -> !l.visible()).map(Late::xid).distinct().toList();
        List<Long> invisible = waiting.isEmpty() ? List.of() : visibility.invisible(waiting);
        long now = System.nanoTime();
        Deque<Late> still = new ArrayDeque<>();
        while (!late.isEmpty()) {
            Late next = late.poll();
            if (!next.visible() && invisible.contains(next.xid()) || next.visible() && now < next.retryAt()) {
                still.add(next);
                continue;
            }
            fence.verified(next.xid());
            deliver(new Late(next.xid(), next.plan(), next.events(), next.onDelivered(), true, 0, next.attempts()));
        }
        still.addAll(late);
        late.clear();
        late.addAll(still);
        lateCount = late.size();
    }

    /** Whether transactions wait to be delivered late (the caller should call {@link #retryLate} soon). */
    boolean hasLateWork() {
        return !late.isEmpty() || fence.hasReloadsPending();
    }

    /** Every subscription reloads through its loader: after a gap in the stream, or when routing failed. */
    void reloadAll(ReloadCause cause) {
        Plan plan = new Plan(maxPendingPerSubscription, null);
        all.forEach(subscription -> plan.reload(subscription, cause));
        post(plan, Map.of(), 0);
    }

    /** Whether the transaction is visible, waiting briefly (the usual lag is far below a millisecond). */
    private boolean awaitVisible(long xid) {
        long deadline = System.nanoTime() + VISIBLE_WAIT_NANOS;
        long pause = 50_000;
        List<Long> xids = List.of(xid);
        while (true) {
            try {
                if (visibility.invisible(xids).isEmpty()) {
                    return true;
                }
            } catch (RuntimeException e) {
                if (!RowLoader.isUnavailable(e)) {
                    throw e;
                }
                return false; // the database is away: set aside, tried again later
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(pause);
            pause = Math.min(pause * 2, 5_000_000);
        }
    }

    /** {@return how many transactions were set aside so far: not visible in time, or their rows not loadable} */
    public long setAsideTotal() {
        return setAsideTotal.get();
    }

    private void setAside(Late entry) {
        setAsideTotal.incrementAndGet();
        if (late.isEmpty()) {
            LOG.debug("Transaction {} is not visible yet (or its rows cannot be loaded): set aside", entry.xid());
        }
        late.add(entry);
        while (late.size() > MAX_LATE) {
            LOG.warn("LiveSync has {} transactions waiting to become visible (synchronous replication waiting on a "
                    + "standby?); delivery waits for the oldest", late.size());
            LockSupport.parkNanos(100_000_000L);
            retryLate();
        }
        lateCount = late.size();
    }

    /**
     * Loads the rows of the plan and the events (one query per entity type for both), posts the
     * deltas and hands over the events; sets the transaction aside again when the database is away.
     */
    private void deliver(Late entry) {
        Plan plan = entry.plan();
        Map<WatchedEntity<?>, Set<Object>> toFetch = plan.toFetch();
        entry.events().rowsToLoad().forEach((entity, ids) ->
                toFetch.computeIfAbsent(entity, e -> new LinkedHashSet<>()).addAll(ids));
        Map<WatchedEntity<?>, Map<Object, ?>> fetched = new HashMap<>();
        try {
            int attempt = entry.attempts() + 1;
            toFetch.forEach((entity, ids) -> fetched.put(entity, loader.load(entity, ids, plan.ops().size(), attempt)));
        } catch (RowLoader.Unavailable e) {
            int attempts = entry.attempts() + 1;
            long backoff = Math.min(5_000L, 100L << Math.min(attempts, 6));
            LOG.warn("LiveSync could not load the rows of transaction {} ({}); trying again in {} ms", entry.xid(),
                    BadRows.rootMessage(e), backoff);
            late.add(new Late(entry.xid(), plan.reconciled(), entry.events(), entry.onDelivered(), true,
                    System.nanoTime() + backoff * 1_000_000L, attempts));
            lateCount = late.size();
            return;
        } finally {
            queries = loader.queries();
        }
        post(plan, fetched, entry.xid());
        entry.events().deliver(fetched.isEmpty() ? LoadedRows.NONE : new LoadedRows() {
            @Override
            @SuppressWarnings("unchecked")
            public <T> T copy(WatchedEntity<T> entity, Object id) {
                T row = (T) fetched.getOrDefault(entity, Map.of()).get(id);
                return row == null ? null : fetcher.copy(entity, row);
            }
        });
        entry.onDelivered().run();
    }

    /** Resolves the plan of transaction {@code xid} (0: none) into one delta per subscription and posts them, one batch per UI. */
    private void post(Plan plan, Map<WatchedEntity<?>, Map<Object, ?>> fetched, long xid) {
        Map<UiMailbox, Map<Subscription<?>, Delta<?>>> byUi = new LinkedHashMap<>();
        plan.reloads().forEach((subscription, cause) -> {
            subscription.resyncDue();
            Delta<?> reload = new Delta<>();
            reload.markReload(cause);
            reload.committedAt(plan.commitTime());
            addTo(byUi, subscription, reload);
        });
        Map<Subscription<?>, Delta<?>> deltas = new LinkedHashMap<>();
        Map<EntityChange, ColumnChanges> columns = new java.util.IdentityHashMap<>();
        plan.ops().forEach((subscription, ops) -> deltas.put(subscription, resolve(subscription, ops, fetched, xid,
                columns)));
        plan.counts().forEach((subscription, change) ->
                deltas.computeIfAbsent(subscription, s -> new Delta<>()).counted(xid, change));
        plan.countsUnknown().forEach(subscription ->
                deltas.computeIfAbsent(subscription, s -> new Delta<>()).markCountUnknown());
        deltas.forEach((subscription, delta) -> {
            delta.committedAt(plan.commitTime());
            addTo(byUi, subscription, delta);
        });
        if (LOG.isTraceEnabled()) {
            LOG.trace("Routed to {} subscription(s) in {} UI(s)", plan.ops().size() + plan.reloads().size(), byUi.size());
        }
        byUi.forEach(UiMailbox::post);
    }

    private void addTo(Map<UiMailbox, Map<Subscription<?>, Delta<?>>> byUi, Subscription<?> subscription,
                       Delta<?> delta) {
        // also when delivered late (after routing bumped them): a page computed in between may miss it
        pages.changed(subscription.entity().type(), subscription.value());
        if (subscription.wantsRowFacts()) { // only a lazy view reads the stamp: others are spared the lookups
            delta.routedAt(pages.stamp(subscription.entity().type(), subscription.value()));
        }
        UiMailbox mailbox = mailboxes.get(subscription.ui());
        if (mailbox != null && !subscription.isClosed()) {
            byUi.computeIfAbsent(mailbox, m -> new LinkedHashMap<>()).put(subscription, delta);
        }
    }

    private void route(EntityChange change, Plan plan) {
        Class<?> type = change.type();
        invalidatePages(change);
        Set<Subscription<?>> targets = new LinkedHashSet<>();
        switch (change.kind()) {
            case TRUNCATE -> {
                // rare: every subscription of the type, including those that follow held rows only
                for (Subscription<?> s : all) {
                    if (s.entity().type() == type) {
                        plan.add(s, new Plan.Op(ChangeKind.TRUNCATE, null));
                    }
                }
            }
            case INSERT, UPDATE -> {
                // views that may not show the row: told of it only if they hold it (Plan.Op#ifHeld)
                Set<Subscription<?>> unsure = new LinkedHashSet<>();
                if (change.newKeyKnown()) {
                    targets.addAll(subscribers(type, change.newKey()));
                } else {
                    unsure.addAll(allOf(type)); // its tenant is known once it is loaded
                }
                addOldSide(change, targets, unsure);
                if (change.oldId() != null) {
                    Set<Subscription<?>> oldHolders = new LinkedHashSet<>();
                    addHolders(type, change.oldId(), oldHolders);
                    for (Subscription<?> s : oldHolders) {
                        plan.add(s, new Plan.Op(ChangeKind.DELETE, change.oldId()));
                    }
                }
                if (change.id() != null) {
                    addOps(plan, ChangeKind.UPDATE, change, targets, unsure);
                }
            }
            case DELETE -> {
                Set<Subscription<?>> unsure = new LinkedHashSet<>();
                addOldSide(change, targets, unsure);
                addOps(plan, ChangeKind.DELETE, change, targets, unsure);
            }
        }
    }

    /** What a lazy view fetched for the values this change touches is no longer valid. */
    private void invalidatePages(EntityChange change) {
        Class<?> type = change.type();
        if (change.kind() == ChangeKind.TRUNCATE || change.kind() != ChangeKind.INSERT && !change.oldKeyKnown()
                || change.kind() != ChangeKind.DELETE && !change.newKeyKnown()) {
            pages.changedAll(type); // a side of it is not known: any value's pages may have changed
        }
        if (change.newKeyKnown()) {
            pages.changed(type, change.newKey());
        }
        if (change.oldKeyKnown()) {
            pages.changed(type, change.oldKey());
        }
    }

    /** The operation for each target, and for each unsure one that is no target as well, applied only if it holds the row. */
    private static void addOps(Plan plan, ChangeKind kind, EntityChange change, Set<Subscription<?>> targets,
                               Set<Subscription<?>> unsure) {
        for (Subscription<?> s : targets) {
            plan.add(s, new Plan.Op(kind, change.id(), false, change));
        }
        for (Subscription<?> s : unsure) {
            if (!targets.contains(s)) {
                plan.add(s, new Plan.Op(kind, change.id(), true, change));
            }
        }
    }

    /**
     * The views that may show the row as it was: by its old key when known, else by who holds it —
     * and, into {@code unsure}, the views loading right now, which may be about to show it (the
     * removal is applied after their load, only if they hold the row then).
     */
    private void addOldSide(EntityChange change, Set<Subscription<?>> targets, Set<Subscription<?>> unsure) {
        Class<?> type = change.type();
        if (!change.oldKeyKnown() && change.kind() != ChangeKind.INSERT) {
            // read before the holders: a view holds what it loaded before it stops loading
            unsure.addAll(loading.getOrDefault(type, Set.of()));
        }
        if (change.oldKeyKnown()) {
            targets.addAll(subscribers(type, change.oldKey()));
        }
        if (change.id() != null) {
            addHolders(type, change.id(), targets);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Delta<?> resolve(Subscription<?> subscription, List<Plan.Op> ops,
                             Map<WatchedEntity<?>, Map<Object, ?>> fetched, long xid,
                             Map<EntityChange, ColumnChanges> columns) {
        Delta delta = new Delta<>();
        WatchedEntity entity = subscription.entity();
        Map<Object, ?> rows = fetched.getOrDefault(entity, Map.of());
        boolean withFacts = subscription.wantsRowFacts();
        Delta.RowFacts removal = xid == 0 || !withFacts ? null : Delta.removedIn(xid);
        for (Plan.Op op : ops) {
            switch (op.kind()) {
                case TRUNCATE -> delta.clear();
                case DELETE -> {
                    if (op.ifHeld()) {
                        delta.removeIfHeld(op.id(), removal);
                    } else {
                        delta.remove(op.id(), removal);
                    }
                }
                default -> {
                    Object row = rows.get(op.id());
                    if (row != null && entity.belongsTo(row, subscription.value())) {
                        delta.put(op.id(), fetcher.copy(entity, row),
                                withFacts ? facts(op, subscription, xid, columns) : null);
                        // held from now on, not only once the UI applied it: a delete or move that
                        // follows before then must find this view too
                        subscription.markPending(op.id());
                        delta.mark(op.id());
                    } else if (op.ifHeld()) {
                        delta.removeIfHeld(op.id(), removal); // maybe another tenant's row: only if the view holds it
                    } else {
                        delta.remove(op.id(), removal);
                    }
                }
            }
        }
        deliveredRows.addAndGet(delta.size());
        return delta;
    }

    /**
     * What the WAL tells of a put for the subscription: whether the row is new to it (inserted, or
     * moved in from another value), and which columns an update changed; null when the op carries
     * no change (delivered late: the row is shown as it is now, whatever happened before).
     */
    private static Delta.RowFacts facts(Plan.Op op, Subscription<?> subscription, long xid,
                                        Map<EntityChange, ColumnChanges> columns) {
        EntityChange change = op.source();
        if (change == null || xid == 0 || !Objects.equals(change.id(), op.id())) {
            return null;
        }
        if (change.kind() == ChangeKind.INSERT) {
            return new Delta.RowFacts(Boolean.TRUE, ColumnChanges.UNKNOWN, xid, xid);
        }
        Boolean entered;
        if (subscription.entity().isGlobal()) {
            entered = Boolean.FALSE; // every row is of the one value
        } else if (change.oldKeyKnown()) {
            entered = !Objects.equals(change.oldKey(), subscription.value());
        } else {
            entered = null;
        }
        return new Delta.RowFacts(entered, columns.computeIfAbsent(change, c -> ColumnChanges.of(c.source())),
                xid, xid);
    }

    /**
     * The subscriptions of the type with that value — those that follow all its rows and those
     * that follow held rows only — or all of the type for {@link InterestFilter#ANY}.
     */
    List<Subscription<?>> subscriptionsOf(Class<?> type, Object value) {
        List<Subscription<?>> found = new ArrayList<>();
        for (Subscription<?> s : all) {
            if (s.entity().type() == type && (value == InterestFilter.ANY || Objects.equals(s.value(), value))) {
                found.add(s);
            }
        }
        return found;
    }

    /** Whether a view subscribes to the value (reader thread, for the interest filter). */
    boolean hasSubscribers(Class<?> type, Object value) {
        return !subscribers(type, value).isEmpty();
    }

    /** Whether a view holds the row, or a put of it is queued for one. */
    boolean isHeld(Class<?> type, Object id) {
        return held.isHeld(type, id);
    }

    /** Whether a view of the type is loading right now (registered and not loaded yet, or running a load). */
    boolean isLoading(Class<?> type) {
        Set<Subscription<?>> set = loading.get(type);
        return set != null && !set.isEmpty();
    }

    /** The subscription values of the views holding the row (or with a put of it on its way): empty when none. */
    List<Object> holderValues(Class<?> type, Object id) {
        return held.values(type, id);
    }

    /** Adds the subscription values of the views holding the row to {@code values}. */
    void addHolderValues(Class<?> type, Object id, Set<Object> values) {
        values.addAll(held.values(type, id));
    }

    private Collection<Subscription<?>> subscribers(Class<?> type, Object value) {
        return of(byValue, type, value);
    }

    private static Collection<Subscription<?>> of(Map<Class<?>, Map<Object, SubscriptionSet>> index, Class<?> type,
                                                  Object value) {
        if (value == null) {
            return Set.of();
        }
        Map<Object, SubscriptionSet> values = index.get(type);
        SubscriptionSet found = values == null ? null : values.get(value);
        return found == null ? Set.of() : found;
    }

    /**
     * Adds the subscriptions that hold the row to {@code into}: among those of each value the held-id
     * index names for it, asking only those not in {@code into} yet (an update's targets by its new
     * key are usually every holder already).
     */
    private void addHolders(Class<?> type, Object id, Set<Subscription<?>> into) {
        for (Object value : held.values(type, id)) {
            for (Collection<Subscription<?>> candidates : List.of(subscribers(type, value), of(heldOnly, type, value))) {
                for (Subscription<?> s : candidates) {
                    if (!into.contains(s) && s.holds(id)) {
                        into.add(s);
                    }
                }
            }
        }
    }

    private List<Subscription<?>> allOf(Class<?> type) {
        Map<Object, SubscriptionSet> values = byValue.get(type);
        if (values == null) {
            return List.of();
        }
        List<Subscription<?>> found = new ArrayList<>();
        values.values().forEach(found::addAll);
        return found;
    }

    /** The subscription now holds the row: once until {@link #unindexHolder} (its lock keeps the balance). */
    void indexHolder(Subscription<?> subscription, Object id) {
        held.add(subscription.entity().type(), id, subscription.value());
    }

    void unindexHolder(Subscription<?> subscription, Object id) {
        held.remove(subscription.entity().type(), id, subscription.value());
    }

    /** The subscription runs a load (UI thread): until {@link #loaded}, it is {@linkplain #isLoading loading}. */
    void loading(Subscription<?> subscription) {
        Set<Subscription<?>> set = loading.computeIfAbsent(subscription.entity().type(), t -> ConcurrentHashMap.newKeySet());
        set.add(subscription);
        if (subscription.isClosed()) {
            set.remove(subscription); // closed meanwhile: unregister may have removed it before it was added
        }
    }

    void loaded(Subscription<?> subscription) {
        Set<Subscription<?>> set = loading.get(subscription.entity().type());
        if (set != null) {
            set.remove(subscription);
        }
    }

    /**
     * A load of the subscription failed ({@code attempt} times in a row; UI thread): logs it and
     * reloads the subscription after a backoff (0.1 s doubling up to 10 s), through its sink as a
     * {@link ReloadCause#RETRY} reload, unless it was closed by then.
     */
    void retryLoad(Subscription<?> subscription, int attempt, RuntimeException failure) {
        long backoff = Math.min(MAX_RETRY_MILLIS, 100L << Math.min(attempt - 1, 7));
        if (attempt == 1) {
            LOG.error("LiveSync could not load {} ({}); trying again in {} ms", subscription.description(),
                    interest(subscription), backoff, failure);
        } else {
            LOG.warn("LiveSync could not load {} ({}) again, {} times in a row ({}); trying again in {} ms",
                    subscription.description(), interest(subscription), attempt, BadRows.rootMessage(failure), backoff);
        }
        later.accept(Duration.ofMillis(backoff), () -> {
            UiMailbox mailbox = mailboxes.get(subscription.ui());
            if (mailbox != null && !subscription.isClosed()) {
                Delta<?> reload = new Delta<>();
                reload.markReload(ReloadCause.RETRY);
                mailbox.post(Map.of(subscription, reload));
            }
        });
    }

    void unregister(Subscription<?> subscription) {
        Set<Object> indexed = subscription.closeAndDrainIndexed();
        subscription.resynced();
        if (!all.remove(subscription)) {
            return;
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("UI {} unregistered {}: {}", subscription.ui().getUIId(), subscription.description(),
                    interest(subscription));
        }
        loaded(subscription);
        counts.remove(subscription);
        for (Map<Class<?>, Map<Object, SubscriptionSet>> index : List.of(byValue, heldOnly)) {
            Map<Object, SubscriptionSet> values = index.get(subscription.entity().type());
            if (values != null) {
                values.computeIfPresent(subscription.value(), (v, set) -> set.without(subscription));
            }
        }
        for (Object id : indexed) {
            unindexHolder(subscription, id);
        }
        mailboxes.computeIfPresent(subscription.ui(), (ui, mailbox) -> mailbox.unsubscribed(subscription) ? null : mailbox);
    }

    private void detached(UiMailbox mailbox) {
        LOG.debug("UI {} detached with changes pending: dropping its subscriptions", mailbox.ui().getUIId());
        for (Subscription<?> s : mailbox.subscriptions()) {
            s.close();
        }
        mailboxes.remove(mailbox.ui(), mailbox);
    }
}
