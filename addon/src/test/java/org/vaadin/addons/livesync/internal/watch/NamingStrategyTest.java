package org.vaadin.addons.livesync.internal.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.sql.Connection;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vaadin.addons.livesync.testdb.TestDatabase;
import org.vaadin.addons.livesync.internal.watch.WatchTestEntities.ProjectMember;
import org.vaadin.addons.livesync.internal.watch.WatchTestEntities.QuotedThing;

/**
 * Names come from Hibernate's mapping, folded as PostgreSQL stores them: Hibernate creates the
 * tables ({@code hbm2ddl}) and {@link WatchRegistry#validate(Connection)} finds what it resolved.
 */
class NamingStrategyTest {

    private static final String SCHEMA = TestDatabase.uniqueName("watch_naming");

    @BeforeAll
    static void createSchema() {
        TestDatabase.get().execute("create schema " + SCHEMA);
    }

    @AfterAll
    static void dropSchema() {
        TestDatabase.get().execute("drop schema if exists " + SCHEMA + " cascade");
    }

    @Test
    void hibernatesDefaultNamingKeepsCamelCaseWhichPostgresFoldsToLowerCase() {
        withRegistry(Map.of(), ProjectMember.class, member -> {
            assertThat(member.table()).isEqualTo("projectmember");
            assertThat(member.idColumn()).isEqualTo("memberid");
            assertThat(member.keyColumn()).isEqualTo("teamid");
        });
    }

    @Test
    void springBootSnakeCaseNamingIsHonoured() {
        withRegistry(Map.of("hibernate.physical_naming_strategy", HibernateFactories.SNAKE_CASE), ProjectMember.class,
                member -> {
                    assertThat(member.table()).isEqualTo("project_member");
                    assertThat(member.idColumn()).isEqualTo("member_id");
                    assertThat(member.keyColumn()).isEqualTo("team_id");
                });
    }

    @Test
    void camelCaseToUnderscoresNamingIsHonoured() {
        withRegistry(Map.of("hibernate.physical_naming_strategy", HibernateFactories.CAMEL_CASE_TO_UNDERSCORES),
                ProjectMember.class, member -> {
                    assertThat(member.table()).isEqualTo("project_member");
                    assertThat(member.idColumn()).isEqualTo("member_id");
                    assertThat(member.keyColumn()).isEqualTo("team_id");
                });
    }

    @Test
    void quotedNamesKeepTheirCase() {
        withRegistry(Map.of(), QuotedThing.class, thing -> {
            assertThat(thing.table()).isEqualTo("Quoted Things");
            assertThat(thing.idColumn()).isEqualTo("ThingId");
            assertThat(thing.keyColumn()).isEqualTo("TenantId");
        });
    }

    @Test
    void unqualifiedTableIsInTheConnectionsCurrentSchema() {
        String url = TestDatabase.get().jdbcUrl();
        String inSchema = url + (url.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA;
        try (SessionFactory sessionFactory = HibernateFactories.online(Map.of("hibernate.connection.url", inSchema,
                "hibernate.hbm2ddl.auto", "create-drop"), ProjectMember.class)) {
            WatchedEntity<ProjectMember> member = WatchRegistry.of(sessionFactory).find(ProjectMember.class)
                    .orElseThrow();

            assertThat(member.schema()).isEqualTo(SCHEMA);
            assertThat(member.table()).isEqualTo("projectmember");
        }
    }

    /** Lets Hibernate create {@code entity}'s table, then checks the registry's view of it and validates. */
    private static <T> void withRegistry(Map<String, String> settings, Class<T> entity,
                                         Consumer<WatchedEntity<T>> check) {
        Map<String, String> all = new HashMap<>(settings);
        all.put("hibernate.default_schema", SCHEMA);
        all.put("hibernate.hbm2ddl.auto", "create-drop");
        try (SessionFactory sessionFactory = HibernateFactories.online(all, entity);
             Connection connection = TestDatabase.get().connect()) {
            WatchRegistry registry = WatchRegistry.of(sessionFactory);
            WatchedEntity<T> watched = registry.find(entity).orElseThrow();

            assertThat(watched.schema()).isEqualTo(SCHEMA);
            check.accept(watched);
            assertThatCode(() -> registry.validate(connection)).doesNotThrowAnyException();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
