package org.vaadin.addons.livesync.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.DisposableBean;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.orm.jpa.EntityManagerFactoryUtils;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.vaadin.addons.livesync.CaptureSettings;
import org.vaadin.addons.livesync.CaptureState;
import org.vaadin.addons.livesync.EntityEvent;
import org.vaadin.addons.livesync.PreflightProblem;
import org.vaadin.addons.livesync.DeliverySettings;
import org.vaadin.addons.livesync.LiveSync;
import org.vaadin.addons.livesync.LiveSyncMeterBinder;
import org.vaadin.addons.livesync.TransactionRunner;
import org.vaadin.addons.livesync.testdb.LogCapture;
import org.vaadin.addons.livesync.testdb.TestDatabase;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.server.ServiceInitEvent;
import com.vaadin.flow.server.VaadinService;
import com.vaadin.flow.server.VaadinServiceInitListener;
import com.vaadin.flow.shared.Registration;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import jakarta.persistence.EntityManagerFactory;

@Timeout(120)
class LiveSyncAutoConfigurationTest {

    @RegisterExtension
    static final SpringTestApp APP = SpringTestApp.create("spring");
    private static final TestDatabase DB = APP.db();
    private static final String SCHEMA = APP.schema();
    private static final String PUBLICATION = APP.publication();
    private static final String ROLE = TestDatabase.uniqueName("nobeat");
    private static final String EMIT_MESSAGE = "pg_logical_emit_message(boolean, text, text)";

    /** A Spring Boot application with JPA on the test database, its entities in this package. */
    private final ApplicationContextRunner runner = APP.runner();

    @AfterEach
    void tearDownVaadin() {
        MockVaadin.tearDown();
    }

