package org.vaadin.addons.livesync;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vaadin.addons.livesync.internal.dispatch.BackgroundRefresh;
import org.vaadin.addons.livesync.internal.dispatch.Delta;
import org.vaadin.addons.livesync.internal.dispatch.LazyRange;
import org.vaadin.addons.livesync.internal.dispatch.PageCache;
import org.vaadin.addons.livesync.internal.dispatch.Pipeline;
import org.vaadin.addons.livesync.internal.dispatch.Snapshot;
import org.vaadin.addons.livesync.internal.dispatch.Subscription;
import org.vaadin.addons.livesync.internal.watch.WatchedEntity;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.data.provider.AbstractBackEndDataProvider;
import com.vaadin.flow.data.provider.Query;
import com.vaadin.flow.data.provider.QuerySortOrder;
import com.vaadin.flow.function.SerializableBiPredicate;
import com.vaadin.flow.function.SerializableConsumer;
import com.vaadin.flow.function.SerializableFunction;
import com.vaadin.flow.shared.Registration;

/**
 * A lazy data provider that stays live: the database pages, sorts and filters through your fetch
 * and count callbacks ({@link LiveScope#watchLazy(Class, LiveFetch, LiveCount)}), and committed changes of the scope's subscription
 * value reach the Grid by themselves. Set it on a Grid like any lazy provider —
 * {@code grid.setItems(tasks)}, or {@code grid.setItems(tasks.withConfigurableFilter())} with a
 * filter field — and sorting by column headers works as for any lazy Grid.
 * <p>
 * What a change costs:
 * <ul>
 * <li>an update of a row the Grid holds refreshes that item in place, from a private copy already
 * loaded for the change: no query — unless it changed an attribute the Grid sorts by, or one the
 * fetch's filter or default order reads ({@link #withQueryAttributes}; with a filter set and none
 * declared, any attribute);</li>
 * <li>an insert, a delete, a move in or out of the subscription value, a truncate, or an update of
 * a row the Grid does not hold refreshes the visible range and the count — with
 * {@link #withLiveCount()} and no filter, the count is kept by the changes instead of counted
 * again;</li>
 * <li>with the filter stated as a predicate ({@link #withFilterPredicate}), a change of a row
 * outside the filter before and after costs nothing, nor does an update of a row off screen that
 * leaves what the filter and the order read alone; a row entering or leaving the filter refreshes
 * the range and steps the filtered count (with {@link #withLiveCount()}); without a filter the same
 * holds for updates off screen once {@link #withQueryAttributes} names what the default order reads;</li>
 * <li>with the order stated as a comparator too ({@link #withSortComparator}), a row that enters,
 * leaves or moves wholly below the rows the Grid was last sent costs only the count step: no query,
 * and a push of the new count answered from the rows already held;</li>
 * <li>refreshes run off the session lock and are coalesced: at most one per
 * {@link #withRefreshWindow refresh window} (10 ms by default) and at most one at a time per view
 * (see below);</li>
 * <li>views of the same subscription value that show the same page (sort, filter, range) of the
 * same query share one query result per change, so database work grows with the distinct
 * viewports, not with the views. The same query: the same {@link #key() key} and the same fetch
 * and count code (the same lambdas in your source, whatever they capture). A fetch whose rows
 * depend on what it captures besides the subscription value (a status chosen per view) needs a
 * key per such value ({@code live.watchLazy(WatchKey.of("open", Task.class), ...)}).</li>
 * </ul>
 * Deletes and moves whose old subscription key the WAL does not carry (REPLICA IDENTITY DEFAULT)
 * are routed through the rows this provider handed out recently (at most {@value #MAX_HELD}); a
 * delete of a row outside them changes the count only at the next refresh. Give the table
 * {@code REPLICA IDENTITY FULL}, or an identity index that contains the subscription key column,
 * to keep the count exact.
 * <p>
 * How a range refresh runs, and how stale a Grid can be: a change that needs one does not query
 * in the {@code UI.access} that delivers it (nor in the push after it, where the Grid's
 * {@code refreshAll} would run the queries while holding the session lock and delay the browser's
 * requests, for ever when changes arrive faster than the queries take). The provider remembers the
 * count and the pages the Grid asked for last (its last contiguous run of pages, at most
 * {@value org.vaadin.addons.livesync.internal.dispatch.LazyRange#MAX_PAGES}, with the latest filter),
 * runs those queries on a LiveSync UI thread — through the shared page cache, one after the other
 * — and then, in one {@code UI.access}, holds the rows and calls {@code refreshAll}, which the
 * Grid's requests at the push are answered from: no query under the lock. A change applied while a
 * refresh is on its way (waiting for its window, querying, or waiting for the lock) never cancels
 * it: the refresh is completed and shown, and the change makes exactly one more start right after
 * it (counted in {@code livesync.lazy.refreshes.back.to.back}). So a view has at most one query
 * running, and a change is shown by a refresh that starts at most one query time plus the refresh
 * window after the change was applied, and shows it one query time later — however fast changes
 * come; under a change rate beyond what the queries follow, the view refreshes back to back. A
 * request for rows the last refresh did not fetch (the user scrolled, or the count grew past its
 * pages) runs its query as any lazy Grid does. The fetch and count callbacks therefore run on a
 * LiveSync UI thread without the session lock as well as inside requests: they must not read the
 * UI's state (everything they need comes with the subscription value and the query).
 * <p>
 * Memory per view: the rows handed out recently ({@value #MAX_HELD} at most, the Grid's cache is
 * far smaller), the last refresh's pages (the Grid's range) and the Grid's own data communicator —
 * nothing per row of the tenant.
 * <p>
 * Not thread-safe: used on the UI thread, like the Grid it feeds; its range queries run on a
 * LiveSync UI thread and touch only the page cache and copies of what the UI thread captured.
 *
 * @param <T> the entity type
 * @param <F> the filter type ({@code Void} for none)
 */
