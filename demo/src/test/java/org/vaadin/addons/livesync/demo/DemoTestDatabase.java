package org.vaadin.addons.livesync.demo;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import org.springframework.test.context.DynamicPropertyRegistry;

/**
 * Where the demo's tests run it: on the server that {@code LIVESYNC_TEST_JDBC_URL} (with
 * {@code _USER}, {@code _PASSWORD}; what {@code .ci/run} sets) names, in a database of their own,
 * {@value #DATABASE} (created afresh once per test JVM), because the demo's schema has fixed table names that
 * other tests on that server must not meet; else on the demo's own embedded PostgreSQL.
 */
final class DemoTestDatabase {

    static final String DATABASE = "livesync_demo_test";

    private static volatile String url;

    private DemoTestDatabase() {
    }

    /** Points {@code spring.datasource.*} at the demo's test database when a test server is configured. */
    static void register(DynamicPropertyRegistry registry) {
        String serverUrl = setting("livesync.test.jdbc-url", "LIVESYNC_TEST_JDBC_URL");
        if (serverUrl == null || serverUrl.isBlank()) {
            return; // the demo starts its embedded PostgreSQL
        }
        String user = setting("livesync.test.user", "LIVESYNC_TEST_USER");
        String password = setting("livesync.test.password", "LIVESYNC_TEST_PASSWORD");
        registry.add("spring.datasource.url", () -> databaseUrl(serverUrl, user, password));
        registry.add("spring.datasource.username", () -> user);
        registry.add("spring.datasource.password", () -> password);
    }

    private static synchronized String databaseUrl(String serverUrl, String user, String password) {
        if (url == null) {
            try (Connection connection = DriverManager.getConnection(serverUrl, login(user, password));
                 Statement s = connection.createStatement()) {
                // a fresh database for every test run: the schema comes from the migrations as they are now
                s.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
                s.execute("CREATE DATABASE " + DATABASE);
            } catch (SQLException e) {
                throw new IllegalStateException("Could not prepare the database " + DATABASE + " on " + serverUrl
                        + ": " + e.getMessage(), e);
            }
            url = withDatabase(serverUrl, DATABASE);
        }
        return url;
    }

    /** {@code jdbc:postgresql://host:port/db?params} with another database name. */
    static String withDatabase(String jdbcUrl, String database) {
        int hosts = jdbcUrl.indexOf("//");
        int slash = jdbcUrl.indexOf('/', hosts + 2);
        int query = jdbcUrl.indexOf('?');
        String base = slash < 0 ? (query < 0 ? jdbcUrl : jdbcUrl.substring(0, query)) : jdbcUrl.substring(0, slash);
        return base + "/" + database + (query < 0 ? "" : jdbcUrl.substring(query));
    }

    private static Properties login(String user, String password) {
        Properties properties = new Properties();
        if (user != null) {
            properties.setProperty("user", user);
        }
        if (password != null) {
            properties.setProperty("password", password);
        }
        return properties;
    }

    private static String setting(String property, String env) {
        String value = System.getProperty(property);
        return value != null ? value : System.getenv(env);
    }
}
