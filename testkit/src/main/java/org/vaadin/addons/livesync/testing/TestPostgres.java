package org.vaadin.addons.livesync.testing;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

import javax.sql.DataSource;

import org.postgresql.ds.PGSimpleDataSource;
import org.vaadin.addons.livesync.CaptureSettings;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A PostgreSQL with logical replication ({@code wal_level=logical}, room for replication slots and
 * walsenders) for tests, and a superuser to reach it as. {@link #shared()} picks one per JVM, in this
 * order: the server that the system property {@code livesync.test.jdbc-url} (or the environment
 * variable {@code LIVESYNC_TEST_JDBC_URL}, with {@code _USER} and {@code _PASSWORD}) names; a
 * Testcontainers container ({@link #container()}) when a Docker engine is available; else an embedded
 * PostgreSQL ({@link #embedded()}, zonky's binaries from Maven: no Docker, no install, also as root).
 * With Spring Boot, {@link LiveSyncTestDatabase} makes the application use it.
 * <p>
 * Immutable and thread-safe; the shared server is started on first use and stopped when the JVM exits.
 */
public final class TestPostgres {

    private static volatile TestPostgres shared;

    private final String jdbcUrl;
    private final String user;
    private final String password;
    private final String origin;
    private final AutoCloseable handle;

    private TestPostgres(String jdbcUrl, String user, String password, String origin, AutoCloseable handle) {
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.origin = origin;
        this.handle = handle;
    }

    /**
     * The server of this JVM's tests, found as described above and started on first use.
     *
     * @return the shared server
     * @throws IllegalStateException when no server could be started (the message says what to set instead)
     */
    public static TestPostgres shared() {
        TestPostgres db = shared;
        if (db == null) {
            synchronized (TestPostgres.class) {
                db = shared;
                if (db == null) {
                    db = find();
                    TestPostgres started = db;
                    Runtime.getRuntime().addShutdownHook(new Thread(started::close, "livesync-test-postgres-stop"));
                    shared = db;
                }
            }
        }
        return db;
    }

    /** Whether {@link #shared()} is (or would be) a container: no server configured, and Docker answers. */
    static boolean usesContainer() {
        return configuredUrl() == null && Docker.available();
    }

    private static String configuredUrl() {
        String url = setting("livesync.test.jdbc-url", "LIVESYNC_TEST_JDBC_URL");
        return url == null || url.isBlank() ? null : url;
    }

    private static TestPostgres find() {
        String url = configuredUrl();
        if (url != null) {
            String user = setting("livesync.test.user", "LIVESYNC_TEST_USER");
            return new TestPostgres(url, user == null || user.isBlank() ? "postgres" : user,
                    setting("livesync.test.password", "LIVESYNC_TEST_PASSWORD"), "configured", () -> { });
        }
        if (Docker.available()) {
            return Docker.start();
        }
        return embedded();
    }

    /**
     * Starts an embedded PostgreSQL of the caller's own (1 to 4 seconds), with logical replication.
     * Close it when done.
     *
     * @return the started server, reached as {@code postgres} without a password
     * @throws IllegalStateException when it cannot start (the message says what to set instead)
     */
    public static TestPostgres embedded() {
        try {
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "20")
                    .setServerConfig("max_wal_senders", "20")
                    .setServerConfig("max_connections", "100")
                    .start();
            return new TestPostgres("jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres", "postgres",
                    null, "embedded", postgres);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("Could not start an embedded PostgreSQL for the tests: " + e.getMessage()
                    + ". Point them at a PostgreSQL with wal_level=logical instead: set LIVESYNC_TEST_JDBC_URL (and "
                    + "LIVESYNC_TEST_USER, LIVESYNC_TEST_PASSWORD), or the system property livesync.test.jdbc-url.", e);
        }
    }

    /**
     * A Testcontainers PostgreSQL with logical replication, not started: for a Spring Boot test's
     * {@code @Bean @ServiceConnection} or a {@code @Container @ServiceConnection} field. Needs Docker and
     * {@code org.testcontainers:testcontainers-postgresql} on the test class path.
     *
     * @return the container, configured and not started
     */
    public static org.testcontainers.postgresql.PostgreSQLContainer container() {
        return Docker.container();
    }

    /** {@return the JDBC URL of the server's database} */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    /** {@return the user to connect as (a superuser, with REPLICATION)} */
    public String user() {
        return user;
    }

    /** {@return the user's password; {@code null} for none} */
    public String password() {
        return password;
    }

    /** {@return where the server came from: {@code configured}, {@code testcontainers} or {@code embedded}} */
    public String origin() {
        return origin;
    }

    /**
     * Capture settings for LiveSync on this server, every other value at its default: e.g.
     * {@code LiveSync.create(sessionFactory, postgres.captureSettings().withPublication("app"))}.
     *
     * @return settings for this server's database
     */
    public CaptureSettings captureSettings() {
        return CaptureSettings.forDatabase(jdbcUrl, user, password);
    }

    /** {@return a data source for the server's database (a new connection each time)} */
    public DataSource dataSource() {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl(jdbcUrl);
        ds.setUser(user);
        ds.setPassword(password);
        return ds;
    }

    /**
     * Opens a new plain connection (autocommit on).
     *
     * @return the connection; the caller closes it
     * @throws SQLException when the server refuses it
     */
    public Connection connect() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (password != null) {
            props.setProperty("password", password);
        }
        return DriverManager.getConnection(jdbcUrl, props);
    }

    /**
     * Runs SQL statements one after the other, each in autocommit.
     *
     * @param sql the statements
     * @throws IllegalStateException when one fails, naming it
     */
    public void execute(String... sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + String.join("; ", sql) + ": " + e.getMessage(), e);
        }
    }

    /** Stops the server when this started it (a configured one keeps running). Idempotent. */
    public void close() {
        try {
            handle.close();
        } catch (Exception e) {
            // stopping a test server: nothing left to do about it
        }
    }

    @Override
    public String toString() {
        return "TestPostgres[" + origin + ", " + CaptureSettings.redacted(jdbcUrl) + "]";
    }

    private static String setting(String property, String env) {
        String value = System.getProperty(property);
        return value != null ? value : System.getenv(env);
    }

    /** Testcontainers, in a class of its own so that a test class path without it costs nothing. */
    static final class Docker {

        private Docker() {
        }

        static boolean available() {
            try {
                return org.testcontainers.DockerClientFactory.instance().isDockerAvailable();
            } catch (RuntimeException | LinkageError e) {
                return false; // no Docker, or no Testcontainers on the class path
            }
        }

        static org.testcontainers.postgresql.PostgreSQLContainer container() {
            return new org.testcontainers.postgresql.PostgreSQLContainer("postgres:17")
                    .withCommand("postgres", "-c", "wal_level=logical", "-c", "max_replication_slots=20",
                            "-c", "max_wal_senders=20");
        }

        static TestPostgres start() {
            var container = container();
            container.start();
            return new TestPostgres(container.getJdbcUrl(), container.getUsername(), container.getPassword(),
                    "testcontainers", container::stop);
        }
    }
}
