package org.vaadin.addons.livesync.convergence;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.function.Function;
import java.util.stream.IntStream;

import org.hibernate.SessionFactory;
import org.vaadin.addons.livesync.LiveDataProvider;
import org.vaadin.addons.livesync.LiveScope;
import org.vaadin.addons.livesync.LiveSync;
import org.vaadin.addons.livesync.WatchKey;

import com.vaadin.flow.component.Composite;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.data.provider.DataCommunicator;

/**
 * Lazy Grids of one tenant, each showing its first page: the tenant's rows of both keyed tables by id
 * (the FULL table's with a live count), the tenant's DEFAULT rows whose title contains a filter (by
 * title), and the global rows, all and filtered (by id, by title). Every fetched page is audited (each
 * row the tenant's and matching the filter), every change listener too ({@link ChangeAudit}).
 * {@link #switchTo} shows another tenant in the same scope. UI thread, except the static queries.
 */
class LazyTenantView extends Composite<Div> {

    static final int PAGE = 50;
    private static final String[] FILTERS = {"renamed", "new", "moved"};

    /** One lazy Grid and how to query afresh what it must show. */
    record Probe(String name, Grid<?> grid, Function<Object, String> fingerprint, Function<Long, List<String>> freshPage,
                 Function<Long, Integer> freshCount) {
    }

    final Grid<DefaultRow> defaultGrid = new Grid<>();
    final Grid<FullRow> fullGrid = new Grid<>();
    final Grid<DefaultRow> filteredGrid = new Grid<>();
    final Grid<FullRow> filteredFullGrid = new Grid<>();
    final Grid<GlobalRow> globalGrid = new Grid<>();
    final Grid<GlobalRow> filteredGlobalGrid = new Grid<>();
    final List<Probe> probes = new ArrayList<>();
    final String filter;
    private final int index;
    private final LiveScope<Long> live;
    private final transient Queue<String> violations;
    private volatile long tenant;

    LazyTenantView(LiveSync liveSync, int index, long tenant, SessionFactory sessionFactory, ChangeAudit changes,
                   Queue<String> violations) {
        this.index = index;
        this.tenant = tenant;
        this.filter = FILTERS[index % FILTERS.length];
        this.violations = violations;
        live = LiveScope.of(this, tenant, liveSync);

        LiveDataProvider<DefaultRow, Void> defaults = live.watchLazy(DefaultRow.class,
                (t, query) -> page(sessionFactory, DefaultRow.class, t, null, query.getOffset(), query.getLimit()).stream(),
                (t, query) -> count(sessionFactory, DefaultRow.class, t, null));
        keyed(defaults, defaultGrid, "default", "row_default", null, changes);
        LiveDataProvider<FullRow, Void> fulls = live.watchLazy(FullRow.class,
                (t, query) -> page(sessionFactory, FullRow.class, t, null, query.getOffset(), query.getLimit()).stream(),
                (t, query) -> count(sessionFactory, FullRow.class, t, null));
        fulls.withLiveCount(); // old keys in the WAL
        keyed(fulls, fullGrid, "full", "row_full", null, changes);
        LiveDataProvider<DefaultRow, String> filtered = live.watchLazy(WatchKey.of("FilteredDefaultRow", DefaultRow.class),
                (t, query) -> page(sessionFactory, DefaultRow.class, t, query.getFilter().orElse(null), query.getOffset(),
                        query.getLimit()).stream(),
                (t, query) -> count(sessionFactory, DefaultRow.class, t, query.getFilter().orElse(null)));
        filtered.withQueryAttributes("title").withFilterPredicate((text, row) -> row.getTitle().contains(text));
        keyed(filtered, filteredGrid, "filtered default '" + filter + "'", "row_default", filter, changes);
        // the filter as a predicate with the whole old row in the WAL: unrelated changes cost no query, the count steps;
        // the order as a comparator: rows coming, going or moving below the range change only the count
        LiveDataProvider<FullRow, String> filteredFulls = live.watchLazy(WatchKey.of("FilteredFullRow", FullRow.class),
                (t, query) -> page(sessionFactory, FullRow.class, t, query.getFilter().orElse(null), query.getOffset(),
                        query.getLimit()).stream(),
                (t, query) -> count(sessionFactory, FullRow.class, t, query.getFilter().orElse(null)));
        filteredFulls.withQueryAttributes("title").withFilterPredicate((text, row) -> row.getTitle().contains(text))
                .withSortComparator(sorts -> !sorts.isEmpty() ? null : filter == null
                        ? Comparator.comparing(FullRow::getId)
                        : Comparator.comparing(FullRow::getTitle).thenComparing(FullRow::getId))
                .withLiveCount();
        keyed(filteredFulls, filteredFullGrid, "filtered full '" + filter + "' (predicate, live count)", "row_full", filter,
                changes);

        LiveDataProvider<GlobalRow, Void> globals = live.watchLazy(GlobalRow.class,
                (t, query) -> globalPage(sessionFactory, null, query.getOffset(), query.getLimit()).stream(),
                (t, query) -> globalCount(sessionFactory, null));
        globals.withLiveCount();
        global(globals, globalGrid, "global", null);
        LiveDataProvider<GlobalRow, String> filteredGlobals = live.watchLazy(WatchKey.of("FilteredGlobalRow", GlobalRow.class),
                (t, query) -> globalPage(sessionFactory, query.getFilter().orElse(null), query.getOffset(),
                        query.getLimit()).stream(),
                (t, query) -> globalCount(sessionFactory, query.getFilter().orElse(null)));
        filteredGlobals.withQueryAttributes("title").withFilterPredicate((text, row) -> row.getTitle().contains(text));
        global(filteredGlobals, filteredGlobalGrid, "filtered global '" + filter + "'", filter);

        getContent().add(defaultGrid, fullGrid, filteredGrid, filteredFullGrid, globalGrid, filteredGlobalGrid);
        addProbes(sessionFactory);
    }

