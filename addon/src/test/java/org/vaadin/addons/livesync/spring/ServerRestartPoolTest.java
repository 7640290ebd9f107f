package org.vaadin.addons.livesync.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.vaadin.addons.livesync.LiveSync;
import org.vaadin.addons.livesync.LiveSyncView;
import org.vaadin.addons.livesync.WatchedList;
import org.vaadin.addons.livesync.testdb.LogCapture;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.server.VaadinService;
import com.zaxxer.hikari.HikariDataSource;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;

/**
 * PostgreSQL restarted under a Spring Boot application whose pool (Hikari) holds connections the
 * restart killed: once the stream is back, LiveSync's own loads (the views' reloads, the rows of
 * the next change for views and entity listeners) find no dead pooled connection, so Hikari logs
 * no "Failed to validate connection" for them, and LiveSync logs no WARN of its own from then on.
 * Runs where the tests own a Debian cluster they may restart ({@code LIVESYNC_TEST_PG_CLUSTER}, set
 * by {@code src/ci/postgres.sh}).
 */
@Timeout(300)
class ServerRestartPoolTest {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final int POOL = 5;

    @RegisterExtension
    static final SpringTestApp APP = SpringTestApp.create("restart_pool");

    @AfterEach
    void tearDownVaadin() {
        MockVaadin.tearDown();
    }

    @Test
    void afterAServerRestartLiveSyncsLoadsMeetNoDeadPooledConnectionAndNoWarningFollowsTheStreamsReturn()
            throws Exception {
        String cluster = System.getenv("LIVESYNC_TEST_PG_CLUSTER");
        Assumptions.assumeTrue(cluster != null && !cluster.isBlank(),
                "needs a Debian PostgreSQL cluster the tests may restart (LIVESYNC_TEST_PG_CLUSTER, set by src/ci/postgres.sh)");
        MockVaadin.setup();
        try (LogCapture hikari = LogCapture.start("com.zaxxer.hikari");
             LogCapture liveSyncLog = LogCapture.start("org.vaadin.addons.livesync")) {
            APP.runner().withPropertyValues("spring.datasource.hikari.maximum-pool-size=" + POOL,
                    "spring.datasource.hikari.minimum-idle=" + POOL).run(context -> {
                LiveSync liveSync = context.getBean(LiveSync.class);
                liveSync.install(VaadinService.getCurrent().getContext());
                await().atMost(WAIT).until(() -> liveSync.liveState().isLive());
                TaskView view = new TaskView(liveSync, 7L, context.getBean(EntityManagerFactory.class));
                UI.getCurrent().add(view);
                List<String> heard = new CopyOnWriteArrayList<>();
                liveSync.events(SpringTask.class).forSubscriptionValue(7L).withEntity()
                        .listen(event -> heard.add(event.entity().map(task -> task.title).orElse("?")));
                APP.db().execute("INSERT INTO " + APP.table() + " VALUES (1, 7, 'before')");
                awaitUi("the view and the listener have the row written before the restart",
                        () -> view.titles().equals(List.of("before")) && heard.equals(List.of("before")));
                HikariDataSource pool = context.getBean(HikariDataSource.class);
                await("the pool holds its connections").atMost(WAIT)
                        .until(() -> pool.getHikariPoolMXBean().getIdleConnections() == POOL);

                restart(cluster);
                await("streaming again after the restart").atMost(WAIT)
                        .until(() -> liveSync.liveState().isLive() && liveSync.metrics().reconnects() > 0);
                APP.db().execute("INSERT INTO " + APP.table() + " VALUES (2, 7, 'after')");
                awaitUi("the view and the listener have the row written after the restart",
                        () -> view.titles().equals(List.of("before", "after"))
                                && heard.equals(List.of("before", "after")));
            });

            List<ILoggingEvent> poolWarnings = hikari.events().stream()
                    .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .filter(e -> !e.getThreadName().startsWith("HikariPool")) // the pool's own housekeeping
                    .toList();
            assertThat(poolWarnings).as("Hikari warnings on the threads that borrowed for LiveSync")
                    .extracting(e -> e.getThreadName() + ": " + e.getFormattedMessage()).isEmpty();
            List<ILoggingEvent> logged = liveSyncLog.events();
            int lastDownReport = -1; // the reader's last report of the stream being down: it streams after it
            for (int i = 0; i < logged.size(); i++) {
                if (logged.get(i).getThreadName().startsWith("livesync-reader")
                        && logged.get(i).getLevel().isGreaterOrEqual(Level.WARN)) {
                    lastDownReport = i;
                }
            }
            assertThat(lastDownReport).as("the reader reported the broken stream").isNotNegative();
            assertThat(logged.subList(lastDownReport + 1, logged.size())).as("LiveSync's warnings once the stream was back")
                    .filteredOn(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .extracting(e -> e.getThreadName() + ": " + e.getFormattedMessage()).isEmpty();
        }
    }

    /** Restarts the test's own Debian cluster ({@code version/name}) and waits for pg_ctlcluster to return. */
    private static void restart(String cluster) throws Exception {
        String[] versionAndName = cluster.split("/");
        Process restart = new ProcessBuilder("pg_ctlcluster", versionAndName[0], versionAndName[1], "restart")
                .redirectErrorStream(true).start();
        String output = new String(restart.getInputStream().readAllBytes());
        assertThat(restart.waitFor()).as("pg_ctlcluster restart: %s", output).isZero();
    }

    /** Awaits {@code condition}, running the UI's queue (Karibu's test thread holds the session) meanwhile. */
    private static void awaitUi(String what, BooleanSupplier condition) {
        await(what).atMost(WAIT).pollInSameThread().pollInterval(Duration.ofMillis(20)).until(() -> {
            MockVaadin.runUIQueue();
            return condition.getAsBoolean();
        });
    }

    /** An organization's tasks, loaded through the application's EntityManagerFactory (its pool). */
    static final class TaskView extends LiveSyncView<Long, VerticalLayout> {
        private final WatchedList<SpringTask> tasks;

        TaskView(LiveSync liveSync, Long organization, EntityManagerFactory entityManagerFactory) {
            super(liveSync, organization);
            tasks = watchList(SpringTask.class, value -> {
                try (EntityManager em = entityManagerFactory.createEntityManager()) {
                    return em.createQuery("from SpringTask where organizationId = :org order by id", SpringTask.class)
                            .setParameter("org", value).getResultList();
                }
            });
        }

        List<String> titles() {
            return tasks.items().stream().map(task -> task.title).toList();
        }
    }
}