public final class LiveDataProvider<T, F> extends AbstractBackEndDataProvider<T, F> {

    private static final Logger LOG = LoggerFactory.getLogger(LiveDataProvider.class);
    /** Rows handed out that are remembered for in-place updates and for routing deletes. */
    public static final int MAX_HELD = 2_000;

    /** A query of the page cache, for the view's own subscription value. */
    private record ForValue(Object viewValue, Object query) {
    }

    /** A page query, as the page cache compares them. */
    private record PageKey(Source source, int offset, int limit, List<String> sort, Object filter) {
    }

    /** A count query, as the page cache compares them. */
    private record CountKey(Source source, Object filter) {
    }

    /** The unfiltered count of a provider that keeps it by the changes, as the page cache compares them. */
    private record KeptCountKey(Source source) {
    }

    /** The count of a filter whose rows the provider's predicate tells, kept by the changes. */
    private record KeptFilteredCountKey(Source source, Object filter) {
    }

    /** A step of a filtered count, received while the count was being taken: applied once it is known. */
    private record PendingStep(int change, long firstXid, long lastXid) {
    }

    /** A count, with the snapshots taken right before and right after its query ran. */
    private record KeptCount(int count, Snapshot before, Snapshot after) {

        KeptCount plus(int change) {
            return new KeptCount(count + change, before, after);
        }

        /**
         * Whether the count saw the transactions {@code firstXid} to {@code lastXid}: {@code TRUE} if
         * the snapshot before it saw the last (committed before the count began), {@code FALSE} if
         * the snapshot after it did not see the first, {@code null} if they committed while it ran
         * (they may or may not be in it).
         */
        Boolean saw(long firstXid, long lastXid) {
            if (before.sees(lastXid)) {
                return Boolean.TRUE;
            }
            return after.sees(firstXid) ? null : Boolean.FALSE;
        }
    }

    /**
     * Whose query it is: the key and the code of the fetch and the count (the lambda's or the
     * class's), so that providers of other queries of the same type and subscription value
     * (open tasks, all tasks) never share a result, while the views of one lambda do.
     */
    private record Source(WatchKey<?> key, Class<?> fetch, Class<?> count) implements java.io.Serializable {
    }

    private final LiveScope<?> scope;
    private final WatchKey<T> key;
    private final LiveFetch<Object, T, F> fetch;
    private final LiveCount<Object, T, F> count;
    /** Identifies the query in the page cache. */
    private final Source source;
    private final List<SerializableConsumer<ListChange<T>>> listeners = new ArrayList<>();
    private final Set<String> queryAttributes = new LinkedHashSet<>();
    private final LinkedHashMap<Object, T> held = new LinkedHashMap<>(64, 0.75f, true);
    private final LazyWatch watch = new LazyWatch();
    private SyncHook<T> hook;
    /** Null: the LiveSync's {@link DeliverySettings#lazyRefreshWindow()}. */
    private Duration refreshWindow;
    private Set<String> sortedBy = Set.of();
    private boolean filtered;
    private boolean liveCount;
    private boolean cancelled;
    private boolean attachedBefore;
    private transient Pipeline pipeline;
    private transient WatchedEntity<T> entity;
    private transient Subscription<T> subscription;
    private transient Object value;
    private transient boolean fenceDue;
    /** What the Grid asked for last, and the last background refresh's results (UI thread). */
    private transient LazyRange<T, F> range;
    /** Runs the range refreshes off the session lock: set while attached. */
    private transient BackgroundRefresh<LazyRange.Result<T>> refresher;
    /** Whether a background refresh counts as the subscription's load (from its request until its rows are held). */
    private transient boolean refreshLoading;
    /** The page-cache stamp of the delta being applied; null: not known (the current versions count). */
    private transient PageCache.Stamp arrived;
    /** The stamp of the latest change the next refresh must see (see {@link PageCache}); null: none yet. */
    private transient PageCache.Stamp needed;
    /** Whether the next refresh must see the current versions (a change whose stamp is not known). */
    private transient boolean needCurrent;
    /** While a delta is applied: the last row of the refresh's rows, with more rows below it; null: not known. */
    private transient T boundary;
    private transient boolean boundaryKnown;
    /** While a delta is applied: whether a row came or went below {@link #boundary} (the count changed). */
    private transient boolean countedBelow;
    /** Rows updated in place while a background refresh was on its way: they replace its older copies. */
    private transient Map<Object, T> updatedDuringRefresh;
    /** With {@link #withLiveCount()}: the unfiltered count as kept by the changes since its query; null until counted (again). */
    private transient KeptCount kept;
    /** Tells whether a row matches a filter (see {@link #withFilterPredicate}); null: not known. */
    private SerializableBiPredicate<F, ? super T> matcher;
    /** Tells the query's order for the Grid's sort (see {@link #withSortComparator}); null: not known. */
    private SerializableFunction<List<QuerySortOrder>, Comparator<? super T>> order;
    private boolean orderFailed;
    /** The comparator of {@link #orderFor}, cached. */
    private transient Comparator<? super T> comparator;
    private transient List<String> orderFor;
    private boolean matcherFailed;
    /** With a predicate and {@link #withLiveCount()}: the count of {@link #keptFilter} as kept by the changes; null until counted. */
    private transient KeptCount keptFiltered;
    private transient Object keptFilter;
    /** The filter whose count a background refresh is taking right now (with snapshots), or null. */
    private transient Object countingFilter;
    /** Steps of {@link #countingFilter}'s count received while it is taken (at most {@value #MAX_PENDING_STEPS}). */
    private transient List<PendingStep> stepsWhileCounting;
    /** Whether a change of unknown effect on {@link #countingFilter}'s count came while it was taken. */
    private transient boolean unknownWhileCounting;
    /** Where the background refresh on its way puts the filtered count it takes. */
    private transient java.util.concurrent.atomic.AtomicReference<KeptCount> countTaken;
    /** The columns that hold what the filter and the order read, for the order in use; null: not known. */
    private transient Set<String> queryColumns;
    private transient Set<String> queryColumnsFor;
    private static final int MAX_PENDING_STEPS = 1_000;

