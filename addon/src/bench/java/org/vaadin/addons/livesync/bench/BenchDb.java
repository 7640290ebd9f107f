package org.vaadin.addons.livesync.bench;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The benchmark's PostgreSQL: a database of its own ({@value #DATABASE}) on the server that
 * {@code src/ci/postgres.sh} prepares ({@code LIVESYNC_TEST_JDBC_URL}, {@code _USER},
 * {@code _PASSWORD}: a superuser with REPLICATION on a server with {@code wal_level=logical}), so
 * that the tests' publications and slots in their database neither see nor disturb it. Its tables
 * live in schema {@value #SCHEMA}; slots are named {@code lsbench_*} and every measurement drops
 * the ones it made (and any left inactive by an earlier, killed run).
 */
final class BenchDb {

    static final String DATABASE = "livesync_bench";
    static final String SCHEMA = "livesync_bench";
    static final String TASK = SCHEMA + ".task";
    static final String SLOT_PREFIX = "lsbench_";

    private final String url;
    private final String user;
    private final String password;
    private final String host;
    private final int port;

    private BenchDb(String url, String user, String password, String host, int port) {
        this.url = url;
        this.user = user;
        this.password = password;
        this.host = host;
        this.port = port;
    }

    /** The bench database on the configured server, created when missing. */
    static BenchDb fromEnvironment() throws SQLException {
        String adminUrl = System.getenv("LIVESYNC_TEST_JDBC_URL");
        if (adminUrl == null || adminUrl.isBlank()) {
            throw new IllegalStateException("LIVESYNC_TEST_JDBC_URL is not set: run through src/bench/run, which prepares "
                    + "PostgreSQL with src/ci/postgres.sh");
        }
        String user = System.getenv().getOrDefault("LIVESYNC_TEST_USER", "postgres");
        String password = System.getenv().getOrDefault("LIVESYNC_TEST_PASSWORD", "");
        URI uri = URI.create(adminUrl.substring("jdbc:".length()));
        String host = uri.getHost();
        int port = uri.getPort() < 0 ? 5432 : uri.getPort();
        if (!isLocal(host)) {
            throw new IllegalStateException("The benchmark only talks to a PostgreSQL on this machine, not " + host);
        }
        try (Connection admin = DriverManager.getConnection(adminUrl, props(user, password));
             Statement s = admin.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
                if (!rs.next()) {
                    s.execute("CREATE DATABASE " + DATABASE);
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
                rs.next();
                Cpu.server(Cpu.parentOf(rs.getLong(1))); // the server's CPU, not the other clusters' on this machine
            }
        }
        String url = "jdbc:postgresql://" + host + ":" + port + "/" + DATABASE;
        return new BenchDb(url, user, password, host, port);
    }

    private static boolean isLocal(String host) {
        return host != null && (host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]")
                || host.equals("::1"));
    }

    private static Properties props(String user, String password) {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("ApplicationName", "livesync-bench");
        return props;
    }

    String url() {
        return url;
    }

    String user() {
        return user;
    }

    String password() {
        return password;
    }

    String host() {
        return host;
    }

    int port() {
        return port;
    }

    Connection connect() throws SQLException {
        return DriverManager.getConnection(url, props(user, password));
    }

    void execute(String... sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + String.join("; ", sql) + ": " + e.getMessage(), e);
        }
    }

    long queryLong(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + sql + ": " + e.getMessage(), e);
        }
    }

    String queryString(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + sql + ": " + e.getMessage(), e);
        }
    }

    List<Long> queryLongs(String sql) {
        List<Long> values = new ArrayList<>();
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getLong(1));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("SQL failed: " + sql + ": " + e.getMessage(), e);
        }
        return values;
    }

    /**
     * A fresh schema with the demo's {@code task} table (without the foreign key to organization):
     * the shape whose changes LiveSync carries in the demo.
     */
    void createTaskTable() {
        execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE", "CREATE SCHEMA " + SCHEMA,
                "CREATE TABLE " + TASK + " (id bigserial PRIMARY KEY, organization_id bigint NOT NULL, "
                        + "title text NOT NULL, status text NOT NULL DEFAULT 'open', assignee text, notes text, "
                        + "updated_at timestamptz NOT NULL DEFAULT now())",
                "CREATE INDEX ON " + TASK + " (organization_id)");
    }

    /** Inserts {@code perTenant} rows for each tenant {@code 1..tenants} (first tenant {@code firstTenant}). */
    void seedTasks(long firstTenant, int tenants, int perTenant) {
        execute("INSERT INTO " + TASK + " (organization_id, title, status, assignee, notes) "
                + "SELECT " + firstTenant + " + t, 'init ' || t || '/' || r, 'open', 'user' || r, "
                + "'seeded row for the benchmark' FROM generate_series(0, " + (tenants - 1) + ") t, "
                + "generate_series(1, " + perTenant + ") r ORDER BY t, r",
                "ANALYZE " + TASK);
    }

    /** Drops the schema, the given publications and slots, and any inactive bench slot left by a killed run. */
    void cleanUp(List<String> publications) {
        for (String publication : publications) {
            execute("DROP PUBLICATION IF EXISTS " + publication);
        }
        dropInactiveSlots();
        execute("DROP SCHEMA IF EXISTS " + SCHEMA + " CASCADE");
    }

    /** Drops every inactive slot of the benchmark (its own, or left by a run that was killed). */
    void dropInactiveSlots() {
        execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                + "WHERE slot_name LIKE '" + SLOT_PREFIX + "%' AND NOT active");
    }

    /** A permanent pgoutput slot, created now: everything committed after this is retained for it. */
    void createSlot(String name) {
        execute("SELECT pg_create_logical_replication_slot('" + name + "', 'pgoutput')");
    }

    void dropSlot(String name) {
        execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '" + name
                + "' AND NOT active");
    }

    static String slotName(String purpose) {
        return SLOT_PREFIX + purpose + "_" + ProcessHandle.current().pid();
    }

    String serverVersion() {
        return queryString("SHOW server_version");
    }
}
