package org.vaadin.addons.livesync.internal.watch;

import java.util.Map;

import org.hibernate.SessionFactory;
import org.hibernate.boot.model.naming.CamelCaseToUnderscoresNamingStrategy;
import org.hibernate.boot.model.naming.PhysicalNamingStrategySnakeCaseImpl;
import org.hibernate.cfg.Configuration;
import org.vaadin.addons.livesync.testdb.TestDatabase;

/** Session factories for the watch tests, built programmatically. */
final class HibernateFactories {

    private HibernateFactories() {
    }

    /** Spring Boot 4's default physical naming: {@code organizationId} → {@code organization_id}. */
    static final String SNAKE_CASE = PhysicalNamingStrategySnakeCaseImpl.class.getName();

    /** Spring Boot 3's default physical naming, deprecated in Hibernate 7 but still in use. */
    @SuppressWarnings("removal")
    static final String CAMEL_CASE_TO_UNDERSCORES = CamelCaseToUnderscoresNamingStrategy.class.getName();

    /** A factory that never touches a database: mapping only, PostgreSQL dialect, snake_case names. */
    static SessionFactory offline(Class<?>... entities) {
        Configuration configuration = configuration(entities)
                .setProperty("jakarta.persistence.database-product-name", "PostgreSQL")
                .setProperty("jakarta.persistence.database-major-version", "15")
                .setProperty("hibernate.boot.allow_jdbc_metadata_access", "false")
                .setProperty("hibernate.physical_naming_strategy", SNAKE_CASE);
        return configuration.buildSessionFactory();
    }

    /**
     * A factory on the test database.
     *
     * @param settings extra Hibernate settings, e.g. {@code hibernate.default_schema}
     */
    static SessionFactory online(Map<String, String> settings, Class<?>... entities) {
        TestDatabase db = TestDatabase.get();
        Configuration configuration = configuration(entities)
                .setProperty("hibernate.connection.url", db.jdbcUrl())
                .setProperty("hibernate.connection.username", db.user())
                .setProperty("hibernate.connection.password", db.password())
                .setProperty("hibernate.connection.pool_size", "2");
        settings.forEach(configuration::setProperty);
        return configuration.buildSessionFactory();
    }

    private static Configuration configuration(Class<?>... entities) {
        Configuration configuration = new Configuration();
        for (Class<?> entity : entities) {
            configuration.addAnnotatedClass(entity);
        }
        return configuration;
    }
}
