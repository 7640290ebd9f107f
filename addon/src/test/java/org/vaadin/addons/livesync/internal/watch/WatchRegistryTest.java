package org.vaadin.addons.livesync.internal.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.sql.Connection;
import java.util.List;
import java.util.Map;

import jakarta.persistence.EntityManagerFactory;

import org.hibernate.Hibernate;
import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vaadin.addons.livesync.testdb.TestDatabase;
import org.vaadin.addons.livesync.internal.watch.WatchTestEntities.Badge;
import org.vaadin.addons.livesync.internal.watch.WatchTestEntities.Note;
import org.vaadin.addons.livesync.internal.watch.WatchTestEntities.Organization;
import org.vaadin.addons.livesync.internal.watch.WatchTestEntities.Task;
import org.vaadin.addons.livesync.internal.watch.WatchTestEntities.TaskSummary;
import org.vaadin.addons.livesync.internal.watch.WatchTestEntities.VisibleTask;

/** Discovery and resolution of watched entities in a Spring-style (snake_case) persistence unit. */
class WatchRegistryTest {

    private static final String SCHEMA = TestDatabase.uniqueName("watch_registry");

    private static SessionFactory sessionFactory;
    private static WatchRegistry registry;

    @BeforeAll
    static void createSchemaAndRegistry() {
        TestDatabase.get().execute(
                "create schema " + SCHEMA,
                "create table " + SCHEMA + ".organization (id bigint primary key, name text)",
                "create table " + SCHEMA + ".task (id bigint primary key, organization_id bigint, title text)",
                "create table " + SCHEMA + ".note (id bigint primary key,"
                        + " organization_id bigint references " + SCHEMA + ".organization, text text)",
                "create table " + SCHEMA + ".badge (id bigint primary key,"
                        + " code text not null constraint badge_code_key unique, organization_id bigint)",
                "alter table " + SCHEMA + ".badge replica identity using index badge_code_key",
                "create view " + SCHEMA + ".visible_tasks as select id, organization_id, title from " + SCHEMA
                        + ".task");
        sessionFactory = HibernateFactories.online(Map.of("hibernate.default_schema", SCHEMA,
                        "hibernate.physical_naming_strategy", HibernateFactories.SNAKE_CASE),
                Organization.class, Task.class, Note.class, Badge.class, VisibleTask.class, TaskSummary.class);
        registry = WatchRegistry.of(sessionFactory);
    }

    @AfterAll
    static void dropSchema() {
        if (sessionFactory != null) {
            sessionFactory.close();
        }
        TestDatabase.get().execute("drop schema if exists " + SCHEMA + " cascade");
    }

    @Test
    void findsEveryWatchedEntityThroughTheMetamodelWithoutListing() {
        assertThat(types(registry)).containsExactly(Badge.class, Note.class, Task.class, TaskSummary.class, VisibleTask.class);
        assertThat(registry.isEmpty()).isFalse();
        assertThat(registry.find(Task.class)).isPresent();
        assertThat(registry.find(Organization.class)).as("not annotated").isEmpty();
    }

    @Test
    void defaultIdIsTheEntitysIdAttribute() {
        WatchedEntity<Task> task = registry.find(Task.class).orElseThrow();

        assertThat(task.entityName()).isEqualTo("Task");
        assertThat(task.schema()).isEqualTo(SCHEMA);
        assertThat(task.table()).isEqualTo("task");
        assertThat(task.qualifiedTable()).isEqualTo(SCHEMA + ".task");
        assertThat(task.idAttribute()).isEqualTo("id");
        assertThat(task.idColumn()).isEqualTo("id");
        assertThat(task.idType()).isEqualTo(Long.class);
    }

    @Test
    void explicitIdNamesAnotherAttribute() {
        WatchedEntity<Badge> badge = registry.find(Badge.class).orElseThrow();

        assertThat(badge.idAttribute()).isEqualTo("code");
        assertThat(badge.idColumn()).isEqualTo("code");
        assertThat(badge.idType()).isEqualTo(String.class);
        assertThat(badge.idOf(new Badge(1L, "gold", 2L))).isEqualTo("gold");
    }

    @Test
    void basicKeyIsItsColumnAfterTheNamingStrategy() {
        WatchedEntity<Task> task = registry.find(Task.class).orElseThrow();

        assertThat(task.keyAttribute()).isEqualTo("organizationId");
        assertThat(task.keyColumn()).isEqualTo("organization_id");
        assertThat(task.keyType()).isEqualTo(Long.class);
        assertThat(task.idOf(new Task(7L, 2L, "T"))).isEqualTo(7L);
        assertThat(task.keyOf(new Task(7L, 2L, "T"))).isEqualTo(2L);
        assertThat(task.keyOf(new Task(7L, null, "T"))).isNull();
    }

    @Test
    void toOneKeyIsItsForeignKeyColumnWithTheTargetsIdType() {
        WatchedEntity<Note> note = registry.find(Note.class).orElseThrow();

        assertThat(note.keyAttribute()).isEqualTo("organization");
        assertThat(note.keyColumn()).isEqualTo("organization_id");
        assertThat(note.keyType()).isEqualTo(Long.class);
        assertThat(note.keyOf(new Note(1L, new Organization(3L, "Initech"), "Hi"))).isEqualTo(3L);
        assertThat(note.keyOf(new Note(1L, null, "Hi"))).isNull();
    }

    @Test
    void toOneKeyOfALoadedEntityIsTheTargetsIdWithoutLoadingTheTarget() {
        sessionFactory.inTransaction(session -> {
            Organization acme = new Organization(1L, "Acme");
            session.persist(acme);
            session.persist(new Note(10L, acme, "Hello"));
        });
        WatchedEntity<Note> watched = registry.find(Note.class).orElseThrow();

        sessionFactory.inSession(session -> {
            Note note = session.find(Note.class, 10L);
            assertThat(watched.keyOf(note)).isEqualTo(1L);
            assertThat(watched.idOf(note)).isEqualTo(10L);
            assertThat(Hibernate.isInitialized(note.organization)).isFalse();
        });
    }

    @Test
    void entityOnAViewFollowsTheTableItNames() {
        WatchedEntity<VisibleTask> visible = registry.find(VisibleTask.class).orElseThrow();
        WatchedEntity<TaskSummary> summary = registry.find(TaskSummary.class).orElseThrow();

        assertThat(visible.qualifiedTable()).isEqualTo(SCHEMA + ".task");
        assertThat(visible.keyColumn()).isEqualTo("organization_id");
        assertThat(summary.qualifiedTable()).isEqualTo(SCHEMA + ".task");
    }

    @Test
    void tablesListEachWatchedTableOnce() {
        assertThat(registry.tables()).containsExactlyInAnyOrder(SCHEMA + ".badge", SCHEMA + ".note", SCHEMA + ".task");
    }

    @Test
    void validatePassesWhenEveryTableAndColumnExists() throws Exception {
        try (Connection connection = TestDatabase.get().connect()) {
            assertThatCode(() -> registry.validate(connection)).doesNotThrowAnyException();
        }
    }

    @Test
    void entityManagerFactoryIsAcceptedToo() {
        WatchRegistry viaJpa = WatchRegistry.of((EntityManagerFactory) sessionFactory);

        assertThat(types(viaJpa)).isEqualTo(types(registry));
    }

    private static List<Class<?>> types(WatchRegistry registry) {
        return registry.entities().stream().<Class<?>>map(WatchedEntity::type).toList();
    }
}
