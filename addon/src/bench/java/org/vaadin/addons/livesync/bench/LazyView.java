package org.vaadin.addons.livesync.bench;

import java.time.Duration;

import org.hibernate.SessionFactory;
import org.vaadin.addons.livesync.LiveDataProvider;
import org.vaadin.addons.livesync.LiveSync;
import org.vaadin.addons.livesync.LiveSyncView;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.data.provider.DataCommunicator;

/**
 * A tenant's tasks in a live lazy Grid, as an application binds one: a {@link LiveDataProvider}
 * whose fetch pages through Hibernate ({@code order by title, id}, offset and limit) and whose
 * count counts the tenant's rows. The UI pushes automatically through {@link BenchPush}; after
 * every push the {@link Probe} is told (on that thread, session locked), so that it can read what
 * the Grid's data communicator now holds.
 */
final class LazyView extends LiveSyncView<Long, VerticalLayout> {

    /** Told after every push of the view's UI. */
    @FunctionalInterface
    interface Probe {
        void pushed(LazyView view, long nanoTime);
    }

    /** The rows a browser shows at first: the Grid's first page. */
    static final int PAGE = 50;

    final Grid<BenchTask> grid = new Grid<>();
    final LiveDataProvider<BenchTask, Void> provider;
    /** The probe's state for this view (UI thread). */
    Object probeState;

    LazyView(LiveSync liveSync, Long organization, SessionFactory sessionFactory, Duration refreshWindow, Probe probe) {
        super(liveSync, organization);
        grid.addColumn(BenchTask::getTitle).setHeader("Title").setKey("title");
        grid.addColumn(BenchTask::getStatus).setHeader("Status").setKey("status");
        grid.addColumn(BenchTask::getAssignee).setHeader("Assignee").setKey("assignee");
        provider = this.<BenchTask, Void>watchLazy(BenchTask.class,
                (org, query) -> sessionFactory.fromSession(s -> s.createSelectionQuery(
                                "from BenchTask where organizationId = :o order by title, id", BenchTask.class)
                        .setParameter("o", org)
                        .setFirstResult(query.getOffset())
                        .setMaxResults(query.getLimit())
                        .getResultList()).stream(),
                (org, query) -> Math.toIntExact(
                        sessionFactory.fromSession(s -> s.createSelectionQuery(
                                        "select count(*) from BenchTask where organizationId = :o", Long.class)
                                .setParameter("o", org).getSingleResult())))
                .withQueryAttributes("title")
                .withLiveCount()
                .withRefreshWindow(refreshWindow);
        grid.setItems(provider);
        getContent().add(grid);
        addAttachListener(event -> BenchPush.enable(event.getUI(), grid.getDataCommunicator(),
                () -> probe.pushed(this, System.nanoTime())));
    }

    /** Asks for the first page as the browser's Grid does when it is shown; the next push sends it. */
    void requestFirstPage() {
        grid.getDataCommunicator().setViewportRange(0, PAGE);
    }

    /** The row at {@code index} of what the Grid last sent (index below {@link #PAGE} and the count). */
    BenchTask row(int index) {
        return grid.getDataCommunicator().getItem(index);
    }

    /** The row count the Grid last sent. */
    int count() {
        return grid.getDataCommunicator().getItemCount();
    }

    DataCommunicator<BenchTask> communicator() {
        return grid.getDataCommunicator();
    }
}
