package org.vaadin.addons.livesync.apiusage;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.vaadin.addons.livesync.BeanConflict;
import org.vaadin.addons.livesync.BeanRemoved;
import org.vaadin.addons.livesync.CaptureSettings;
import org.vaadin.addons.livesync.CaptureState;
import org.vaadin.addons.livesync.ChangeType;
import org.vaadin.addons.livesync.EntityEvent;
import org.vaadin.addons.livesync.DeliverySettings;
import org.vaadin.addons.livesync.ListChange;
import org.vaadin.addons.livesync.LiveDataProvider;
import org.vaadin.addons.livesync.LiveScope;
import org.vaadin.addons.livesync.LiveSync;
import org.vaadin.addons.livesync.LiveSyncMetrics;
import org.vaadin.addons.livesync.LiveSyncSettings;
import org.vaadin.addons.livesync.LiveSyncView;
import org.vaadin.addons.livesync.MissedEvents;
import org.vaadin.addons.livesync.PreflightProblem;
import org.vaadin.addons.livesync.PublicationSetup;
import org.vaadin.addons.livesync.SaveRefused;
import org.vaadin.addons.livesync.SaveResult;
import org.vaadin.addons.livesync.SyncHook;
import org.vaadin.addons.livesync.WatchKey;
import org.vaadin.addons.livesync.WatchedBean;
import org.vaadin.addons.livesync.WatchedList;
import org.vaadin.addons.livesync.spring.LiveSyncCustomizer;

import com.vaadin.flow.component.Composite;
import com.vaadin.flow.component.grid.Grid;
import com.vaadin.flow.component.grid.dataview.GridListDataView;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.data.binder.Binder;
import com.vaadin.flow.server.VaadinContext;
import com.vaadin.flow.shared.Registration;
import com.vaadin.flow.signals.Signal;

import jakarta.persistence.EntityManagerFactory;

/**
 * Uses the whole public API as an application would, from a package of its own (so only what is
 * public is reachable), with no casts and no {@code @SuppressWarnings}: it has to compile, and
 * fails the build when the API becomes awkward (after Karibu's {@code MockVaadinJApiTest}). The
 * behaviour is tested elsewhere; the one test here only checks that the usage compiles and loads.
 */
class PublicApiUsageTest {

    /** An application's entity, as far as this usage needs one. */
    static final class Task {
        Long getId() {
            return 1L;
        }

        String getTitle() {
            return "";
        }

        boolean isDone() {
            return false;
        }
    }

    static final class Project {
        String getName() {
            return "";
        }
    }

    interface Tasks {
        List<Task> findByOrganizationId(Long organization);

        Task save(Task task);
    }

    static final WatchKey<Task> TASKS = WatchKey.of(Task.class);
    static final WatchKey<Task> OPEN_TASKS = WatchKey.of("open", Task.class);
    static final WatchKey<Project> PROJECTS = WatchKey.of(Project.class);

    /** The card's shape: extend LiveSyncView, bind a Grid to a watched list, override sync(). */
    static final class TasksView extends LiveSyncView<Long, VerticalLayout> {
        TasksView(Tasks tasks, Long organization) {
            super(organization);
            Grid<Task> grid = new Grid<>();
            Binder<Task> binder = new Binder<>();
            WatchedList<Task> list = watchList(Task.class, grid, tasks::findByOrganizationId);
            list.addChangeListener((ListChange<Task> change) -> {
                Set<Object> ids = change.changedIds();
                boolean reloaded = change.reloaded() || change.cleared() || change.removedIds().isEmpty();
                assertThat(ids.isEmpty() || reloaded || change.isChanged(ids.iterator().next())).isTrue();
            });
            WatchedList<Project> projects = watchList(PROJECTS, org -> List.of());
            WatchedList<Task> chosen = watchIds(WatchKey.of("chosen", Task.class), List.of(1L, 2L));
            LiveDataProvider<Task, Void> openPages = watchLazy(OPEN_TASKS,
                    (org, query) -> tasks.findByOrganizationId(org).stream().skip(query.getOffset()).limit(query.getLimit()),
                    (org, query) -> tasks.findByOrganizationId(org).size());
            assertThat(chosen.isActive() || openPages.isActive()).isNotNull();
            WatchedBean<Task> form = watchBean(Task.class, binder);
            Registration conflicts = form.addConflictListener((BeanConflict<Task> conflict) -> {
                Task newest = conflict.newest();
                conflict.bean().keepEditsOnNewest();
                conflict.showDefaultNotice();
                assertThat(newest).isNotNull();
            });
            form.addRemovedListener((BeanRemoved<Task> removed) -> grid.deselectAll());
            form.addSaveRefusedListener((SaveRefused<Task> refused) -> refused.showDefaultNotice());
            Span heading = new Span();
            Signal.effect(heading, () -> heading.setText(form.signal().get() == null ? "" : form.signal().get().getTitle()));
            Signal<Integer> open = list.signal().map(List::size);
            Signal.effect(heading, () -> heading.getElement().setAttribute("title", open.get() + " tasks"));
            grid.asSingleSelect().addValueChangeListener(e -> form.show(e.getValue() == null ? null : e.getValue().getId()));
            SaveResult result = form.save(tasks::save);
            SaveResult merged = form.save();
            boolean saved = result.isSaved() || merged == SaveResult.CHANGED_ELSEWHERE;
            form.showNewest();
            form.clear();
            conflicts.remove();
            getContent().add(grid);
            live().cancel(PROJECTS);
            assertThat(saved || live().isWatching(TASKS) || projects.isActive()).isNotNull();
            setSubscriptionValue(2L);
        }

