package org.vaadin.addons.livesync.convergence;

import java.util.List;
import java.util.stream.IntStream;

import org.hibernate.SessionFactory;
import org.vaadin.addons.livesync.LiveDataProvider;
import org.vaadin.addons.livesync.LiveScope;
import org.vaadin.addons.livesync.LiveSync;

import com.vaadin.flow.component.Composite;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.data.provider.DataCommunicator;

/** A tenant's rows of both tables in two lazy Grids (ordered by id), showing their first page; the FULL table's with a live count. */
class LazyTenantView extends Composite<Div> {

    static final int PAGE = 50;

    final Grid<DefaultRow> defaultGrid = new Grid<>();
    final Grid<FullRow> fullGrid = new Grid<>();
    final long tenant;

    LazyTenantView(LiveSync liveSync, long tenant, SessionFactory sessionFactory) {
        this.tenant = tenant;
        LiveScope<Long> live = LiveScope.of(this, tenant, liveSync);
        LiveDataProvider<DefaultRow, Void> defaults = live.lazy(DefaultRow.class,
                (t, query) -> page(sessionFactory, DefaultRow.class, t, query.getOffset(), query.getLimit()).stream(),
                (t, query) -> count(sessionFactory, DefaultRow.class, t));
        LiveDataProvider<FullRow, Void> fulls = live.lazy(FullRow.class,
                (t, query) -> page(sessionFactory, FullRow.class, t, query.getOffset(), query.getLimit()).stream(),
                (t, query) -> count(sessionFactory, FullRow.class, t));
        fulls.withLiveCount(); // old keys in the WAL
        defaultGrid.addColumn(TenantRow::getTitle);
        fullGrid.addColumn(TenantRow::getTitle);
        defaultGrid.setItems(defaults);
        fullGrid.setItems(fulls);
        defaultGrid.getDataCommunicator().setViewportRange(0, PAGE);
        fullGrid.getDataCommunicator().setViewportRange(0, PAGE);
        getContent().add(defaultGrid, fullGrid);
    }

    /** The tenant's rows of {@code type}, by id: what the view asks for, and what a fresh query of the range gives. */
    static <R extends TenantRow> List<R> page(SessionFactory sessionFactory, Class<R> type, long tenant, int offset,
                                              int limit) {
        return sessionFactory.fromStatelessSession(s -> s.createSelectionQuery(
                        "from " + type.getSimpleName() + " where tenant = :t order by id", type).setParameter("t", tenant)
                .setFirstResult(offset).setMaxResults(limit).getResultList());
    }

    static int count(SessionFactory sessionFactory, Class<? extends TenantRow> type, long tenant) {
        return Math.toIntExact(sessionFactory.fromStatelessSession(s -> s.createSelectionQuery(
                "select count(*) from " + type.getSimpleName() + " where tenant = :t", Long.class)
                .setParameter("t", tenant).getSingleResult()));
    }

    /** The rows the Grid has in its visible range. UI thread. */
    static <R> List<R> visible(Grid<R> grid) {
        DataCommunicator<R> communicator = grid.getDataCommunicator();
        return IntStream.range(0, Math.min(PAGE, communicator.getItemCount())).mapToObj(communicator::getItem).toList();
    }
}
