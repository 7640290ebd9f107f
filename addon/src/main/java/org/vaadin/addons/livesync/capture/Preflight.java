package org.vaadin.addons.livesync.capture;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.vaadin.addons.livesync.capture.PreflightProblem.Kind;

/**
 * Checks up front, on an ordinary SQL connection, everything logical replication needs, so that a
 * misconfigured database gives one clear message naming the fix instead of a silent nothing.
 * Stateless and thread-safe.
 */
public final class Preflight {

    /** The oldest server LiveSync supports. */
    public static final int MIN_SERVER_VERSION = 140000;

    private Preflight() {
    }

    /** Runs every check; an empty list means ready. Never throws for a database problem. */
    public static List<PreflightProblem> check(CaptureSettings settings) {
        try (Connection connection = DriverManager.getConnection(settings.jdbcUrl(), settings.sqlProperties())) {
            return check(connection, settings);
        } catch (SQLException e) {
            return List.of(unreachable(settings, e));
        }
    }

    /** Runs every check on an open connection. */
    public static List<PreflightProblem> check(Connection connection, CaptureSettings settings) {
        List<PreflightProblem> problems = new ArrayList<>();
        try {
            int version = intQuery(connection, "SELECT current_setting('server_version_num')::int");
            if (version < MIN_SERVER_VERSION) {
                problems.add(new PreflightProblem(Kind.SERVER_TOO_OLD,
                        "The server is PostgreSQL " + stringQuery(connection, "SHOW server_version")
                                + "; LiveSync needs PostgreSQL 14 or newer.",
                        "Upgrade the server to PostgreSQL 14 or newer."));
                return problems;
            }
            String walLevel = stringQuery(connection, "SHOW wal_level");
            if (!"logical".equals(walLevel)) {
                problems.add(new PreflightProblem(Kind.WAL_LEVEL_NOT_LOGICAL,
                        "wal_level is '" + walLevel + "'; logical replication needs 'logical'.",
                        "As a superuser run ALTER SYSTEM SET wal_level = 'logical'; "
                                + "(and if needed ALTER SYSTEM SET max_replication_slots = '64'; "
                                + "ALTER SYSTEM SET max_wal_senders = '64';) then restart PostgreSQL."));
            }
            checkPrivilege(connection, settings, problems);
            checkPublication(connection, settings, problems);
            checkCapacity(connection, problems);
        } catch (SQLException e) {
            problems.add(unreachable(settings, e));
        }
        return problems;
    }

    private static void checkPrivilege(Connection connection, CaptureSettings settings, List<PreflightProblem> problems)
            throws SQLException {
        boolean allowed = boolQuery(connection,
                "SELECT rolreplication OR rolsuper FROM pg_roles WHERE rolname = current_user");
        if (!allowed) {
            String role = stringQuery(connection, "SELECT current_user");
            problems.add(new PreflightProblem(Kind.NO_REPLICATION_PRIVILEGE,
                    "The role " + role + " may not open replication connections.",
                    "As a superuser run ALTER ROLE " + Sql.quote(role) + " REPLICATION;"));
        }
    }

    private static void checkPublication(Connection connection, CaptureSettings settings,
                                         List<PreflightProblem> problems) throws SQLException {
        PublicationSetup setup = PublicationSetup.named(settings.publication());
        if (!setup.exists(connection)) {
            problems.add(new PreflightProblem(Kind.PUBLICATION_MISSING,
                    "The publication " + settings.publication() + " does not exist in database "
                            + stringQuery(connection, "SELECT current_database()") + ".",
                    "Run " + (settings.requiredTables().isEmpty() ? setup.upSql() : setup.upSql(settings.requiredTables()))
                            + "; (or PublicationSetup.up(connection) from a migration)."));
            return;
        }
        List<String> missing = new ArrayList<>(settings.requiredTables());
        missing.removeAll(setup.publishedTables(connection, settings.requiredTables()));
        if (!missing.isEmpty()) {
            problems.add(new PreflightProblem(Kind.TABLES_NOT_PUBLISHED,
                    "The publication " + settings.publication() + " does not include the watched table(s) " + missing + ".",
                    "Run ALTER PUBLICATION " + Sql.quote(settings.publication()) + " ADD TABLE "
                            + String.join(", ", missing.stream().map(Sql::quoteQualified).toList()) + ";"));
        }
    }

    private static void checkCapacity(Connection connection, List<PreflightProblem> problems) throws SQLException {
        int maxSlots = intQuery(connection, "SELECT current_setting('max_replication_slots')::int");
        int slots = intQuery(connection, "SELECT count(*)::int FROM pg_replication_slots");
        if (slots >= maxSlots) {
            problems.add(new PreflightProblem(Kind.SLOTS_EXHAUSTED,
                    "All " + maxSlots + " replication slots are in use (max_replication_slots).",
                    "Drop unused slots (SELECT slot_name, active FROM pg_replication_slots; then "
                            + "SELECT pg_drop_replication_slot('name');) or as a superuser run "
                            + "ALTER SYSTEM SET max_replication_slots = '" + Math.max(maxSlots * 2, 10)
                            + "'; and restart PostgreSQL."));
        }
        int maxSenders = intQuery(connection, "SELECT current_setting('max_wal_senders')::int");
        int senders = intQuery(connection,
                "SELECT count(*)::int FROM pg_stat_activity WHERE backend_type = 'walsender'");
        if (senders >= maxSenders) {
            problems.add(new PreflightProblem(Kind.WAL_SENDERS_EXHAUSTED,
                    "All " + maxSenders + " WAL senders are in use (max_wal_senders).",
                    "As a superuser run ALTER SYSTEM SET max_wal_senders = '" + Math.max(maxSenders * 2, 10)
                            + "'; and restart PostgreSQL."));
        }
    }

    static PreflightProblem unreachable(CaptureSettings settings, SQLException e) {
        return new PreflightProblem(Kind.DATABASE_UNREACHABLE,
                "Cannot reach the database " + settings.jdbcUrl() + " as " + settings.user() + ": " + e.getMessage(),
                "Check that PostgreSQL runs and accepts connections at that address, and the user name and password.");
    }

    /**
     * Turns a failure to open the replication connection into a problem, when it is one a person
     * must fix (e.g. {@code pg_hba.conf}); returns {@code null} for passing faults.
     */
    static PreflightProblem fromReplicationFailure(CaptureSettings settings, SQLException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("pg_hba.conf") && message.contains("replication")) {
            return new PreflightProblem(Kind.REPLICATION_CONNECTION_REFUSED,
                    "The server refuses replication connections from this host for " + settings.user() + ": " + message,
                    "Add a line like 'host replication " + settings.user()
                            + " <this host's address>/32 scram-sha-256' to pg_hba.conf and reload PostgreSQL.");
        }
        if ("42501".equals(e.getSQLState())) {
            return new PreflightProblem(Kind.NO_REPLICATION_PRIVILEGE,
                    "The role " + settings.user() + " may not open replication connections: " + message,
                    "As a superuser run ALTER ROLE " + Sql.quote(String.valueOf(settings.user())) + " REPLICATION;");
        }
        return null;
    }

    private static int intQuery(Connection connection, String sql) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static boolean boolQuery(Connection connection, String sql) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    private static String stringQuery(Connection connection, String sql) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }
}