    /**
     * A provider for {@code scope}, watched under {@code key}.
     *
     * @param scope the scope that watches it
     * @param key the key it is watched under
     * @param fetch the application's fetch, adapted to any value
     * @param count the application's count, adapted to any value
     * @param fetchCode the class of the application's own fetch (its lambda's), which identifies the query
     * @param countCode the class of the application's own count
     */
    LiveDataProvider(LiveScope<?> scope, WatchKey<T> key, LiveFetch<Object, T, F> fetch, LiveCount<Object, T, F> count,
                     Class<?> fetchCode, Class<?> countCode) {
        this.scope = scope;
        this.key = key;
        this.fetch = fetch;
        this.count = count;
        this.source = new Source(key, fetchCode, countCode);
    }

    /** {@return the key it is watched under in its {@link LiveScope}} */
    public WatchKey<T> key() {
        return key;
    }

    /**
     * Names the attributes that the fetch's filter and default order read (e.g. {@code "title"} for
     * a title filter and a title order), besides what the Grid sorts by: an update that changes one
     * of them refreshes the visible range, any other update only the row itself.
     *
     * @param attributes the entity attributes (as the sort orders name them) that the filter and the default order
     *     read
     * @return this provider
     */
    public LiveDataProvider<T, F> withQueryAttributes(String... attributes) {
        queryAttributes.addAll(List.of(attributes));
        return this;
    }

    /**
     * Declares that, when the Grid sets no filter, the count callback counts every row of the
     * subscription value (as {@code count(*) ... WHERE organization_id = ?} does), and lets the
     * provider keep that count by the changes it receives instead of counting again at each one:
     * {@code +1} for an insert or a row moved in, {@code -1} for a delete or a row moved out. The
     * count callback then runs to start with, after a reload or reattach, with a filter set, and
     * when a change's effect is not known: a truncate, a transaction that committed while the count
     * ran, or a table whose WAL does not carry the old subscription key (REPLICA IDENTITY DEFAULT
     * without the key column in the identity: LiveSync logs a warning once and counts at each
     * change). Each count costs two more short queries ({@code pg_current_snapshot()}) that tell
     * which delivered transactions the count saw, so that none is counted twice or missed.
     * <p>
     * Do not use it when the count callback leaves out rows of the subscription value (only open
     * tasks): the kept count would include them.
     *
     * @return this provider
     */
    public LiveDataProvider<T, F> withLiveCount() {
        liveCount = true;
        if (subscription != null) {
            engine().dispatcher().countChanges(subscription);
        }
        return this;
    }

    /**
     * The shortest time between the starts of two refreshes of the visible range while changes keep coming
     * (default: the LiveSync's {@link DeliverySettings#lazyRefreshWindow()}, 10 ms unless configured);
     * {@link Duration#ZERO} refreshes at once for every delivered batch.
     *
     * @param window the shortest time between the starts of two refreshes
     * @return this provider
     */
    public LiveDataProvider<T, F> withRefreshWindow(Duration window) {
        if (window.isNegative()) {
            throw new IllegalArgumentException("The refresh window must not be negative");
        }
        this.refreshWindow = window;
        return this;
    }

    /**
     * States the filter as a predicate over the entity: {@code matches.test(filter, row)} tells
     * whether the fetch and the count, given that filter, include the row — for the demo's board
     * {@code (filter, task) -> task.getTitle().toLowerCase().contains(filter.title().toLowerCase())}.
     * It must agree with the query (the same rows for every filter), and must not throw; it runs on
     * the UI thread for each change of the subscription value while a filter is set.
     * <p>
     * Then changes that cannot matter cost nothing: a row whose old and new state both fall outside
     * the filter runs no query and pushes nothing; a row of the subscription value updated off screen
     * in a way that leaves what the filter and the order read alone (the attributes of
     * {@link #withQueryAttributes} and of the Grid's sort) costs nothing either. With
     * {@link #withLiveCount()}, a row that enters or leaves the filter changes the filtered count by
     * one instead of counting again (the count is taken once per filter, with two short snapshot
     * queries, as for the unfiltered count).
     * <p>
     * What is assumed where the old row is not known: a row the view holds is known as it was; a
     * row inserted or moved in from another subscription value was outside; for any other row the
     * WAL must tell that the update left the query's columns alone — with {@code REPLICA IDENTITY
     * FULL} it always can, with an identity index only for the index's columns (an update of a
     * column outside it is then not known). A change whose old row is not known, and a delete of a
     * row the view does not hold, refresh the range and count again, as without a predicate.
     *
     * @param matches whether a row is among the rows of a filter; called with the Grid's filter (never null)
     * @return this provider
     */
    public LiveDataProvider<T, F> withFilterPredicate(SerializableBiPredicate<F, ? super T> matches) {
        this.matcher = Objects.requireNonNull(matches, "matches");
        return this;
    }

