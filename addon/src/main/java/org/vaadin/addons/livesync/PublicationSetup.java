package org.vaadin.addons.livesync;

import org.vaadin.addons.livesync.internal.capture.Sql;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Creates and drops the publication that LiveSync reads: for listed tables (the watched ones; the
 * tables' owner may do it) — the recommended setup — or {@code FOR ALL TABLES} (needs a superuser).
 * A publication {@code FOR ALL TABLES} streams every table of the database to the application's
 * role, whatever its GRANTs and row-level security say. Publications are created {@code WITH
 * (publish_via_partition_root = true)}, so that changes of a partitioned table arrive under its own
 * name rather than its partitions'. The SQL is available as text for
 * a DBA or a migration tool, runnable from Java (e.g. inside a Flyway Java migration), and printable
 * from the command line:
 *
 * <pre>
 * java -cp livesync.jar org.vaadin.addons.livesync.PublicationSetup up [schema.table ...]
 * java -cp livesync.jar org.vaadin.addons.livesync.PublicationSetup down
 * </pre>
 *
 * Identifiers are always quoted, so names are taken exactly as written ({@code public.task}).
 * Immutable and thread-safe.
 */
public final class PublicationSetup {

    /** The publication name used when none is configured. */
    public static final String DEFAULT_PUBLICATION = "livesync";

    private static final String VIA_ROOT = " WITH (publish_via_partition_root = true)";

    private final String publication;

    private PublicationSetup(String publication) {
        if (publication == null || publication.isBlank()) {
            throw new IllegalArgumentException("The publication name must not be empty");
        }
        this.publication = publication;
    }

    /** {@return setup for the publication {@value #DEFAULT_PUBLICATION}} */
    public static PublicationSetup defaults() {
        return new PublicationSetup(DEFAULT_PUBLICATION);
    }

    /**
     * Setup for the named publication.
     *
     * @param publication the publication's name
     * @return setup for the named publication
     */
    public static PublicationSetup named(String publication) {
        return new PublicationSetup(publication);
    }

    /** {@return the publication's name} */
    public String publication() {
        return publication;
    }

    /**
     * {@code CREATE PUBLICATION "livesync" FOR ALL TABLES WITH (publish_via_partition_root = true)}
     * (needs a superuser). It streams every table to the application's role regardless of GRANTs and
     * row-level security: prefer {@link #upSql(Collection)} with the watched tables in production.
     *
     * @return {@code CREATE PUBLICATION "livesync" FOR ALL TABLES WITH (publish_via_partition_root = true)} (needs a
     *     superuser)
     */
    public String upSql() {
        return "CREATE PUBLICATION " + Sql.quote(publication) + " FOR ALL TABLES" + VIA_ROOT;
    }

    /**
     * {@code CREATE PUBLICATION "livesync" FOR TABLE "public"."task", ... WITH
     * (publish_via_partition_root = true)}.
     *
     * @param tables the tables, as {@code schema.table}
     * @return the statement for the listed tables
     */
    public String upSql(Collection<String> tables) {
        if (tables.isEmpty()) {
            throw new IllegalArgumentException("List at least one table, or use upSql() for all tables");
        }
        return "CREATE PUBLICATION " + Sql.quote(publication) + " FOR TABLE " + quotedList(tables) + VIA_ROOT;
    }

    /** {@return {@code ALTER PUBLICATION "livesync" SET (publish_via_partition_root = true)}} */
    public String viaRootSql() {
        return "ALTER PUBLICATION " + Sql.quote(publication) + " SET (publish_via_partition_root = true)";
    }

    /** {@return {@code DROP PUBLICATION IF EXISTS "livesync"}} */
    public String downSql() {
        return "DROP PUBLICATION IF EXISTS " + Sql.quote(publication);
    }

    /**
     * Creates the publication for all tables unless it exists. Idempotent.
     *
     * @param connection an open connection to the database
     * @throws SQLException when the database refuses a statement or cannot be reached
     */
    public void up(Connection connection) throws SQLException {
        if (!exists(connection)) {
            execute(connection, upSql());
        }
    }

    /**
     * Creates the publication for the listed tables, or adds those it lacks to an existing one and,
     * when one of them is partitioned, makes it publish via the partition root. Idempotent; a
     * publication {@code FOR ALL TABLES} gets no tables added.
     *
     * @param connection an open connection to the database
     * @param tables the tables, as {@code schema.table}
     * @throws SQLException when the database refuses a statement or cannot be reached
     */
    public void up(Connection connection, Collection<String> tables) throws SQLException {
        if (!exists(connection)) {
            execute(connection, upSql(tables));
            return;
        }
        if (!isForAllTables(connection)) {
            Set<String> missing = new LinkedHashSet<>(tables);
            missing.removeAll(publishedTables(connection, tables));
            if (!missing.isEmpty()) {
                execute(connection, "ALTER PUBLICATION " + Sql.quote(publication) + " ADD TABLE " + quotedList(missing));
            }
        }
        if (!publishesViaRoot(connection) && !partitionedTables(connection, tables).isEmpty()) {
            execute(connection, viaRootSql());
        }
    }

    /**
     * Drops the publication if it exists. Idempotent.
     *
     * @param connection an open connection to the database
     * @throws SQLException when the database refuses a statement or cannot be reached
     */
    public void down(Connection connection) throws SQLException {
        execute(connection, downSql());
    }

    /**
     * Whether the publication exists in the connection's database.
     *
     * @param connection an open connection to the database
     * @return whether the publication exists in the connection's database
     * @throws SQLException when the database refuses a statement or cannot be reached
     */
    public boolean exists(Connection connection) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
            s.setString(1, publication);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        }
    }

    private boolean isForAllTables(Connection connection) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement(
                "SELECT puballtables FROM pg_publication WHERE pubname = ?")) {
            s.setString(1, publication);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /**
     * Whether the publication sends changes of partitions under their root table's name.
     *
     * @param connection an open connection to the database
     * @return whether the publication sends changes of partitions under their root table's name
     * @throws SQLException when the database refuses a statement or cannot be reached
     */
    public boolean publishesViaRoot(Connection connection) throws SQLException {
        try (PreparedStatement s = connection.prepareStatement("SELECT pubviaroot FROM pg_publication WHERE pubname = ?")) {
            s.setString(1, publication);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /**
     * Which of {@code tables} (as written, schema defaulting to the search path's first) are
     * published: the table itself, or — for a partitioned table in a publication that does not
     * publish via the root — its partitions.
     *
     * @param connection an open connection to the database
     * @param tables the tables, as {@code schema.table}
     * @return which of {@code tables} (as written, schema defaulting to the search path's first) are published: the
     *     table itself, or — for a partitioned table in a publication that does not publish via the root — its
     *     partitions
     * @throws SQLException when the database refuses a statement or cannot be reached
     */
    public Set<String> publishedTables(Connection connection, Collection<String> tables) throws SQLException {
        return tablesWhere(connection, tables, """
                SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE n.nspname = coalesce(?, current_schema()) AND c.relname = ?
                   AND EXISTS (SELECT 1 FROM pg_publication_tables p
                                 JOIN pg_namespace pn ON pn.nspname = p.schemaname
                                 JOIN pg_class pc ON pc.relnamespace = pn.oid AND pc.relname = p.tablename
                                WHERE p.pubname = ?
                                  AND (pc.oid = c.oid OR pc.oid IN (SELECT relid FROM pg_partition_tree(c.oid))))""",
                true);
    }

    /**
     * Which of {@code tables} are partitioned tables.
     *
     * @param connection an open connection to the database
     * @param tables the tables, as {@code schema.table}
     * @return which of {@code tables} are partitioned tables
     * @throws SQLException when the database refuses a statement or cannot be reached
     */
    public Set<String> partitionedTables(Connection connection, Collection<String> tables) throws SQLException {
        return tablesWhere(connection, tables, """
                SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                 WHERE c.relkind = 'p' AND n.nspname = coalesce(?, current_schema()) AND c.relname = ?""", false);
    }

    private Set<String> tablesWhere(Connection connection, Collection<String> tables, String sql, boolean withPublication)
            throws SQLException {
        Set<String> found = new LinkedHashSet<>();
        try (PreparedStatement s = connection.prepareStatement(sql)) {
            for (String table : tables) {
                List<String> parts = Sql.splitQualified(table);
                s.setString(1, parts.size() == 2 ? parts.get(0) : null);
                s.setString(2, parts.get(parts.size() - 1));
                if (withPublication) {
                    s.setString(3, publication);
                }
                try (ResultSet rs = s.executeQuery()) {
                    if (rs.next()) {
                        found.add(table);
                    }
                }
            }
        }
        return found;
    }

    private static String quotedList(Collection<String> tables) {
        List<String> quoted = new ArrayList<>(tables.size());
        for (String table : tables) {
            quoted.add(Sql.quoteQualified(table));
        }
        return String.join(", ", quoted);
    }

    private static void execute(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    /**
     * Prints the setup SQL: {@code up [table ...]} or {@code down}, optionally preceded by
     * {@code --publication NAME}.
     *
     * @param args optionally {@code --publication NAME}, then {@code up} with optional tables
     *     ({@code schema.table}) or {@code down}
     */
    public static void main(String[] args) {
        System.exit(print(Arrays.asList(args), System.out, System.err));
    }

    /**
     * What {@link #main} does, with the streams to write to.
     *
     * @param args the command line, as for {@link #main}
     * @param out  where the SQL goes
     * @param err  where a usage message goes when {@code args} cannot be read
     * @return the exit status: 0 when the SQL was printed, 2 for a wrong command line
     */
    public static int print(List<String> args, PrintStream out, PrintStream err) {
        List<String> rest = new ArrayList<>(args);
        PublicationSetup setup = defaults();
        if (rest.size() >= 2 && rest.get(0).equals("--publication")) {
            setup = named(rest.get(1));
            rest = rest.subList(2, rest.size());
        }
        if (rest.isEmpty() || !(rest.get(0).equals("up") || rest.get(0).equals("down"))) {
            err.println("Usage: PublicationSetup [--publication NAME] up [schema.table ...] | down");
            return 2;
        }
        List<String> tables = rest.subList(1, rest.size());
        if (rest.get(0).equals("down")) {
            out.println(setup.downSql() + ";");
        } else {
            out.println((tables.isEmpty() ? setup.upSql() : setup.upSql(tables)) + ";");
        }
        return 0;
    }
}
