package org.vaadin.addons.livesync.internal.capture;

import org.vaadin.addons.livesync.CaptureSettings;
import org.vaadin.addons.livesync.PreflightProblem;
import org.vaadin.addons.livesync.PublicationSetup;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.vaadin.addons.livesync.PreflightProblem.Kind;

/**
 * Checks up front, on an ordinary SQL connection, everything logical replication needs, so that a
 * misconfigured database gives one clear message naming the fix instead of a silent nothing.
 * Messages show the JDBC URL {@linkplain CaptureSettings#redacted redacted}. Stateless and
 * thread-safe.
 */
public final class Preflight {

    /** The oldest server LiveSync supports. */
    public static final int MIN_SERVER_VERSION = 140000;

    /**
     * Roles whose members may replicate on managed services: AWS RDS and Aurora, Google Cloud SQL,
     * Azure Database for PostgreSQL.
     */
    static final List<String> CLOUD_REPLICATION_ROLES =
            List.of("rds_replication", "rds_superuser", "cloudsqlsuperuser", "azure_pg_admin");

    private Preflight() {
    }

    /**
     * Runs every check; an empty list means ready. Never throws for a database problem.
     *
     * @param settings the database to check and how LiveSync would read from it
     * @return the problems found, each with its fix; empty when the database is ready
     */
    public static List<PreflightProblem> check(CaptureSettings settings) {
        return run(settings, null).problems();
    }

    /**
     * Runs every check on an open connection, also those of the slot's side (with a {@linkplain
     * CaptureSettings#withReplicationSource replication source} of its own, {@link #check(CaptureSettings)}
     * runs those on that server).
     *
     * @param connection an open connection to the database
     * @param settings how LiveSync would read from the database
     * @return the problems found, each with its fix; empty when the database is ready
     */
    public static List<PreflightProblem> check(Connection connection, CaptureSettings settings) {
        try {
            return checkOrThrow(connection, connection, settings, null);
        } catch (SQLException e) {
            return List.of(unreachable(settings, e));
        }
    }

    /**
     * The problems found, whether they only say that the server is away (not reachable now,
     * starting or shutting down): worth retrying soon, unlike a problem a person must fix, and,
     * when there are none, the warnings: a permanent slot's WAL retention unbounded, a standby
     * without {@code hot_standby_feedback}.
     */
    record Outcome(List<PreflightProblem> problems, boolean serverAway, List<PreflightProblem> warnings) {
    }

    /**
     * Runs every check for the listener with this instance id ({@code null}: none): its own stale
     * walsender does not count against {@code max_wal_senders}. When nothing is wrong, also looks
     * at the retention of a permanent slot, on the same connection. With a {@linkplain
     * CaptureSettings#withReplicationSource replication source} of its own, the checks of the slot
     * (privilege, capacity, the standby's settings) run there, the others on the primary.
     */
    static Outcome run(CaptureSettings settings, String instanceId) {
        try (Connection connection = Connections.sql(settings)) {
            if (!Connections.separateSource(settings)) {
                List<PreflightProblem> problems = checkOrThrow(connection, connection, settings, instanceId);
                return new Outcome(problems, false, problems.isEmpty()
                        ? nonNull(unboundedRetention(connection, settings)) : List.of());
            }
            try (Connection source = Connections.sql(settings, Connections.Server.REPLICATION_SOURCE)) {
                List<PreflightProblem> problems = checkOrThrow(connection, source, settings, instanceId);
                if (!problems.isEmpty()) {
                    return new Outcome(problems, false, List.of());
                }
                List<PreflightProblem> warnings = new ArrayList<>(nonNull(unboundedRetention(source, settings)));
                warnings.addAll(nonNull(StandbyChecks.feedbackOff(source, settings)));
                return new Outcome(problems, false, List.copyOf(warnings));
            } catch (SQLException e) {
                return new Outcome(List.of(unreachable(settings, Connections.Server.REPLICATION_SOURCE, e)),
                        isServerAway(e), List.of());
            }
        } catch (SQLException e) {
            return new Outcome(List.of(unreachable(settings, e)), isServerAway(e), List.of());
        }
    }

    private static List<PreflightProblem> nonNull(PreflightProblem problem) {
        return problem == null ? List.of() : List.of(problem);
    }

    /** Whether a failure to connect means the server is away for now rather than misconfigured. */
    static boolean isServerAway(SQLException e) {
        String state = e.getSQLState();
        return state == null || state.startsWith("08") || state.startsWith("57P") || "53300".equals(state);
    }