    private <R extends TenantRow, F> void keyed(LiveDataProvider<R, F> provider, Grid<R> grid, String name, String table,
                                                String gridFilter, ChangeAudit changes) {
        grid.addColumn(TenantRow::getTitle);
        provider.withSync(rows -> {
            for (R row : rows) {
                if (!Objects.equals(row.getTenant(), tenant) || gridFilter != null && !row.getTitle().contains(gridFilter)) {
                    violations.add(this + " grid " + name + " fetched the row " + row.fingerprint());
                }
            }
            return rows;
        });
        provider.addChangeListener(changes.listener("lazy view #" + index + " grid " + name, table, () -> tenant));
        show(provider, grid, gridFilter);
    }

    private <F> void global(LiveDataProvider<GlobalRow, F> provider, Grid<GlobalRow> grid, String name, String gridFilter) {
        grid.addColumn(GlobalRow::getTitle);
        if (gridFilter != null) {
            provider.withSync(rows -> {
                rows.stream().filter(row -> !row.getTitle().contains(gridFilter))
                        .forEach(row -> violations.add(this + " grid " + name + " fetched the row " + row.fingerprint()));
                return rows;
            });
        }
        show(provider, grid, gridFilter);
    }

    @SuppressWarnings("unchecked")
    private static <R, F> void show(LiveDataProvider<R, F> provider, Grid<R> grid, String gridFilter) {
        if (gridFilter == null) {
            grid.setItems((LiveDataProvider<R, Void>) provider);
        } else {
            var configurable = ((LiveDataProvider<R, String>) provider).withConfigurableFilter();
            configurable.setFilter(gridFilter);
            grid.setItems(configurable);
        }
        grid.getDataCommunicator().setViewportRange(0, PAGE);
    }

