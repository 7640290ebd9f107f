package org.vaadin.addons.livesync.examples.plainjava;

import java.util.List;

import org.hibernate.SessionFactory;
import org.vaadin.addons.livesync.LiveScope;
import org.vaadin.addons.livesync.WatchedList;

import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.Route;
import com.vaadin.flow.server.VaadinService;

/**
 * The tasks of one organization, live: rows inserted, changed or deleted by anyone (plain SQL
 * included) show at once. The organization is decided on the server; this example has no sign-in, so
 * it is a constant here.
 */
@Route("")
public class TasksView extends VerticalLayout {

    static final long ORGANIZATION = 1;

    public TasksView() {
        SessionFactory database = VaadinService.getCurrent().getContext().getAttribute(SessionFactory.class);
        Grid<Task> grid = new Grid<>();
        grid.addColumn(Task::getTitle).setHeader("Title");

        LiveScope<Long> live = LiveScope.of(this, ORGANIZATION);
        WatchedList<Task> tasks = live.watchList(Task.class, organization -> tasksOf(database, organization));
        grid.setItems(tasks.dataProvider());

        add(new H2("Tasks of organization " + ORGANIZATION), grid);
    }

    private static List<Task> tasksOf(SessionFactory database, long organization) {
        return database.fromSession(session -> session
                .createSelectionQuery("from Task where organizationId = :organization order by id", Task.class)
                .setParameter("organization", organization)
                .getResultList());
    }
}