    /**
     * The checks; {@code source} is the connection to the server the slot goes on ({@code
     * connection} itself unless a replication source of its own is set).
     */
    private static List<PreflightProblem> checkOrThrow(Connection connection, Connection source,
                                                       CaptureSettings settings, String instanceId)
            throws SQLException {
        List<PreflightProblem> problems = new ArrayList<>();
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
        if (source != connection) {
            problems.addAll(StandbyChecks.problems(source));
            if (!problems.isEmpty()) {
                return problems;
            }
        }
        checkPrivilege(source, problems);
        problems.addAll(checkPublication(connection, settings));
        checkCapacity(source, settings, instanceId, problems);
        return problems;
    }

    /**
     * Whether the role may replicate: it, or a role it is a member of, has REPLICATION or is a
     * superuser, or it is a member of a cloud service's replication role. Role attributes are not
     * inherited in PostgreSQL itself, so this is lenient; the replication connection decides.
     */
    private static void checkPrivilege(Connection connection, List<PreflightProblem> problems) throws SQLException {
        boolean allowed;
        try (PreparedStatement s = connection.prepareStatement("""
                SELECT EXISTS (SELECT 1 FROM pg_roles r WHERE pg_has_role(current_user, r.oid, 'MEMBER')
                                 AND (r.rolreplication OR r.rolsuper OR r.rolname = ANY (?)))""")) {
            s.setArray(1, connection.createArrayOf("text", CLOUD_REPLICATION_ROLES.toArray()));
            try (ResultSet rs = s.executeQuery()) {
                allowed = rs.next() && rs.getBoolean(1);
            }
        }
        if (!allowed) {
            String role = stringQuery(connection, "SELECT current_user");
            problems.add(new PreflightProblem(Kind.NO_REPLICATION_PRIVILEGE,
                    "The role " + role + " may not open replication connections.",
                    "As a superuser run ALTER ROLE " + Sql.quote(role) + " REPLICATION;"));
        }
    }

    /**
     * The publication's problems: missing, lacking required tables, or not publishing a partitioned
     * required table under its own name. Also run periodically while streaming.
     */
    static List<PreflightProblem> checkPublication(Connection connection, CaptureSettings settings)
            throws SQLException {
        PublicationSetup setup = PublicationSetup.named(settings.publication());
        if (!setup.exists(connection)) {
            return List.of(new PreflightProblem(Kind.PUBLICATION_MISSING,
                    "The publication " + settings.publication() + " does not exist in database "
                            + stringQuery(connection, "SELECT current_database()") + ".",
                    "Run " + (settings.requiredTables().isEmpty() ? setup.upSql() : setup.upSql(settings.requiredTables()))
                            + "; (or PublicationSetup.up(connection) from a migration)."));
        }
        List<PreflightProblem> problems = new ArrayList<>();
        List<String> missing = new ArrayList<>(settings.requiredTables());
        missing.removeAll(setup.publishedTables(connection, settings.requiredTables()));
        missing.sort(null);
        if (!missing.isEmpty()) {
            problems.add(new PreflightProblem(Kind.TABLES_NOT_PUBLISHED,
                    "The publication " + settings.publication() + " does not include the watched table(s) " + missing + ".",
                    "Run ALTER PUBLICATION " + Sql.quote(settings.publication()) + " ADD TABLE "
                            + String.join(", ", missing.stream().map(Sql::quoteQualified).toList()) + ";"));
        }
        List<String> partitioned = new ArrayList<>(setup.partitionedTables(connection, settings.requiredTables()));
        partitioned.sort(null);
        if (!partitioned.isEmpty() && !setup.publishesViaRoot(connection)) {
            problems.add(new PreflightProblem(Kind.PARTITIONED_TABLE_NOT_PUBLISHED_VIA_ROOT,
                    "The watched table(s) " + partitioned + " are partitioned, but the publication "
                            + settings.publication() + " does not set publish_via_partition_root, so their changes "
                            + "would arrive under the partitions' names and reach no view.",
                    "Run " + setup.viaRootSql() + ";"));
        }
        return problems;
    }

