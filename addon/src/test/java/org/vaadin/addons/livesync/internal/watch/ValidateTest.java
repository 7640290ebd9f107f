package org.vaadin.addons.livesync.internal.watch;

import org.vaadin.addons.livesync.WatchConfigurationException;
import org.vaadin.addons.livesync.Watched;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.sql.Connection;
import java.util.Map;
import java.util.Optional;

import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vaadin.addons.livesync.testdb.TestDatabase;
import org.vaadin.addons.livesync.internal.watch.WatchTestEntities.Badge;
import org.vaadin.addons.livesync.internal.watch.WatchTestEntities.Gadget;
import org.vaadin.addons.livesync.internal.watch.WatchTestEntities.OpenTask;
import org.vaadin.addons.livesync.internal.watch.WatchTestEntities.Task;
import org.vaadin.addons.livesync.internal.watch.WatchTestEntities.VisibleTask;

/** {@link WatchRegistry#validate(Connection)} against the live catalog. */
class ValidateTest {

    private static final String SCHEMA = TestDatabase.uniqueName("watch_validate");

    @BeforeAll
    static void createSchema() {
        TestDatabase.get().execute(
                "create schema " + SCHEMA,
                "create table " + SCHEMA + ".task (id bigint primary key, organization_id bigint, title text)",
                "create view " + SCHEMA + ".visible_tasks as select id, organization_id, title from " + SCHEMA
                        + ".task",
                "create view " + SCHEMA + ".open_tasks as select id, organization_id from " + SCHEMA + ".task",
                "create table " + SCHEMA + ".badge (id bigint primary key, label text)");
    }

    @AfterAll
    static void dropSchema() {
        TestDatabase.get().execute("drop schema if exists " + SCHEMA + " cascade");
    }

    @Test
    void entityOnAViewValidatesWhenItNamesItsBaseTable() {
        assertThat(validationFailureOf(VisibleTask.class)).isNull();
    }

    @Test
    void entityOnAViewWithoutTableFailsWithAMessageSayingWhatToSet() {
        String message = validationFailureOf(OpenTask.class);

        assertThat(message).contains("Entity " + OpenTask.class.getName() + " maps the view " + SCHEMA
                + ".open_tasks; set @Watched(table = \"<base table>\")");
    }

    @Test
    void everyProblemIsReportedInOneException() {
        String message = validationFailureOf(OpenTask.class, Badge.class, Task.class);

        assertThat(message).contains(OpenTask.class.getName() + " maps the view",
                        "Entity " + Badge.class.getName() + ": table " + SCHEMA + ".badge has no column code for the id"
                                + " attribute \"code\"",
                        "Entity " + Badge.class.getName() + ": table " + SCHEMA + ".badge has no column organization_id")
                .doesNotContain(Task.class.getName() + ":");
    }

    @Test
    void idColumnOutsideTheReplicaIdentityIsReportedUntilTheIdentityIsFull() {
        TestDatabase.get().execute("create table " + SCHEMA + ".gadget (id bigint primary key, code text,"
                + " organization_id bigint)");

        assertThat(validationFailureOf(Gadget.class)).contains("Entity " + Gadget.class.getName()
                + ": a DELETE from " + SCHEMA + ".gadget would not carry the id column code",
                "REPLICA IDENTITY FULL");
        TestDatabase.get().execute("alter table " + SCHEMA + ".gadget replica identity full");
        assertThat(validationFailureOf(Gadget.class)).isNull();
    }

    @Test
    void missingTableIsReported() {
        TestDatabase.get().execute("create schema " + SCHEMA + "_empty");
        try {
            String message = validationFailureOf(SCHEMA + "_empty", Task.class);
            assertThat(message).contains("Entity " + Task.class.getName() + ": table " + SCHEMA
                    + "_empty.task does not exist");
        } finally {
            TestDatabase.get().execute("drop schema " + SCHEMA + "_empty cascade");
        }
    }

    @Test
    void theWalCarriesTheOldKeyUnderAFullIdentityOrAnIdentityIndexWithTheKeyColumn() {
        String task = SCHEMA + ".task";
        try {
            assertThat(carriesOldKey(SCHEMA, Task.class)).as("DEFAULT, the key outside the primary key").contains(false);
            TestDatabase.get().execute("create unique index task_id_org on " + task + " (id, organization_id)",
                    "alter table " + task + " alter column organization_id set not null",
                    "alter table " + task + " replica identity using index task_id_org");
            assertThat(carriesOldKey(SCHEMA, Task.class)).as("an identity index with the key").contains(true);
            TestDatabase.get().execute("alter table " + task + " replica identity full");
            assertThat(carriesOldKey(SCHEMA, Task.class)).as("FULL").contains(true);
            assertThat(carriesOldKey(SCHEMA + "_none", Task.class)).as("no such table").isEmpty();
        } finally {
            TestDatabase.get().execute("alter table " + task + " replica identity default",
                    "drop index if exists " + SCHEMA + ".task_id_org",
                    "alter table " + task + " alter column organization_id drop not null");
        }
    }

    private static Optional<Boolean> carriesOldKey(String schema, Class<?> entity) {
        try (SessionFactory sessionFactory = HibernateFactories.online(Map.of("hibernate.default_schema", schema,
                "hibernate.physical_naming_strategy", HibernateFactories.SNAKE_CASE), entity);
             Connection connection = TestDatabase.get().connect()) {
            WatchRegistry registry = WatchRegistry.of(sessionFactory);
            return registry.carriesOldKey(connection, registry.entities().get(0));
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The message of the exception validate throws, or {@code null} when it passes. */
    private static String validationFailureOf(Class<?>... entities) {
        return validationFailureOf(SCHEMA, entities);
    }

    private static String validationFailureOf(String schema, Class<?>... entities) {
        try (SessionFactory sessionFactory = HibernateFactories.online(Map.of("hibernate.default_schema", schema,
                "hibernate.physical_naming_strategy", HibernateFactories.SNAKE_CASE), entities);
             Connection connection = TestDatabase.get().connect()) {
            WatchRegistry registry = WatchRegistry.of(sessionFactory);
            WatchConfigurationException failure = catchThrowableOfType(WatchConfigurationException.class,
                    () -> registry.validate(connection));
            if (failure == null) {
                assertThatCode(() -> registry.validate(connection)).doesNotThrowAnyException();
                return null;
            }
            return failure.getMessage();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