        @Override
        protected <T> List<T> sync(WatchKey<T> key, List<T> rows) {
            return key.when(TASKS, rows, tasks -> tasks.stream().filter(t -> !t.isDone())
                    .sorted(Comparator.comparing(Task::getTitle)).toList());
        }
    }

    /** Any component, no base class: a Composite with a scope of its own and typed hooks. */
    static final class TaskPanel extends Composite<Div> {
        TaskPanel(Tasks tasks, Long organization, LiveSync liveSync) {
            LiveScope<Long> live = LiveScope.of(this, organization, liveSync);
            SyncHook<Task> open = rows -> rows.stream().filter(t -> !t.isDone()).toList();
            WatchedList<Task> list = live.watchList(OPEN_TASKS, tasks::findByOrganizationId).withSync(open);
            Grid<Task> grid = new Grid<>();
            GridListDataView<Task> view = grid.setItems(list.dataProvider());
            GridListDataView<Task> bound = list.bind(new Grid<>());
            List<Task> shown = list.items();
            List<Task> rows = list.rows();
            list.refresh();
            list.reload();
            list.cancel();
            assertThat(view.getItemCount() + bound.getItemCount() + shown.size() + rows.size()).isNotNegative();
            assertThat(live.owner()).isSameAs(this);
            live.cancel();
        }
    }

    /** Plain Java: create, install, start; state, problems, metrics; the setup SQL. */
    static void plainJava(EntityManagerFactory entityManagerFactory, VaadinContext context, Connection connection)
            throws SQLException {
        CaptureSettings settings = CaptureSettings.forDatabase("jdbc:postgresql://localhost/app", "app", "secret")
                .withPublication("livesync").withSlotName("node_1").withTemporarySlot(false)
                .withHeartbeatInterval(Duration.ofSeconds(10));
        PublicationSetup.named("livesync").up(connection, Set.of("public.task"));
        try (LiveSync liveSync = LiveSync.create(entityManagerFactory, settings)) {
            liveSync.install(context);
            liveSync.start();
            CaptureState state = liveSync.liveState().status();
            List<PreflightProblem> problems = liveSync.liveState().problems();
            LiveSyncMetrics metrics = liveSync.metrics();
            assertThat(state == CaptureState.STREAMING || problems.isEmpty() || metrics.registrations() >= 0).isTrue();
            assertThat(LiveSync.current()).isSameAs(liveSync);
        }
    }

    /** An application's test: wait for the stream before the first write, and until the views have it after. */
    static boolean test(LiveSync liveSync, Runnable write) throws InterruptedException {
        if (!liveSync.awaitStreaming(Duration.ofSeconds(30))) {
            return false;
        }
        write.run();
        return liveSync.awaitCaughtUp(Duration.ofSeconds(30));
    }

    /** A service or scheduled job: typed events of a watched type, no view involved. */
    static Registration service(LiveSync liveSync) {
        Registration updates = liveSync.events(Task.class).ofKind(ChangeType.UPDATED, ChangeType.INSERTED).forId(42L)
                .withEntity().listen((EntityEvent<Task> event) -> {
                    Long id = event.id(Long.class);
                    String title = event.entity().map(Task::getTitle).orElse("");
                    assertThat(id + title).isNotNull();
                });
        Registration tenant = liveSync.events(Task.class).forSubscriptionValue(1L)
                .onMissed((MissedEvents missed) -> assertThat(missed.count()).isNotNegative())
                .listen(event -> assertThat(event.changeType()).isNotNull());
        updates.remove();
        return tenant;
    }

    /** A lazy Grid: the database pages, sorts and filters. */
    static void lazy(LiveScope<Long> live, Tasks tasks) {
        LiveDataProvider<Task, String> provider = live.<Task, String>watchLazy(Task.class,
                        (org, query) -> tasks.findByOrganizationId(org).stream().skip(query.getOffset()).limit(query.getLimit()),
                        (org, query) -> tasks.findByOrganizationId(org).size())
                .withQueryAttributes("title").withLiveCount().withRefreshWindow(Duration.ofMillis(20))
                .withFilterPredicate((text, task) -> task.getTitle().contains(text))
                .withSortComparator(sorts -> sorts.isEmpty() ? Comparator.comparing(Task::getTitle) : null);
        Grid<Task> grid = new Grid<>();
        grid.setItems(provider.withConfigurableFilter());
        provider.addChangeListener(change -> grid.getDataProvider().refreshAll());
    }

    /** Every setting: validated records with a wither each, paired for LiveSync; the Spring customizer. */
    static LiveSync configured(EntityManagerFactory entityManagerFactory) {
        CaptureSettings capture = CaptureSettings.forDatabase("jdbc:postgresql://localhost/app", "app", null)
                .withRequiredTables(Set.of("public.task")).withStatusInterval(Duration.ofSeconds(5))
                .withPublicationCheckInterval(Duration.ofMinutes(1)).withHandoverCapacity(2_048)
                .withReconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(10));
        DeliverySettings delivery = DeliverySettings.defaults().withMaxPending(500).withMaxChangesPerTransaction(50_000)
                .withLazyRefreshWindow(Duration.ofMillis(100)).withUiThreads(8).withSweepInterval(Duration.ofMinutes(1));
        LiveSyncCustomizer customizer = settings -> settings.withDelivery(settings.delivery().withMaxPending(1_000));
        LiveSync liveSync = LiveSync.create(entityManagerFactory,
                customizer.customize(new LiveSyncSettings(capture, delivery)));
        assertThat(liveSync.deliverySettings().maxPending() + liveSync.settings().handoverCapacity()).isPositive();
        return liveSync;
    }

    @Test
    void theUsageCompilesAndItsClassesLoad() {
        assertThat(List.of(TasksView.class, TaskPanel.class)).hasSize(2);
    }
}