    private void addProbes(SessionFactory sf) {
        Function<Object, String> keyed = row -> ((TenantRow) row).fingerprint();
        Function<Object, String> global = row -> ((GlobalRow) row).fingerprint();
        probes.add(new Probe("default", defaultGrid, keyed, t -> fingerprints(page(sf, DefaultRow.class, t, null, 0, PAGE)),
                t -> count(sf, DefaultRow.class, t, null)));
        probes.add(new Probe("full (live count)", fullGrid, keyed,
                t -> fingerprints(page(sf, FullRow.class, t, null, 0, PAGE)), t -> count(sf, FullRow.class, t, null)));
        probes.add(new Probe("filtered default '" + filter + "'", filteredGrid, keyed,
                t -> fingerprints(page(sf, DefaultRow.class, t, filter, 0, PAGE)), t -> count(sf, DefaultRow.class, t, filter)));
        probes.add(new Probe("filtered full '" + filter + "' (predicate, live count)", filteredFullGrid, keyed,
                t -> fingerprints(page(sf, FullRow.class, t, filter, 0, PAGE)), t -> count(sf, FullRow.class, t, filter)));
        probes.add(new Probe("global (live count)", globalGrid, global,
                t -> globalPage(sf, null, 0, PAGE).stream().map(GlobalRow::fingerprint).toList(), t -> globalCount(sf, null)));
        probes.add(new Probe("filtered global '" + filter + "'", filteredGlobalGrid, global,
                t -> globalPage(sf, filter, 0, PAGE).stream().map(GlobalRow::fingerprint).toList(),
                t -> globalCount(sf, filter)));
    }

    /** {@return the tenant it shows now} */
    long tenant() {
        return tenant;
    }

    /** Shows another tenant in the same scope (every provider registers anew). UI thread. */
    void switchTo(long other) {
        tenant = other;
        live.setSubscriptionValue(other);
    }

    private static List<String> fingerprints(List<? extends TenantRow> rows) {
        return rows.stream().map(TenantRow::fingerprint).toList();
    }

    /** The tenant's rows of {@code type} whose title contains {@code filter} (null: all) by id, or by title with a filter. */
    static <R extends TenantRow> List<R> page(SessionFactory sessionFactory, Class<R> type, long tenant, String filter,
                                              int offset, int limit) {
        return sessionFactory.fromStatelessSession(s -> s.createSelectionQuery("from " + type.getSimpleName()
                                + " where tenant = :t and title like :f order by " + (filter == null ? "id" : "title, id"), type)
                .setParameter("t", tenant).setParameter("f", like(filter))
                .setFirstResult(offset).setMaxResults(limit).getResultList());
    }

    static int count(SessionFactory sessionFactory, Class<? extends TenantRow> type, long tenant, String filter) {
        return Math.toIntExact(sessionFactory.fromStatelessSession(s -> s.createSelectionQuery(
                        "select count(*) from " + type.getSimpleName() + " where tenant = :t and title like :f", Long.class)
                .setParameter("t", tenant).setParameter("f", like(filter)).getSingleResult()));
    }

    static List<GlobalRow> globalPage(SessionFactory sessionFactory, String filter, int offset, int limit) {
        return sessionFactory.fromStatelessSession(s -> s.createSelectionQuery("from GlobalRow where title like :f order by "
                        + (filter == null ? "id" : "title, id"), GlobalRow.class).setParameter("f", like(filter))
                .setFirstResult(offset).setMaxResults(limit).getResultList());
    }

    static int globalCount(SessionFactory sessionFactory, String filter) {
        return Math.toIntExact(sessionFactory.fromStatelessSession(s -> s.createSelectionQuery(
                "select count(*) from GlobalRow where title like :f", Long.class).setParameter("f", like(filter))
                .getSingleResult()));
    }

    private static String like(String filter) {
        return filter == null ? "%" : "%" + filter + "%";
    }

    /** The rows the Grid has in its visible range. UI thread. */
    static <R> List<R> visible(Grid<R> grid) {
        DataCommunicator<R> communicator = grid.getDataCommunicator();
        return IntStream.range(0, Math.min(PAGE, communicator.getItemCount())).mapToObj(communicator::getItem).toList();
    }

    @Override
    public String toString() {
        return "lazy view #" + index + " (tenant " + tenant + ")";
    }
}