    /**
     * States the order the fetch returns rows in, as a comparator for each sort of the Grid:
     * {@code order.apply(sortOrders)} gets the Grid's sort orders (empty when it does not sort) and
     * returns the query's whole order — the Grid's sort, then your default order and a unique
     * tie-breaker such as the id — or null where it cannot tell (e.g. a column the database sorts
     * by a collation Java does not reproduce). It must agree with the database's {@code ORDER BY}
     * row for row, and must not throw; it runs on the UI thread.
     * <p>
     * Then, with {@link #withFilterPredicate} (or without a filter) and {@link #withLiveCount()}, a
     * row that enters or leaves the filter (an insert, a delete of a row the view holds, a move)
     * wholly below the last row the view's last refresh fetched — while rows go on below it —
     * changes only the count: no page or count query, and the Grid's rows are answered from the
     * refresh's rows. A change in or above them refreshes the range as before.
     * <p>
     * Where the database compares text: a comparator that disagrees with the collation (say Java's
     * {@code String.compareTo} against {@code en_US}, which ignores case and punctuation at first)
     * would judge a row below that the database puts on screen, and the Grid would miss it until its
     * next refresh. Compare as the query does: order by a column of a deterministic collation
     * ({@code COLLATE "C"} or {@code ucs_basic}: code point order) or by numbers and timestamps, and
     * return null for the sorts you cannot reproduce.
     *
     * @param order the query's whole order for the Grid's sort orders, or null where it is not known
     * @return this provider
     */
    public LiveDataProvider<T, F> withSortComparator(
            SerializableFunction<List<QuerySortOrder>, Comparator<? super T>> order) {
        this.order = Objects.requireNonNull(order, "order");
        return this;
    }

    /**
     * A hook over each fetched page (e.g. to re-load associations): it must keep every row (the
     * count would not fit otherwise) and may decorate or replace them.
     *
     * @param hook runs over each fetched page before it is shown
     * @return this provider
     */
    public LiveDataProvider<T, F> withSync(SyncHook<T> hook) {
        this.hook = Objects.requireNonNull(hook, "hook");
        return this;
    }

