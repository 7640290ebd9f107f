package org.vaadin.addons.livesync.demo.tasks;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Stream;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.vaadin.addons.livesync.LiveDataProvider;
import org.vaadin.addons.livesync.LiveSync;
import org.vaadin.addons.livesync.LiveSyncView;
import org.vaadin.addons.livesync.SaveResult;
import org.vaadin.addons.livesync.WatchedBean;
import org.vaadin.addons.livesync.demo.security.CurrentUser;
import org.vaadin.addons.livesync.demo.writer.OutsideWriter;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.GridSortOrder;
import com.vaadin.flow.component.grid.GridVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.notification.Notification;
import com.vaadin.flow.component.notification.NotificationVariant;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.data.provider.ConfigurableFilterDataProvider;
import com.vaadin.flow.data.provider.Query;
import com.vaadin.flow.data.provider.SortDirection;
import com.vaadin.flow.data.renderer.LitRenderer;
import com.vaadin.flow.data.value.ValueChangeMode;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;

import jakarta.annotation.security.PermitAll;

/**
 * The task board of the signed-in user's organization: a lazy Grid of its tasks and a form for the
 * selected one, both kept live by LiveSync. The subscription value is the organization, decided on
 * the server from the signed-in user. The database pages, sorts (column headers; by title by
 * default) and filters (a part of the title, done tasks hidden when asked) through
 * {@link TaskRepository}, so the board holds only what it shows, whatever the organization's size;
 * committed changes refresh the changed row in place or the visible range and the count, and the
 * changed rows are highlighted. The form is edit-safe (a change made elsewhere while the user edits
 * shows a notice and overwrites nothing, and Save writes only over the version the form loaded: the
 * add-on's defaults).
 */
@Route("")
@PageTitle("Tasks · LiveSync demo")
@PermitAll
public class TasksView extends LiveSyncView<Long, VerticalLayout> {

    private static final Logger LOG = LoggerFactory.getLogger(TasksView.class);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("MMM d, HH:mm");

    private final transient TaskRepository tasks;
    private final Grid<Task> grid = new Grid<>();
    private final TextField titleFilter = new TextField();
    private final Checkbox hideDone = new Checkbox("Hide done tasks");
    private final Span count = new Span();
    private final TaskForm form = new TaskForm();
    private final ChangeHighlighter highlighter = new ChangeHighlighter();
    private final ConfigurableFilterDataProvider<Task, Void, TaskFilter> filtered;
    private final WatchedBean<Task> bean;
    private TaskFilter filter = TaskFilter.NONE;

    public TasksView(TaskRepository tasks, OrganizationRepository organizations, CurrentUser user,
                     LiveSync liveSync, OutsideWriter writer) {
        super(user.organizationId());
        this.tasks = tasks;
        VerticalLayout page = getContent();
        page.addClassName("board");
        page.setWidthFull();

        String organization = organizations.findById(getSubscriptionValue()).map(Organization::getName)
                .orElse("Organization " + getSubscriptionValue());
        page.add(header(organization, user, new LiveIndicator(liveSync, user.isOperator()),
                user.isOperator() ? new WriterToggle(writer) : null));

        configureGrid();
        configureFilter();
        count.addClassName("task-count");
        HorizontalLayout toolbar = new HorizontalLayout(titleFilter, hideDone, count);
        toolbar.addClassName("board-toolbar");
        toolbar.setAlignItems(FlexComponent.Alignment.BASELINE);

        Div listColumn = new Div(toolbar, grid);
        listColumn.addClassName("board-list");
        Div main = new Div(listColumn, form);
        main.addClassName("board-main");
        page.add(main);

        // The filter and the default order read the title, the filter the status: a change of either may
        // move a row within the range or out of it; any other change of a shown row is refreshed in place.
        // Without a filter the count is every task of the organization: kept by the changes, not re-counted.
        // The filter told as a predicate: a change of a task outside it runs no query, and a task entering or
        // leaving it changes the filtered count by one (the table's REPLICA IDENTITY FULL gives the old row).
        // The order told as a comparator: a task that comes, goes or moves below the rows shown changes the count only.
        LiveDataProvider<Task, TaskFilter> board = watchLazy(Task.class, this::fetch, this::count)
                .withQueryAttributes(TaskPages.TITLE, "status")
                .withFilterPredicate(TaskFilter::matches)
                .withSortComparator(TaskPages::comparator)
                .withLiveCount();
        board.addChangeListener(highlighter::observe);
        filtered = board.withConfigurableFilter();
        filtered.setFilter(orNone(filter));
        grid.setItems(filtered).addItemCountChangeListener(event -> showCount(event.getItemCount()));

        bean = watchBean(Task.class, form.binder());
        form.headingFollows(bean.signal());
        bean.addRemovedListener(removed -> closed());
        form.save.addClickListener(event -> save());
        form.discard.addClickListener(event -> bean.showNewest());
    }

    /** One page of the board: the organization's tasks that match the filter, in the Grid's order. */
    private Stream<Task> fetch(Long organization, Query<Task, TaskFilter> query) {
        return tasks.findPage(organization, query.getFilter().orElse(TaskFilter.NONE), TaskPages.of(query)).stream();
    }

    /** How many tasks match the filter. */
    private int count(Long organization, Query<Task, TaskFilter> query) {
        return Math.toIntExact(tasks.countMatching(organization, query.getFilter().orElse(TaskFilter.NONE)));
    }

