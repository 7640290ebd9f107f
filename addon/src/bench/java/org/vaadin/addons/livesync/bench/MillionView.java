package org.vaadin.addons.livesync.bench;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

import org.hibernate.SessionFactory;
import org.hibernate.query.SelectionQuery;
import org.vaadin.addons.livesync.LiveDataProvider;
import org.vaadin.addons.livesync.LiveSync;
import org.vaadin.addons.livesync.LiveSyncView;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.data.provider.ConfigurableFilterDataProvider;
import com.vaadin.flow.data.provider.Query;

/**
 * A tenant's tasks in a live lazy Grid over a large tenant, as the demo's board binds one: fetch and
 * count through Hibernate ({@code order by title, id}), a title filter ({@code title like %text%})
 * stated as a predicate too, the live count. It pushes automatically ({@link BenchPush}); after each
 * push, {@code pushed} is told (session locked). Its fetch and count callbacks are counted
 * ({@link #QUERIES}), so that a window can tell how many the changes cost.
 */
final class MillionView extends LiveSyncView<Long, VerticalLayout> {

    static final int PAGE = 50;
    /** Page and count callbacks of every view (the lazy Grid's own queries, not LiveSync's). */
    static final AtomicInteger QUERIES = new AtomicInteger();

    final Grid<BenchTask> grid = new Grid<>();
    final String filter;
    /** Inserts seen by this view (under its session lock). */
    final Set<Integer> seen = ConcurrentHashMap.newKeySet();

    MillionView(LiveSync liveSync, Long organization, SessionFactory sessionFactory, String filter, LongConsumer pushed) {
        super(liveSync, organization);
        this.filter = filter;
        grid.addColumn(BenchTask::getTitle).setHeader("Title").setKey("title");
        grid.addColumn(BenchTask::getAssignee).setHeader("Assignee").setKey("assignee");
        LiveDataProvider<BenchTask, String> provider = this.<BenchTask, String>watchLazy(BenchTask.class,
                        (org, query) -> {
                            QUERIES.incrementAndGet();
                            return sessionFactory.fromSession(s -> select(s, org, query,
                                            "from BenchTask t", " order by t.title, t.id", BenchTask.class)
                                    .setFirstResult(query.getOffset()).setMaxResults(query.getLimit())
                                    .getResultList()).stream();
                        },
                        (org, query) -> {
                            QUERIES.incrementAndGet();
                            return Math.toIntExact(sessionFactory.fromSession(s -> select(s, org, query,
                                    "select count(*) from BenchTask t", "", Long.class).getSingleResult()));
                        })
                .withQueryAttributes("title")
                .withFilterPredicate((text, task) -> task.getTitle().contains(text))
                .withLiveCount();
        ConfigurableFilterDataProvider<BenchTask, Void, String> filtered = provider.withConfigurableFilter();
        filtered.setFilter(filter); // null: none, the count kept by the changes
        grid.setItems(filtered);
        getContent().add(grid);
        addAttachListener(event -> BenchPush.enable(event.getUI(), grid.getDataCommunicator(),
                () -> pushed.accept(System.nanoTime())));
    }

    private static <R> SelectionQuery<R> select(org.hibernate.Session session, long org, Query<BenchTask, String> query,
                                                String select, String order, Class<R> type) {
        String text = query.getFilter().orElse(null);
        return session.createSelectionQuery(select + " where t.organizationId = :o"
                        + (text == null ? "" : " and t.title like :f") + order, type)
                .setParameter("o", org)
                .setProperties(text == null ? java.util.Map.of() : java.util.Map.of("f", "%" + text + "%"));
    }

    /** Asks for rows [from, from + PAGE) as the browser's Grid does when scrolled there; the next push sends them. */
    void show(int from) {
        grid.getDataCommunicator().setViewportRange(from, PAGE);
    }

    /** The row at {@code index} as the Grid last sent it, or null. */
    BenchTask row(int index) {
        return index < count() ? grid.getDataCommunicator().getItem(index) : null;
    }

    int count() {
        return grid.getDataCommunicator().getItemCount();
    }
}