    @Test
    void readsTheDatasourceDatabaseByDefault() {
        runner.run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(LiveSync.class).hasSingleBean(LiveSyncLifecycle.class);
            CaptureSettings settings = org.vaadin.addons.livesync.TestAccess.pipeline(context.getBean(LiveSync.class)).listener().settings();
            assertThat(settings.jdbcUrl()).isEqualTo(DB.jdbcUrl());
            assertThat(settings.user()).isEqualTo(DB.user());
            assertThat(settings.publication()).isEqualTo(PUBLICATION);
            assertThat(settings.temporarySlot()).isTrue();
            assertThat(settings.slotName()).startsWith("livesync_");
            assertThat(settings.statusInterval()).isEqualTo(Duration.ofSeconds(10));
            assertThat(context.getBean(LiveSyncProperties.class).getDelivery().getMaxPending()).isEqualTo(DeliverySettings.DEFAULT_MAX_PENDING);
            assertThat(org.vaadin.addons.livesync.TestAccess.pipeline(context.getBean(LiveSync.class)).registry().tables()).containsExactly(SCHEMA + ".spring_task");
        });
    }

    @Test
    void livesyncPropertiesBindAndOverrideTheDatasource() {
        runner.withPropertyValues(
                "livesync.url=jdbc:postgresql://127.0.0.1:1/elsewhere",
                "livesync.username=replicator",
                "livesync.password=secret",
                "livesync.publication=other_pub",
                "livesync.slot.name=node_one",
                "livesync.slot.temporary=false",
                "livesync.status-interval=3s",
                "livesync.delivery.max-pending=25").run(context -> {
            assertThat(context).hasNotFailed();
            CaptureSettings settings = org.vaadin.addons.livesync.TestAccess.pipeline(context.getBean(LiveSync.class)).listener().settings();
            assertThat(settings.jdbcUrl()).isEqualTo("jdbc:postgresql://127.0.0.1:1/elsewhere");
            assertThat(settings.user()).isEqualTo("replicator");
            assertThat(settings.publication()).isEqualTo("other_pub");
            assertThat(settings.slotName()).isEqualTo("node_one");
            assertThat(settings.temporarySlot()).isFalse();
            assertThat(settings.statusInterval()).isEqualTo(Duration.ofSeconds(3));
            LiveSyncProperties properties = context.getBean(LiveSyncProperties.class);
            assertThat(properties.getPassword()).isEqualTo("secret");
            assertThat(properties.getDelivery().getMaxPending()).isEqualTo(25);
        });
    }

    @Test
    void publicationDefaultIsLivesync() {
        assertThat(new LiveSyncProperties().getPublication())
                .isEqualTo(org.vaadin.addons.livesync.PublicationSetup.DEFAULT_PUBLICATION);
    }

    @Test
    void nothingIsCreatedWhenDisabled() {
        runner.withPropertyValues("livesync.enabled=false").run(context -> {
            assertThat(context).hasNotFailed()
                    .doesNotHaveBean(LiveSync.class)
                    .doesNotHaveBean(LiveSyncLifecycle.class)
                    .doesNotHaveBean(VaadinServiceInitListener.class);
        });
    }

    @Test
    void nothingIsCreatedWithoutAnEntityManagerFactory() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(LiveSyncAutoConfiguration.class))
                .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(LiveSync.class));
    }

    @Test
    void lifecycleStartsTheListenerWithTheContextAndStopsItWithIt() throws Exception {
        LiveSync[] started = new LiveSync[1];
        runner.run(context -> {
            LiveSync liveSync = context.getBean(LiveSync.class);
            started[0] = liveSync;
            await().atMost(Duration.ofSeconds(30)).until(() -> liveSync.liveState().isLive());
            Health health = context.getBean("livesyncHealthIndicator", HealthIndicator.class).health(true);
            assertThat(health.getStatus()).isEqualTo(Status.UP);
            assertThat(health.getDetails()).containsEntry("state", "STREAMING")
                    .containsEntry("publication", PUBLICATION);
        });
        assertThat(org.vaadin.addons.livesync.TestAccess.pipeline(started[0]).listener().state()).isEqualTo(CaptureState.STOPPED);
        // the server drops a temporary slot when its walsender has exited, a moment after the close
        await().atMost(Duration.ofSeconds(30))
                .until(() -> slotsNamed(org.vaadin.addons.livesync.TestAccess.pipeline(started[0]).listener().settings().slotName()) == 0);
    }

    @Test
    void twoApplicationInstancesWithTheSamePropertiesStreamThroughSlotsOfTheirOwn() {
        runner.run(first -> runner.run(second -> {
            LiveSync one = first.getBean(LiveSync.class);
            LiveSync other = second.getBean(LiveSync.class);
            await().atMost(Duration.ofSeconds(30)).until(() -> one.liveState().isLive() && other.liveState().isLive());
            assertThat(one.settings().slotName()).startsWith("livesync_").isNotEqualTo(other.settings().slotName());
            assertThat(slotsNamed(one.settings().slotName())).isEqualTo(1);
            assertThat(slotsNamed(other.settings().slotName())).isEqualTo(1);
        }));
    }

    @Test
    void stoppingTwiceIsHarmless() {
        runner.run(context -> {
            LiveSyncLifecycle lifecycle = context.getBean(LiveSyncLifecycle.class);
            assertThat(lifecycle.isRunning()).isTrue();
            lifecycle.stop();
            lifecycle.stop();
            assertThat(lifecycle.isRunning()).isFalse();
            assertThat(org.vaadin.addons.livesync.TestAccess.pipeline(context.getBean(LiveSync.class)).listener().state()).isEqualTo(CaptureState.STOPPED);
            lifecycle.start();
            assertThat(lifecycle.isRunning()).isFalse();
        });
    }

    @Test
    void applicationStartsWhenTheDatabaseIsNotReady() {
        runner.withPropertyValues("livesync.url=jdbc:postgresql://127.0.0.1:1/nowhere").run(context -> {
            assertThat(context).hasNotFailed();
            LiveSync liveSync = context.getBean(LiveSync.class);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> liveSync.liveState().status() == CaptureState.NOT_READY);
            assertThat(liveSync.liveState().problems()).extracting(PreflightProblem::kind)
                    .containsExactly(PreflightProblem.Kind.DATABASE_UNREACHABLE);
            Health health = context.getBean("livesyncHealthIndicator", HealthIndicator.class).health(true);
            assertThat(health.getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.getDetails()).containsKey("problems");
        });
    }

    @Test
    void healthIndicatorCanBeTurnedOff() {
        runner.withPropertyValues("management.health.livesync.enabled=false")
                .run(context -> assertThat(context).hasSingleBean(LiveSync.class)
                        .doesNotHaveBean("livesyncHealthIndicator"));
    }

    @Test
    void vaadinServiceInitListenerInstallsTheInstanceForViews() {
        MockVaadin.setup();
        runner.withPropertyValues("livesync.url=jdbc:postgresql://127.0.0.1:1/nowhere").run(context -> {
            VaadinServiceInitListener listener = context.getBean(VaadinServiceInitListener.class);
            listener.serviceInit(new ServiceInitEvent(VaadinService.getCurrent()));
            assertThat(VaadinService.getCurrent().getContext().getAttribute(LiveSync.class))
                    .isSameAs(context.getBean(LiveSync.class));
            assertThat(LiveSync.current()).isSameAs(context.getBean(LiveSync.class));
        });
    }

    @Test
    void formSavesRunOnTheApplicationsTransactionManager() {
        runner.withPropertyValues("livesync.url=jdbc:postgresql://127.0.0.1:1/nowhere").run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(TransactionRunner.class);
            TransactionRunner installed = org.vaadin.addons.livesync.TestAccess.pipeline(context.getBean(LiveSync.class)).saveGuard().transactions();
            assertThat(installed).isSameAs(context.getBean(TransactionRunner.class))
                    .isInstanceOf(SpringTransactionRunner.class);
            PlatformTransactionManager transactionManager = context.getBean(PlatformTransactionManager.class);
            EntityManagerFactory entityManagerFactory = context.getBean(EntityManagerFactory.class);
            List<Boolean> joined = new ArrayList<>();
            installed.inTransaction(entityManager -> {
                // what a repository or @Transactional code called by the saver would find
                new TransactionTemplate(transactionManager).executeWithoutResult(status -> joined.add(
                        !status.isNewTransaction() && entityManager
                                == EntityManagerFactoryUtils.getTransactionalEntityManager(entityManagerFactory)));
            });
            assertThat(joined).containsExactly(true);
        });
    }

    @Test
    void passwordInTheJdbcUrlAppearsInNoProblemSettingsLogLineOrHealthDetail() {
        String url = "jdbc:postgresql://127.0.0.1:1/nowhere?user=app&password=secret&sslpassword=secret&ssl=false";
        try (LogCapture log = LogCapture.start("org.vaadin.addons.livesync")) {
            runner.withPropertyValues("livesync.url=" + url).run(context -> {
                assertThat(context).hasNotFailed();
                LiveSync liveSync = context.getBean(LiveSync.class);
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> liveSync.liveState().status() == CaptureState.NOT_READY);
                Health health = context.getBean("livesyncHealthIndicator", HealthIndicator.class).health(true);

                assertThat(liveSync.liveState().problems()).singleElement().satisfies(p -> {
                    assertThat(p.kind()).isEqualTo(PreflightProblem.Kind.DATABASE_UNREACHABLE);
                    assertThat(p.message()).contains("127.0.0.1:1/nowhere").doesNotContain("secret");
                });
                assertThat(health.getDetails()).containsKey("problems");
                assertThat(health.getDetails().toString()).doesNotContain("secret");
                assertThat(liveSync.settings().toString()).doesNotContain("secret");
                assertThat(org.vaadin.addons.livesync.TestAccess.pipeline(liveSync).listener().toString()).doesNotContain("secret");
                LiveSyncProperties properties = context.getBean(LiveSyncProperties.class);
                assertThat(DatabaseLogin.of(properties, new DefaultListableBeanFactory()).toString())
                        .contains("nowhere").doesNotContain("secret");
            });
            assertThat(log.lines()).isNotEmpty().noneMatch(line -> line.contains("secret"));
        }
    }

    @Test
    void permanentSlotWithoutASlotNameFailsTheContextNamingTheProperty() {
        runner.withPropertyValues("livesync.slot.temporary=false").run(context -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause().hasMessageContaining("livesync.slot.name");
        });
    }

    @Test
    void anApplicationsOwnTransactionRunnerIsTheOneFormSavesUse() {
        TransactionRunner own = work -> {
            throw new UnsupportedOperationException("not used here");
        };
        runner.withPropertyValues("livesync.url=jdbc:postgresql://127.0.0.1:1/nowhere")
                .withBean(TransactionRunner.class, () -> own)
                .run(context -> assertThat(org.vaadin.addons.livesync.TestAccess.pipeline(context.getBean(LiveSync.class)).saveGuard().transactions()).isSameAs(own));
    }

    @Test
    void failingHeartbeatShowsInTheHealthWhileItStaysUp() {
        DB.execute("CREATE ROLE " + ROLE + " LOGIN REPLICATION NOSUPERUSER PASSWORD 'secret'",
                "REVOKE EXECUTE ON FUNCTION " + EMIT_MESSAGE + " FROM PUBLIC");
        try {
            runner.withUserConfiguration(FastHeartbeatWithoutExecute.class).run(context -> {
                assertThat(context).hasNotFailed();
                LiveSync liveSync = context.getBean(LiveSync.class);
                HealthIndicator indicator = context.getBean("livesyncHealthIndicator", HealthIndicator.class);
                await().atMost(Duration.ofSeconds(30)).until(() -> indicator.health(true).getDetails().containsKey("warnings"));
                Health health = indicator.health(true);
                assertThat(health.getStatus()).isEqualTo(Status.UP);
                assertThat(health.getDetails().get("warnings").toString()).contains("stall detection is off");

                DB.execute("GRANT EXECUTE ON FUNCTION " + EMIT_MESSAGE + " TO " + ROLE);
                await().atMost(Duration.ofSeconds(30)).until(() -> liveSync.liveState().warnings().isEmpty());
                assertThat(indicator.health(true).getDetails()).doesNotContainKey("warnings");
            });
        } finally {
            DB.execute("GRANT EXECUTE ON FUNCTION " + EMIT_MESSAGE + " TO PUBLIC",
                    "REVOKE EXECUTE ON FUNCTION " + EMIT_MESSAGE + " FROM " + ROLE, "DROP ROLE " + ROLE);
        }
    }

    @Test
    void healthShowsStateLagAndLastCommitButNeitherPasswordNorUrl() {
        String role = TestDatabase.uniqueName("health");
        String password = "pw-" + java.util.UUID.randomUUID();
        DB.execute("CREATE ROLE " + role + " LOGIN REPLICATION NOSUPERUSER PASSWORD '" + password + "'");
        try {
            runner.withPropertyValues("livesync.url=" + DB.jdbcUrl(), "livesync.username=" + role,
                    "livesync.password=" + password).run(context -> {
                assertThat(context).hasNotFailed();
                LiveSync liveSync = context.getBean(LiveSync.class);
                await().atMost(Duration.ofSeconds(30)).until(() -> liveSync.liveState().isLive());
                DB.execute("INSERT INTO " + SCHEMA + ".spring_task VALUES (601, 7, 'seen by the health')");
                HealthIndicator indicator = context.getBean("livesyncHealthIndicator", HealthIndicator.class);
                await().atMost(Duration.ofSeconds(30))
                        .until(() -> indicator.health(true).getDetails().containsKey("lastCommitLsn"));

                Health health = indicator.health(true);
                System.out.println("health: " + health);
                assertThat(health.getStatus()).isEqualTo(Status.UP);
                assertThat(health.getDetails()).containsEntry("state", "STREAMING")
                        .containsKeys("lagBytes", "lag", "lastCommitTime", "lastCommitLsn", "uis", "views")
                        .doesNotContainKeys("problems", "url", "user", "password");
                assertThat(health.getDetails().get("lastCommitLsn").toString()).matches("[0-9A-F]+/[0-9A-F]+");
                assertThat(health.toString()).doesNotContain(password).doesNotContain(role)
                        .doesNotContain(DB.jdbcUrl());
            });
        } finally {
            DB.execute("DROP ROLE " + role);
        }
    }

    @Test
    void withMicrometerTheMeterBinderIsABeanThatBindsTheLivesyncMeters() {
        runner.withPropertyValues("livesync.url=jdbc:postgresql://127.0.0.1:1/nowhere").run(context -> {
            assertThat(context).hasNotFailed().hasSingleBean(LiveSyncMeterBinder.class);
            MeterRegistry registry = new SimpleMeterRegistry();
            context.getBean(LiveSyncMeterBinder.class).bindTo(registry);
            assertThat(registry.get("livesync.streaming").gauge().value()).isZero();
            assertThat(registry.get("livesync.reloads").tag("cause", "gap").functionCounter().count()).isZero();
        });
    }

    @Test
    void withoutMicrometerTheApplicationStartsWithNoMeterBinder() {
        runner.withClassLoader(new FilteredClassLoader("io.micrometer"))
                .withPropertyValues("livesync.url=jdbc:postgresql://127.0.0.1:1/nowhere")
                .run(context -> assertThat(context).hasNotFailed().hasSingleBean(LiveSync.class)
                        .doesNotHaveBean("liveSyncMeterBinder"));
    }

    @Test
    void entityEventsReachEventListenerMethodsByTheirGenericTypeAndTheListenersOfASpringBean() {
        runner.withPropertyValues("livesync.events.publish-application-events=true", "livesync.events.with-entity=true")
                .withUserConfiguration(TaskEvents.class).run(context -> {
                    assertThat(context).hasNotFailed().hasSingleBean(EntityEventPublisher.class);
                    LiveSync liveSync = context.getBean(LiveSync.class);
                    await().atMost(Duration.ofSeconds(30)).until(() -> liveSync.liveState().isLive());
                    TaskEvents events = context.getBean(TaskEvents.class);

                    DB.execute("INSERT INTO " + SCHEMA + ".spring_task VALUES (501, 7, 'mine'), (502, 8, 'theirs')",
                            "UPDATE " + SCHEMA + ".spring_task SET title = 'mine, changed' WHERE id = 501",
                            "DELETE FROM " + SCHEMA + ".spring_task WHERE id = 502",
                            "INSERT INTO " + SCHEMA + ".spring_task VALUES (503, 7, 'end')");

                    await().atMost(Duration.ofSeconds(30)).until(() -> events.published.size() == 5
                            && events.ofOrganization7.size() == 3 && events.thrownOn.size() == 5);
                    assertThat(events.published).extracting(e -> e.changeType() + " " + e.id())
                            .containsExactly("INSERTED 501", "INSERTED 502", "UPDATED 501", "DELETED 502", "INSERTED 503");
                    // the entity is the row as it is when loaded (a later write may be in it already)
                    assertThat(events.published.get(2).entity()).get().extracting(task -> task.title)
                            .isEqualTo("mine, changed");
                    assertThat(events.published.get(3).entity()).isEmpty();
                    assertThat(events.published.get(4).entity()).get().extracting(task -> task.title).isEqualTo("end");
                    assertThat(events.of501).extracting(e -> e.changeType().name()).containsExactly("INSERTED", "UPDATED");
                    // the delete carries no key under REPLICA IDENTITY DEFAULT, but the stream gave row 502
                    // to organization 8 when it was inserted: organization 7 never hears of it
                    assertThat(events.ofOrganization7).extracting(e -> e.changeType() + " " + e.id())
                            .containsExactly("INSERTED 501", "UPDATED 501", "INSERTED 503");
                    assertThat(events.thrownOn).containsExactly(501L, 502L, 501L, 502L, 503L);
                    assertThat(events.items).isEmpty(); // an EntityEvent<Item> listener: not of this type
                    assertThat(liveSync.metrics().entityListeners()).isEqualTo(4); // the publisher and the bean's three
                });
    }

    @Test
    void noApplicationEventsArePublishedUnlessAskedFor() {
        runner.withPropertyValues("livesync.url=jdbc:postgresql://127.0.0.1:1/nowhere").run(context -> {
            assertThat(context).hasNotFailed().doesNotHaveBean(EntityEventPublisher.class);
            assertThat(context.getBean(LiveSync.class).metrics().entityListeners()).isZero();
            assertThat(context.getBean(LiveSyncProperties.class).getEvents().getQueueSize())
                    .isEqualTo(org.vaadin.addons.livesync.EntityEvents.DEFAULT_QUEUE_SIZE);
        });
    }

    /**
     * A Spring bean that receives task events as application events ({@code @EventListener}) and
     * through listeners of its own: one id, one organization, and one that always throws.
     */
    @Component
    static class TaskEvents implements DisposableBean {
        final List<EntityEvent<SpringTask>> published = new CopyOnWriteArrayList<>();
        final List<EntityEvent<org.vaadin.addons.livesync.Item>> items = new CopyOnWriteArrayList<>();
        final List<EntityEvent<SpringTask>> of501 = new CopyOnWriteArrayList<>();
        final List<EntityEvent<SpringTask>> ofOrganization7 = new CopyOnWriteArrayList<>();
        final List<Object> thrownOn = new CopyOnWriteArrayList<>();
        private final List<Registration> registrations = new ArrayList<>();

        TaskEvents(LiveSync liveSync) {
            registrations.add(liveSync.events(SpringTask.class).listen(event -> {
                thrownOn.add(event.id());
                throw new IllegalStateException("a listener with a bug");
            }));
            registrations.add(liveSync.events(SpringTask.class).forId(501L).listen(of501::add));
            registrations.add(liveSync.events(SpringTask.class).forSubscriptionValue(7L).listen(ofOrganization7::add));
        }

        @EventListener
        void on(EntityEvent<SpringTask> event) {
            published.add(event);
        }

        @EventListener
        void onItem(EntityEvent<org.vaadin.addons.livesync.Item> event) {
            items.add(event);
        }

        @Override
        public void destroy() {
            registrations.forEach(Registration::remove);
        }
    }

    /** LiveSync as a role that may not write heartbeats, with a short heartbeat interval. */
    @Configuration(proxyBeanMethods = false)
    static class FastHeartbeatWithoutExecute {
        @Bean
        LiveSync liveSync(EntityManagerFactory entityManagerFactory) {
            return LiveSync.create(entityManagerFactory, CaptureSettings.forDatabase(DB.jdbcUrl(), ROLE, "secret")
                    .withPublication(PUBLICATION).withHeartbeatInterval(Duration.ofMillis(200)));
        }
    }

    private static int slotsNamed(String slot) throws Exception {
        try (var c = DB.connect(); var s = c.prepareStatement("SELECT count(*)::int FROM pg_replication_slots WHERE slot_name = ?")) {
            s.setString(1, slot);
            try (var rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
