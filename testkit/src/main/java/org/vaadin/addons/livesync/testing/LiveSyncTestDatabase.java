package org.vaadin.addons.livesync.testing;

import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.testcontainers.service.connection.ServiceConnection;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Points a Spring Boot test's datasource (and so Flyway, JPA and LiveSync) at a PostgreSQL with
 * logical replication: {@code @SpringBootTest @Import(LiveSyncTestDatabase.class)}. With a Docker
 * engine (and no configured server), a Testcontainers container ({@link TestPostgres#container()})
 * as a {@code @ServiceConnection}, one per application context; else the JVM's
 * {@link TestPostgres#shared()} server (the configured one, else an embedded PostgreSQL) as the
 * application's {@link JdbcConnectionDetails}. Either way it takes precedence over the
 * {@code spring.datasource.*} properties. Needs {@code spring-boot-jdbc} and, for the container,
 * {@code spring-boot-testcontainers} and {@code testcontainers-postgresql} on the test class path.
 */
@TestConfiguration(proxyBeanMethods = false)
public class LiveSyncTestDatabase {

    /** For {@code @Import}. */
    public LiveSyncTestDatabase() {
    }

    /** With Docker: a container that Spring Boot starts, its connection details derived by {@code @ServiceConnection}. */
    @TestConfiguration(proxyBeanMethods = false)
    @Conditional(UseContainer.class)
    static class Container {

        @Bean
        @ServiceConnection
        org.testcontainers.postgresql.PostgreSQLContainer liveSyncPostgresContainer() {
            return TestPostgres.container();
        }
    }

    /** Without Docker: the shared test server. */
    @TestConfiguration(proxyBeanMethods = false)
    @Conditional(UseShared.class)
    static class Shared {

        @Bean
        JdbcConnectionDetails liveSyncTestPostgres() {
            TestPostgres postgres = TestPostgres.shared();
            return new JdbcConnectionDetails() {
                @Override
                public String getJdbcUrl() {
                    return postgres.jdbcUrl();
                }

                @Override
                public String getUsername() {
                    return postgres.user();
                }

                @Override
                public String getPassword() {
                    return postgres.password();
                }
            };
        }
    }

    /** Matches when no server is configured and a Docker engine answers (Testcontainers on the class path). */
    static final class UseContainer implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return TestPostgres.usesContainer();
        }
    }

    /** Matches when {@link UseContainer} does not. */
    static final class UseShared implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return !TestPostgres.usesContainer();
        }
    }
}