    /**
     * Tells {@code listener} what each delivered change did: the rows updated in place, or
     * {@code reloaded} when the visible range and count were fetched again. UI thread.
     *
     * @param listener told on the UI thread after each change was applied
     * @return the registration that removes the listener
     */
    public Registration addChangeListener(SerializableConsumer<ListChange<T>> listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    /** Stops keeping it live (the Grid keeps working as a plain lazy Grid) and removes it from its scope. */
    public void cancel() {
        cancelled = true;
        watch.detach();
        scope.forget(key, watch);
    }

    /** {@return whether it is registered, so that changes arrive} */
    public boolean isActive() {
        return subscription != null;
    }

    @Override
    public Object getId(T item) {
        return entity().idOf(item);
    }

    /**
     * Fetches a page (through the page cache) and holds its rows. The view counts as loading from
     * before the query until its rows are held, so that a delete committed meanwhile of a row the
     * page shows still reaches it. A fetch that throws is retried after a backoff (the view counting
     * as resyncing meanwhile) and rethrown to the Grid.
     */
    @Override
    protected Stream<T> fetchFromBackEnd(Query<T, F> query) {
        Subscription<T> fetching = subscription;
        if (fetching == null) {
            return fetchPage(query).stream(); // not live: a plain lazy provider
        }
        range().fetched(query);
        Optional<List<T>> refreshed = range().rows(query);
        if (refreshed.isPresent()) {
            noteQuery(query);
            return refreshed.get().stream(); // held when the refresh was installed
        }
        fetching.loading();
        try {
            List<T> rows = fetchPage(query);
            fetching.succeeded();
            return rows.stream();
        } catch (RuntimeException e) {
            fetching.failed(e);
            throw e;
        } finally {
            if (!refreshLoading) {
                fetching.loaded(); // else the background refresh's load ends when its rows are held
            }
        }
    }

    /** What the Grid's query tells about updates that may move rows: its sort and whether it filters. */
    private void noteQuery(Query<T, F> query) {
        sortedBy = sortAttributes(query.getSortOrders());
        filtered = query.getFilter().isPresent();
    }

    private List<T> fetchPage(Query<T, F> query) {
        Object subscriptionValue = subscriptionValue();
        awaitFence();
        noteQuery(query);
        List<T> rows = ownRows(sharedPage(subscriptionValue, query, null)); // the cache keeps its own copies; each view gets its own
        hold(rows);
        return rows;
    }

    /**
     * A page through the page cache: the rows the cache keeps (copy them before use), computed at or
     * after {@code atLeast} (null: at the current versions; see {@link PageCache}).
     */
    private List<T> sharedPage(Object subscriptionValue, Query<T, F> query, PageCache.Stamp atLeast) {
        return shared(subscriptionValue, new PageKey(source, query.getOffset(), query.getLimit(),
                        LazyRange.sortKey(query.getSortOrders()), query.getFilter().orElse(null)), atLeast,
                () -> privateCopies(fetch.fetch(subscriptionValue, query).toList())).value();
    }

    /** The count of {@code query} through the page cache, computed at or after {@code atLeast} (null: now). */
    private int sharedCount(Object subscriptionValue, Query<T, F> query, PageCache.Stamp atLeast) {
        return shared(subscriptionValue, new CountKey(source, query.getFilter().orElse(null)), atLeast,
                () -> count.count(subscriptionValue, query)).value();
    }

    /** This view's own copies of rows the page cache keeps, through the sync hook. */
    private List<T> ownRows(List<T> cached) {
        List<T> rows = privateCopies(cached);
        return hook != null ? hook.sync(new ArrayList<>(rows)) : rows;
    }

    @Override
    protected int sizeInBackEnd(Query<T, F> query) {
        if (subscription != null) {
            range().counted(query);
            OptionalInt refreshed = range().count(query);
            if (refreshed.isPresent()) {
                return refreshed.getAsInt();
            }
        }
        Object subscriptionValue = subscriptionValue();
        awaitFence();
        if (query.getFilter().isPresent() && keepsFilteredCount()) {
            Object filter = query.getFilter().get();
            if (keptFiltered == null || !Objects.equals(keptFilter, filter)) {
                keptFiltered = keptFilteredCount(subscriptionValue, query, null);
                keptFilter = filter;
            }
            return keptFiltered.count();
        }
        if (keepsCount() && query.getFilter().isEmpty()) {
            if (kept == null) {
                kept = keptCount(subscriptionValue, new KeptCountKey(source), query, null);
            }
            return kept.count();
        }
        return sharedCount(subscriptionValue, query, null);
    }

    /**
     * The result of {@code query} that views share: kept under the value the entity's changes are
     * routed under — the constant of a global entity, else the view's value — which is the value the
     * dispatcher invalidates at each change, and told apart by the view's own value, which the fetch
     * and the count receive (views of one global entity share only with views of the same value).
     */
    private <R> PageCache.Result<R> shared(Object viewValue, Object query, PageCache.Stamp atLeast,
                                           Supplier<R> compute) {
        return pages().get(key.type(), entity().subscriptionValueFor(viewValue), new ForValue(viewValue, query),
                atLeast, compute);
    }

    /** Before the first query after registering: nothing routed before the registration is missing from it. */
    private void awaitFence() {
        if (fenceDue && subscription != null) {
            fenceDue = false;
            subscription.beforeLoad();
        }
    }

    private boolean keepsCount() {
        return liveCount && subscription != null && engine().dispatcher().countsByChanges(key.type());
    }

    /** Whether filtered counts are kept by the changes: a predicate, {@link #withLiveCount()}, and deletes that reach the view. */
    private boolean keepsFilteredCount() {
        return matcher != null && keepsCount();
    }

    /** The count of the query's filter, with the snapshots before and after it (shared through the page cache). */
    private KeptCount keptFilteredCount(Object subscriptionValue, Query<T, F> query, PageCache.Stamp atLeast) {
        return keptCount(subscriptionValue, new KeptFilteredCountKey(source, query.getFilter().orElse(null)), query,
                atLeast);
    }

    /** A count to keep by the changes: the count callback between two snapshots (shared through the page cache). */
    private KeptCount keptCount(Object subscriptionValue, Object cacheKey, Query<T, F> query,
                                PageCache.Stamp atLeast) {
        return shared(subscriptionValue, cacheKey, atLeast, () -> {
            Snapshot before = engine().snapshot();
            int rows = count.count(subscriptionValue, query);
            return new KeptCount(rows, before, engine().snapshot());
        }).value();
    }

    /** Whether the count of {@code filter} needs no query now: kept by the changes. */
    private boolean countKept(Object filter) {
        return filter == null ? keepsCount()
                : keepsFilteredCount() && keptFiltered != null && Objects.equals(keptFilter, filter);
    }

    /**
     * A row entered ({@code +1}) or left ({@code -1}) the latest filter: the kept filtered count
     * follows, unless the count already saw the change (its snapshot before the count saw the
     * transaction) or may have (committed while the count ran: counted again).
     */
    private void filteredStep(int change, Delta.RowFacts facts) {
        Object filter = range().filter();
        if (filter == null || !keepsFilteredCount()) {
            return;
        }
        if (facts == null) {
            filteredCountUnknown();
            return;
        }
        if (countingFilter != null && countingFilter.equals(filter)) {
            if (stepsWhileCounting.size() >= MAX_PENDING_STEPS) {
                unknownWhileCounting = true;
            } else {
                stepsWhileCounting.add(new PendingStep(change, facts.firstXid(), facts.lastXid()));
            }
        }
        if (keptFiltered != null && Objects.equals(keptFilter, filter)) {
            keptFiltered = step(keptFiltered, new PendingStep(change, facts.firstXid(), facts.lastXid()));
        }
    }

    /** The count after a step, or null when it must be counted again. */
    private static KeptCount step(KeptCount count, PendingStep step) {
        Boolean counted = count.saw(step.firstXid(), step.lastXid());
        if (counted == null) {
            return null;
        }
        return counted ? count : count.count() + step.change() < 0 ? null : count.plus(step.change());
    }

    /** A change of the latest filter's rows whose effect on its count is not known: counted again. */
    private void filteredCountUnknown() {
        keptFiltered = null;
        if (countingFilter != null) {
            unknownWhileCounting = true;
        }
    }

    /** Whether the row is among the rows of {@code filter}; null when that is not known (no predicate, or it threw). */
    private Boolean matches(F filter, T row) {
        if (filter == null) {
            return Boolean.TRUE;
        }
        if (matcher == null) {
            return null;
        }
        try {
            return matcher.test(filter, row);
        } catch (RuntimeException e) {
            if (!matcherFailed) {
                matcherFailed = true;
                LOG.error("The filter predicate of {} threw; its changes refresh the range instead. Fix the predicate: it"
                        + " must tell for every row and filter whether the query includes it", scope.describe(key), e);
            }
            return null;
        }
    }

    /**
     * The columns that what the filter and the order read are stored in (the declared query
     * attributes and the Grid's sort), or null when not known: no attributes declared, or one is
     * not a column of the table.
     */
    private Set<String> queryColumns() {
        if (queryAttributes.isEmpty()) {
            return null; // the default order (and a filter) may read anything
        }
        Set<String> attributes = new LinkedHashSet<>(queryAttributes);
        attributes.addAll(sortedBy);
        if (!attributes.equals(queryColumnsFor)) {
            queryColumnsFor = attributes;
            queryColumns = engine().columnsOf(entity, attributes);
        }
        return queryColumns;
    }

    /**
     * Applies the delta's count steps to the kept count: a transaction the snapshot before the count
     * saw is in it, one the snapshot after did not see is not, one in between is not known (the count
     * runs again). Returns whether the count changed or must be counted again.
     */
    private boolean keepCount(Delta<T> delta) {
        if (kept == null) {
            return false;
        }
        if (delta.reload() || delta.countUnknown() || !keepsCount()) {
            kept = null;
            return true;
        }
        int change = 0;
        for (Delta.CountStep step : delta.countSteps()) {
            Boolean counted = kept.saw(step.xid(), step.xid());
            if (counted == null) {
                kept = null; // committed while the count ran: it may or may not be in it
                return true;
            }
            if (!counted) {
                change += step.change();
            }
        }
        if (change == 0) {
            return false;
        }
        kept = kept.count() + change < 0 ? null : kept.plus(change);
        return true;
    }

    private List<T> privateCopies(List<T> rows) {
        WatchedEntity<T> watched = entity();
        Pipeline engine = engine();
        List<T> copies = new ArrayList<>(rows.size());
        for (T row : rows) {
            copies.add(engine.copy(watched, row));
        }
        return copies;
    }

    private void hold(List<T> rows) {
        List<Object> newIds = new ArrayList<>();
        for (T row : rows) {
            Object id = entity().idOf(row);
            if (held.put(id, row) == null) {
                newIds.add(id);
            }
        }
        List<Object> evicted = new ArrayList<>();
        var eldest = held.entrySet().iterator();
        while (held.size() > MAX_HELD && eldest.hasNext()) {
            evicted.add(eldest.next().getKey());
            eldest.remove();
        }
        if (subscription != null) {
            subscription.hold(newIds);
            subscription.release(evicted);
        }
    }

    private void apply(Delta<T> delta) {
        if (subscription == null) {
            return;
        }
        arrived = delta.pageStamp();
        if (delta.isEmpty()) {
            // e.g. a delete of a row not held, sent because a refresh was loading: its rows may show it
            touched();
            return;
        }
        if (delta.reload() || delta.cleared()) {
            forgetRemoved(delta);
            keepCount(delta);
            filteredCountUnknown();
            Runnable refresh = () -> {
                // what a reload misses was never routed, and the refresh may run later than this
                // delta's apply: its queries see the current versions, whatever stamp came since
                needCurrent = true;
                refreshRange(new ListChange<>(List.copyOf(delta.puts().values()), delta.puts().keySet(),
                        delta.removals(), delta.cleared(), true));
            };
            if (delta.reload()) {
                subscription.resync(refresh); // the range's query runs later, shared by equal viewports (PageCache)
            } else {
                refresh.run();
            }
            return;
        }
        F filter = range().filter();
        boundary = null;
        boundaryKnown = false; // found when a row's place is asked: most changes never ask
        countedBelow = false;
        boolean range = false;
        for (Object id : delta.removals()) {
            T before = held.get(id);
            Boolean wasIn = before != null ? matches(filter, before) : filter == null ? Boolean.TRUE : null;
            if (wasIn == null) {
                range = true; // not known whether it was among the filter's rows
                filteredCountUnknown();
            } else if (wasIn) {
                range |= !countBelow(before);
                filteredStep(-1, delta.facts(id));
            } // else held from an earlier filter, outside this one: nothing shown changes
        }
        forgetRemoved(delta);
        boolean countMoved = keepCount(delta);
        List<T> inPlace = new ArrayList<>();
        for (Map.Entry<Object, T> put : delta.puts().entrySet()) {
            range |= !placePut(put.getKey(), put.getValue(), delta.facts(put.getKey()), filter, inPlace);
        }
        // rows outside the range came or went: the range may have shifted, unless each of them was below it
        range |= countMoved && filter == null && !countedBelow;
        if (countedBelow && !range && !countKept(filter)) {
            range = true; // the count must be taken again: a refresh takes it
        }
        boundary = null;
        boundaryKnown = false;
        if (!range && inPlace.isEmpty() && !countedBelow) {
            return; // nothing the view shows or counts changed: no query, no push
        }
        ListChange<T> change = new ListChange<>(List.copyOf(delta.puts().values()), delta.puts().keySet(),
                delta.removals(), false, range);
        if (range) {
            refreshRange(change);
            return;
        }
        if (countedBelow) {
            range().uncount(); // the Grid's next count request takes the kept count
            refreshAll(); // answered from the rows held: only the count is new
        }
        for (T row : inPlace) {
            Object id = entity.idOf(row);
            held.put(id, row);
            range().replace(id, row, entity::idOf);
            if (refresher.inFlight()) {
                updatedDuringRefresh.put(id, row); // the refresh on its way may have read it before
            }
            refreshItem(row); // re-sent only if the Grid shows it
        }
        fire(change);
    }

    /**
     * Decides what an inserted or updated row does to the view: adds it to {@code inPlace} when it
     * is refreshed in place; returns false when the visible range must be fetched again (the row
     * entered or left the filter, may have moved in the order, or that is not known), true when no
     * query is needed (it is outside the filter before and after, or it stays off screen in place).
     */
    private boolean placePut(Object id, T after, Delta.RowFacts facts, F filter, List<T> inPlace) {
        T before = held.get(id);
        boolean stayed = facts != null && Boolean.FALSE.equals(facts.entered());
        T old = before;
        if (old == null && stayed && (filter != null && matcher != null || order != null)
                && facts.columns().hasOldRow()) {
            old = engine().before(entity, after, facts.columns()); // REPLICA IDENTITY FULL: the WAL has the old row
        }
        Boolean nowIn = matches(filter, after);
        Boolean wasIn;
        if (facts != null && Boolean.TRUE.equals(facts.entered())) {
            wasIn = Boolean.FALSE; // inserted, or moved in from another subscription value
        } else if (old != null) {
            wasIn = matches(filter, old);
        } else if (stayed && nowIn != null && facts.columns().leftAlone(queryColumns())) {
            wasIn = nowIn; // what the filter and the order read did not change
        } else {
            wasIn = null;
        }
        if (nowIn == null || wasIn == null) {
            filteredCountUnknown();
            return false;
        }
        if (!wasIn && !nowIn) {
            if (before != null) {
                held.put(id, after); // held from an earlier filter: its latest state
            }
            return true;
        }
        if (wasIn && nowIn) {
            if (before == null) {
                if (old != null && mayMove(old, after)) {
                    return below(old) && below(after); // off screen, its place in the order may have changed
                }
                // off screen, and its place in the order did not change; a refresh on its way may show it
                touched();
                return true;
            }
            if (mayMove(before, after)) {
                if (below(before) && below(after)) {
                    held.put(id, after);
                    return true;
                }
                return false;
            }
            inPlace.add(after);
            return true;
        }
        filteredStep(nowIn ? 1 : -1, facts);
        return countBelow(nowIn ? after : old);
    }

    /** As {@link #below}, for a row that came or went: then the count changed ({@link #countedBelow}). */
    private boolean countBelow(T row) {
        boolean below = below(row);
        countedBelow |= below;
        return below;
    }

    /**
     * UI thread, while a delta is applied: whether {@code row} sorts below every row the Grid was
     * sent, while rows go on below them, so that its coming or going changes only the count (see
     * {@link #withSortComparator}). False when that is
     * not known: no comparator for the sort, no refresh's rows answering the Grid's range, a
     * refresh on its way (its rows may reach further), or the comparator threw.
     */
    private boolean below(T row) {
        if (row == null || order == null || refresher.inFlight()) {
            return false;
        }
        if (!boundaryKnown) {
            boundary = range().lastRowWithMoreBelow();
            boundaryKnown = true;
        }
        if (boundary == null) {
            return false;
        }
        Comparator<? super T> compare = comparator();
        if (compare == null) {
            return false;
        }
        boolean below;
        try {
            below = compare.compare(row, boundary) > 0;
        } catch (RuntimeException e) {
            if (!orderFailed) {
                orderFailed = true;
                LOG.error("The sort comparator of {} threw; its changes refresh the range instead. Fix the comparator:"
                        + " it must compare any two rows as the query orders them", scope.describe(key), e);
            }
            return false;
        }
        return below;
    }

    /** The comparator for the Grid's latest sort, or null when it is not known. */
    private Comparator<? super T> comparator() {
        List<QuerySortOrder> sort = range().sortOrders();
        List<String> sortKey = LazyRange.sortKey(sort);
        if (!sortKey.equals(orderFor)) {
            orderFor = sortKey;
            try {
                comparator = order.apply(sort);
            } catch (RuntimeException e) {
                LOG.error("The sort comparator function of {} threw for {}; its changes refresh the range instead",
                        scope.describe(key), sortKey, e);
                comparator = null;
            }
        }
        return comparator;
    }

    /**
     * Rows deleted, moved away or truncated are no longer held: a row inserted again with its old id
     * (restored from a backup) is then an insert that refreshes the range, not an update in place of
     * a row the Grid no longer shows.
     */
    private void forgetRemoved(Delta<T> delta) {
        if (delta.cleared()) {
            held.clear();
            subscription.releaseAll();
        } else if (!delta.removals().isEmpty()) {
            held.keySet().removeAll(delta.removals());
            subscription.release(delta.removals());
        }
    }

    private boolean mayMove(T before, T after) {
        Set<String> changed = engine().changedAttributes(entity, before, after);
        if (changed.isEmpty()) {
            return false;
        }
        if (filtered && queryAttributes.isEmpty()) {
            return true; // the filter or the default order may read any attribute
        }
        for (String attribute : changed) {
            if (sortedBy.contains(attribute) || queryAttributes.contains(attribute)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Fetches the visible range and the count again, off the session lock: the queries run on a
     * LiveSync UI thread (now, or at the end of the refresh window) and their results answer the
     * Grid's {@code refreshAll} in one {@code UI.access}; while a refresh is on its way, the change
     * makes exactly one more follow it.
     */
    private void refreshRange(ListChange<T> change) {
        need();
        refresher.request();
        fire(change);
    }

    /** UI thread: a refresh on its way may miss the change being applied; the next one must see it. */
    private void touched() {
        need();
        refresher.touched();
    }

    /**
     * UI thread: the next refresh's queries must see the change being applied: results shared
     * through the page cache must be computed after it was routed (its stamp), or at the current
     * versions when that is not known.
     */
    private void need() {
        if (arrived == null) {
            needCurrent = true;
        } else {
            needed = PageCache.Stamp.latest(needed, arrived);
        }
    }

    /** UI thread, as a refresh is requested: the queries of the Grid's last requests, to run off the UI thread. */
    private Supplier<LazyRange.Result<T>> prepareRefresh() {
        Subscription<T> loading = subscription;
        loading.loading(); // until its rows are held: a delete committed meanwhile of a row it fetches still reaches it
        refreshLoading = true;
        updatedDuringRefresh.clear();
        boolean fence = fenceDue;
        fenceDue = false;
        Object filter = range().filter();
        PageCache.Stamp atLeast = needCurrent ? null : needed; // changes routed since: none can alter the range
        needCurrent = false;
        LazyRange.Plan<T, F> plan = range().plan(countKept(filter));
        Object subscriptionValue = subscriptionValue();
        boolean keepIt = plan.count() != null && filter != null && keepsFilteredCount();
        java.util.concurrent.atomic.AtomicReference<KeptCount> taken = new java.util.concurrent.atomic.AtomicReference<>();
        countTaken = keepIt ? taken : null;
        if (keepIt) {
            countingFilter = filter; // steps received from now on are replayed on the count it takes
            stepsWhileCounting = new ArrayList<>();
            unknownWhileCounting = false;
        }
        return () -> {
            if (fence) {
                loading.beforeLoad();
            }
            Query<T, F> countQuery = plan.count();
            int rows;
            if (countQuery == null) {
                rows = 0;
            } else if (keepIt) {
                KeptCount counted = keptFilteredCount(subscriptionValue, countQuery, atLeast);
                taken.set(counted);
                rows = counted.count();
            } else {
                rows = sharedCount(subscriptionValue, countQuery, atLeast);
            }
            List<LazyRange.Page<T>> pages = new ArrayList<>(plan.pages().size());
            for (Query<T, F> query : plan.pages()) { // one query at a time
                if (countQuery != null && query.getOffset() >= rows) {
                    continue; // past the end: the Grid asks for no row there
                }
                pages.add(new LazyRange.Page<>(query.getOffset(), query.getLimit(),
                        LazyRange.sortKey(query.getSortOrders()), query.getFilter().orElse(null),
                        sharedPage(subscriptionValue, query, atLeast)));
            }
            return new LazyRange.Result<>(countQuery != null, rows,
                    countQuery == null ? null : countQuery.getFilter().orElse(null), List.copyOf(pages));
        };
    }

    /**
     * In {@code UI.access}: shows a background refresh — its rows held as this view's own copies
     * (those updated in place meanwhile in their newer state), then the Grid's {@code refreshAll},
     * answered from them at the push. When its queries failed, the Grid runs them itself (and the
     * failure is retried as for any load).
     */
    private void installRefresh(LazyRange.Result<T> result, RuntimeException failure) {
        Subscription<T> loaded = subscription;
        refreshLoading = false;
        if (loaded == null) {
            return;
        }
        if (failure != null) {
            LOG.debug("A background refresh of {} failed; the Grid queries itself", scope.describe(key), failure);
            range().forget();
        } else {
            LazyRange.Result<T> own = result.mapPages(rows -> ownRows(rows).stream()
                    .map(row -> updatedDuringRefresh.getOrDefault(entity.idOf(row), row)).toList());
            own.pages().forEach(page -> hold(page.rows()));
            range().install(own);
            takeFilteredCount();
        }
        countingFilter = null;
        countTaken = null;
        updatedDuringRefresh.clear();
        loaded.loaded();
        refreshAll();
    }

    /**
     * The filtered count the installed refresh took, with the steps received meanwhile that it did
     * not see: from now on kept by the changes (or counted again, if a change of unknown effect came).
     */
    private void takeFilteredCount() {
        KeptCount counted = countTaken == null ? null : countTaken.get();
        if (counted == null || countingFilter == null || !countingFilter.equals(range().filter())) {
            return;
        }
        if (unknownWhileCounting) {
            keptFiltered = null;
            return;
        }
        for (PendingStep pending : stepsWhileCounting) {
            counted = counted == null ? null : step(counted, pending);
        }
        keptFiltered = counted;
        keptFilter = countingFilter;
    }

    /** Forgets the background refresh on its way (its result is not shown) and the last one's results. */
    private void resetRefresh() {
        if (refresher != null) {
            refresher.reset();
        }
        if (refreshLoading && subscription != null) {
            subscription.loaded();
        }
        refreshLoading = false;
        countingFilter = null;
        countTaken = null;
        range().forget();
    }

    private LazyRange<T, F> range() {
        if (range == null) {
            range = new LazyRange<>();
        }
        return range;
    }

    private void fire(ListChange<T> change) {
        for (SerializableConsumer<ListChange<T>> listener : List.copyOf(listeners)) {
            try {
                listener.accept(change);
            } catch (RuntimeException e) {
                LOG.error("A change listener of {} threw; the other listeners still run", scope.describe(key), e);
            }
        }
    }

    private static Set<String> sortAttributes(List<QuerySortOrder> orders) {
        Set<String> attributes = new LinkedHashSet<>();
        for (QuerySortOrder order : orders) {
            attributes.add(order.getSorted());
        }
        return attributes;
    }

    private Object subscriptionValue() {
        return value != null ? value : scope.getSubscriptionValue();
    }

    private WatchedEntity<T> entity() {
        if (entity == null) {
            entity = engine().entity(key.type());
        }
        return entity;
    }

    private Pipeline engine() {
        return pipeline != null ? pipeline : scope.pipeline();
    }

    private PageCache pages() {
        return engine().dispatcher().pages();
    }

    /** Its part in the scope: registered while the owner is attached. */
    Watch watch() {
        return watch;
    }

    /** The scope's handle: registered while the owner is attached. */
    private final class LazyWatch extends Watch {

        @Override
        void attach(Pipeline engine, UI attachedTo, Object subscriptionValue) {
            detach();
            if (cancelled) {
                return;
            }
            pipeline = engine;
            entity = engine.entity(key.type());
            updatedDuringRefresh = new LinkedHashMap<>();
            refresher = new BackgroundRefresh<>(engine, attachedTo, new BackgroundRefresh.Work<>() {
                @Override
                public Supplier<LazyRange.Result<T>> prepare() {
                    return prepareRefresh();
                }

                @Override
                public void install(LazyRange.Result<T> result, RuntimeException failure) {
                    installRefresh(result, failure);
                }
            }, () -> refreshWindow != null ? refreshWindow : engine.deliverySettings().lazyRefreshWindow());
            needed = null; // stamps count per subscription value
            needCurrent = false;
            boolean valueChanged = value != null && !value.equals(subscriptionValue);
            value = subscriptionValue;
            subscription = engine.dispatcher().subscribe(attachedTo, entity, subscriptionValue,
                    LiveDataProvider.this::apply, scope.describe(key));
            subscription.wantRowFacts();
            if (liveCount) {
                engine.dispatcher().countChanges(subscription);
            }
            kept = null; // counted at the next size request
            keptFiltered = null;
            if (valueChanged) {
                held.clear(); // the former value's rows: before holding, or the new value's views would route them here
            }
            subscription.hold(held.keySet());
            subscription.loaded();
            fenceDue = true;
            if (attachedBefore) {
                refreshAll(); // changes while it was detached did not reach it
            }
            attachedBefore = true;
        }

        @Override
        void detach() {
            resetRefresh();
            refresher = null;
            if (subscription != null) {
                subscription.close();
                subscription = null;
            }
        }

        @Override
        void reload() {
            if (subscription != null) {
                pipeline.dispatcher().reloadRequested();
            }
            kept = null;
            keptFiltered = null;
            fenceDue = true;
            resetRefresh();
            refreshAll();
        }
    }
}
