package org.vaadin.addons.livesync.spring;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.hibernate.autoconfigure.HibernateJpaAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.vaadin.addons.livesync.testdb.TestDatabase;

/**
 * A Spring Boot application with JPA on the test database, its one entity ({@link SpringTask}) in
 * a schema of the test class's own with a publication of its own: what the auto-configuration
 * tests run. Registered as a static {@code @RegisterExtension}, it creates the schema before the
 * class's tests and drops it after them.
 *
 * @param db          the test database
 * @param schema      the schema of the {@code spring_task} table
 * @param publication the publication of that table
 */
record SpringTestApp(TestDatabase db, String schema, String publication) implements BeforeAllCallback, AfterAllCallback {

    /** A fresh schema and publication name for a test class. */
    static SpringTestApp create(String prefix) {
        return new SpringTestApp(TestDatabase.get(), TestDatabase.uniqueName(prefix),
                TestDatabase.uniqueName("pub_" + prefix));
    }

    /** The application's runner, reading {@link #publication()}. */
    ApplicationContextRunner runner() {
        return new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class,
                        HibernateJpaAutoConfiguration.class, LiveSyncAutoConfiguration.class))
                .withUserConfiguration(EntitiesHere.class)
                .withPropertyValues(
                        "spring.datasource.url=" + db.jdbcUrl(),
                        "spring.datasource.username=" + db.user(),
                        "spring.datasource.password=" + db.password(),
                        "spring.datasource.hikari.maximum-pool-size=2",
                        "spring.jpa.properties.hibernate.default_schema=" + schema,
                        "livesync.publication=" + publication);
    }

    /** The entity's table ({@code schema.spring_task}). */
    String table() {
        return schema + ".spring_task";
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        db.execute("CREATE SCHEMA " + schema,
                "CREATE TABLE " + table() + " (id bigint primary key, organization_id bigint, title text)",
                "CREATE PUBLICATION " + publication + " FOR TABLE " + table());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        db.execute("DROP PUBLICATION IF EXISTS " + publication, "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }

    @AutoConfigurationPackage
    @Configuration(proxyBeanMethods = false)
    static class EntitiesHere {
    }
}