    /**
     * Free replication slots and WAL senders. A slot of our name that exists already needs no new
     * one (a permanent slot being resumed, or our own stale connection's, which is taken over), and
     * a walsender of this listener's own stale connection is not counted.
     */
    private static void checkCapacity(Connection connection, CaptureSettings settings, String instanceId,
                                      List<PreflightProblem> problems) throws SQLException {
        int maxSlots = intQuery(connection, "SELECT current_setting('max_replication_slots')::int");
        int slots = intQuery(connection, "SELECT count(*)::int FROM pg_replication_slots");
        boolean ours;
        try (PreparedStatement s = connection.prepareStatement("SELECT 1 FROM pg_replication_slots WHERE slot_name = ?")) {
            s.setString(1, settings.slotName());
            try (ResultSet rs = s.executeQuery()) {
                ours = rs.next();
            }
        }
        if (slots >= maxSlots && !ours) {
            problems.add(new PreflightProblem(Kind.SLOTS_EXHAUSTED,
                    "All " + maxSlots + " replication slots are in use (max_replication_slots).",
                    "Drop unused slots (SELECT slot_name, active FROM pg_replication_slots; then "
                            + "SELECT pg_drop_replication_slot('name');) or as a superuser run "
                            + "ALTER SYSTEM SET max_replication_slots = '" + Math.max(maxSlots * 2, 10)
                            + "'; and restart PostgreSQL."));
        }
        int maxSenders = intQuery(connection, "SELECT current_setting('max_wal_senders')::int");
        int senders;
        try (PreparedStatement s = connection.prepareStatement("SELECT count(*)::int FROM pg_stat_activity"
                + " WHERE backend_type = 'walsender' AND coalesce(starts_with(application_name, ?), false) = false")) {
            s.setString(1, instanceId == null ? null : ReplicationSession.applicationNamePrefix(instanceId));
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                senders = rs.getInt(1);
            }
        }
        if (senders >= maxSenders) {
            problems.add(new PreflightProblem(Kind.WAL_SENDERS_EXHAUSTED,
                    "All " + maxSenders + " WAL senders are in use (max_wal_senders).",
                    "As a superuser run ALTER SYSTEM SET max_wal_senders = '" + Math.max(maxSenders * 2, 10)
                            + "'; and restart PostgreSQL."));
        }
    }

    /**
     * The warning for a permanent slot on a server whose {@code max_slot_wal_keep_size} is
     * unlimited ({@code -1}, the default): while the node is down its slot retains WAL without
     * bound and can fill the primary's disk. Null for a temporary slot or a bounded setting.
     */
    static PreflightProblem unboundedRetention(Connection connection, CaptureSettings settings) throws SQLException {
        if (settings.temporarySlot() || !"-1".equals(stringQuery(connection, "SHOW max_slot_wal_keep_size"))) {
            return null;
        }
        return new PreflightProblem(Kind.SLOT_RETENTION_UNBOUNDED,
                "The replication slot " + settings.slotName() + " is permanent and max_slot_wal_keep_size is -1"
                        + " (unlimited): while this node is down or far behind, the slot makes the primary keep WAL"
                        + " without bound, until its disk is full.",
                "Bound it, e.g. as a superuser ALTER SYSTEM SET max_slot_wal_keep_size = '10GB'; SELECT"
                        + " pg_reload_conf(); (more than the WAL written while a node may be down). A slot that"
                        + " falls further behind is invalidated by the server; LiveSync then makes it again and"
                        + " its views reload.");
    }

    static PreflightProblem unreachable(CaptureSettings settings, SQLException e) {
        return unreachable(settings, Connections.Server.PRIMARY, e);
    }

    /** The problem of a server that cannot be reached: its URL redacted, never a password. */
    static PreflightProblem unreachable(CaptureSettings settings, Connections.Server server, SQLException e) {
        String message = String.valueOf(e.getMessage());
        boolean source = server == Connections.Server.REPLICATION_SOURCE;
        return new PreflightProblem(Kind.DATABASE_UNREACHABLE,
                "Cannot reach " + (source ? "the replication source " : "the database ")
                        + CaptureSettings.redacted(Connections.url(settings, server)) + " as "
                        + Connections.user(settings, server) + ": " + message,
                message.contains("pg_hba.conf") ? HbaAdvice.fix(settings, message)
                        : source ? "Check that the standby runs and accepts connections at that address, and the user"
                                + " name and password of livesync.replication (CaptureSettings.withReplicationSource)."
                        : "Check that PostgreSQL runs and accepts connections at that address, and the user name and password.");
    }

    /**
     * Turns a failure to open the replication connection into a problem, when it is one a person
     * must fix (e.g. {@code pg_hba.conf}); returns {@code null} for passing faults.
     */
    static PreflightProblem fromReplicationFailure(CaptureSettings settings, SQLException e) {
        String message = String.valueOf(e.getMessage());
        String user = String.valueOf(Connections.user(settings, Connections.Server.REPLICATION_SOURCE));
        if (message.contains("pg_hba.conf")) {
            return new PreflightProblem(Kind.REPLICATION_CONNECTION_REFUSED,
                    "The server refuses the replication connection for " + user + ": " + message,
                    HbaAdvice.fix(settings, message));
        }
        if ("42501".equals(e.getSQLState())) {
            return new PreflightProblem(Kind.NO_REPLICATION_PRIVILEGE,
                    "The role " + user + " may not open replication connections: " + message,
                    "As a superuser run ALTER ROLE " + Sql.quote(user) + " REPLICATION;");
        }
        return null;
    }

    static int intQuery(Connection connection, String sql) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getInt(1);
        }
    }

    static String stringQuery(Connection connection, String sql) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(sql); ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }
}