    /** The header; {@code writer} is null for anyone but the operator, whose board alone has the switch. */
    private Div header(String organization, CurrentUser user, LiveIndicator live, WriterToggle writer) {
        H2 title = new H2(organization + " tasks");
        Span who = new Span("Signed in as " + user.name());
        who.addClassName("who");
        Button logout = new Button("Sign out", event -> user.logout());
        logout.addThemeVariants(ButtonVariant.LUMO_TERTIARY);
        Div header = new Div(title, live, new Div());
        if (writer != null) {
            header.add(writer);
        }
        header.add(who, logout);
        header.addClassName("board-header");
        return header;
    }

    private void configureGrid() {
        grid.addClassName("task-grid");
        grid.addThemeVariants(GridVariant.LUMO_ROW_STRIPES);
        grid.setEmptyStateText("No tasks match the filter");
        Grid.Column<Task> title = grid.addColumn(Task::getTitle).setHeader("Title").setFlexGrow(3).setKey("title")
                .setSortProperty(TaskPages.TITLE);
        grid.addColumn(LitRenderer.<Task>of("<span class=\"status\" data-status=\"${item.status}\">${item.status}</span>")
                        .withProperty("status", Task::getStatus)).setHeader("Status").setAutoWidth(true).setKey("status")
                .setSortProperty("status");
        grid.addColumn(Task::getAssignee).setHeader("Assignee").setAutoWidth(true).setKey("assignee")
                .setSortProperty("assignee");
        grid.addColumn(task -> formatTime(task.getUpdatedAt())).setHeader("Updated").setAutoWidth(true)
                .setKey("updated").setSortProperty("updatedAt");
        grid.sort(List.of(new GridSortOrder<>(title, SortDirection.ASCENDING))); // the header shows the default order
        grid.addSortListener(event -> highlighter.clear()); // a new order is not a change of rows
        grid.setPartNameGenerator(highlighter::partName);
        grid.asSingleSelect().addValueChangeListener(event -> select(event.getValue()));
    }

    private void configureFilter() {
        titleFilter.setPlaceholder("Filter by title");
        titleFilter.setAriaLabel("Filter by title");
        titleFilter.setClearButtonVisible(true);
        titleFilter.setValueChangeMode(ValueChangeMode.LAZY); // a query once the user pauses typing
        titleFilter.addClassName("title-filter");
        titleFilter.addValueChangeListener(event -> applyFilter(filter.withTitle(event.getValue())));
        hideDone.addValueChangeListener(event -> applyFilter(filter.withHideDone(event.getValue())));
    }

    private void applyFilter(TaskFilter next) {
        filter = next;
        highlighter.clear();
        filtered.setFilter(orNone(next)); // the Grid fetches its range and the count again
    }

    /** No filter at all for "every task", so that the live count applies. */
    private static TaskFilter orNone(TaskFilter filter) {
        return TaskFilter.NONE.equals(filter) ? null : filter;
    }

    private void showCount(int tasksShown) {
        count.setText(tasksShown == 1 ? "1 task" : String.format(Locale.ENGLISH, "%,d tasks", tasksShown));
    }

    private void select(Task task) {
        Long id = task == null ? null : task.getId();
        if (!Objects.equals(id, bean.id())) {
            form.showing(bean.show(id));
        }
    }

    /**
     * Saves through the repository, inside the add-on's transaction that locks the row and checks it
     * is still the version the form loaded, in this organization. When it is not, nothing is written
     * and the add-on's notice says so; the edits stay in the form.
     */
    private void save() {
        try {
            if (bean.save(tasks::save) == SaveResult.SAVED) {
                form.showing(true);
                Notification.show("Saved", 2000, Notification.Position.BOTTOM_START)
                        .addThemeVariants(NotificationVariant.LUMO_SUCCESS);
            }
        } catch (DataAccessException e) {
            LOG.warn("Could not save task {}", bean.id(), e);
            Notification.show("Could not save the task: the database refused it. Your edits are still in the form.",
                    6000, Notification.Position.TOP_CENTER).addThemeVariants(NotificationVariant.LUMO_ERROR);
        }
    }

    /** The task in the form was deleted or moved away: the add-on cleared the form. */
    private void closed() {
        grid.deselectAll();
        form.showing(false);
        Notification.show("The task you had open was deleted or moved to another organization", 4000,
                Notification.Position.TOP_CENTER);
    }

    private static String formatTime(Instant instant) {
        if (instant == null) {
            return "";
        }
        var local = instant.atZone(ZoneId.systemDefault());
        return local.toLocalDate().equals(LocalDate.now()) ? TIME.format(local) : DATE.format(local);
    }

    /**
     * Starts and stops the {@link OutsideWriter} at a chosen rate; it writes for every organization,
     * so only the operator's board has it, and the writer itself refuses anyone else on the server.
     */
    static final class WriterToggle extends HorizontalLayout {

        WriterToggle(OutsideWriter writer) {
            addClassName("writer-toggle");
            setAlignItems(FlexComponent.Alignment.BASELINE);
            Checkbox on = new Checkbox("Outside writer", writer.isRunning());
            on.setTooltipText("Another program writes to the task table with plain SQL: inserts, updates, deletes "
                    + "and moves between organizations");
            Select<Integer> rate = new Select<>();
            rate.setItems(1, 5, 20, 100);
            rate.setItemLabelGenerator(n -> n + " / s");
            rate.setValue(writer.isRunning() ? Math.max(1, (int) Math.round(writer.rate())) : 5);
            rate.setWidth("7em");
            rate.setAriaLabel("Writes per second");
            on.addValueChangeListener(event -> apply(writer, on.getValue(), rate.getValue()));
            rate.addValueChangeListener(event -> apply(writer, on.getValue(), rate.getValue()));
            add(on, rate);
        }

        private static void apply(OutsideWriter writer, boolean on, Integer rate) {
            if (on) {
                writer.start(rate == null ? 5 : rate);
            } else {
                writer.stop();
            }
        }
    }
}
