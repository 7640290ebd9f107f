package org.vaadin.addons.livesync.capture;

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
 * Creates and drops the publication that LiveSync reads: {@code FOR ALL TABLES} (needs a
 * superuser) or for listed tables (the tables' owner may do it). The SQL is available as text for
 * a DBA or a migration tool, runnable from Java (e.g. inside a Flyway Java migration), and printable
 * from the command line:
 *
 * <pre>
 * java -cp livesync.jar org.vaadin.addons.livesync.capture.PublicationSetup up [schema.table ...]
 * java -cp livesync.jar org.vaadin.addons.livesync.capture.PublicationSetup down
 * </pre>
 *
 * Identifiers are always quoted, so names are taken exactly as written ({@code public.task}).
 * Immutable and thread-safe.
 */
public final class PublicationSetup {

    /** The publication name used when none is configured. */
    public static final String DEFAULT_PUBLICATION = "livesync";

    private final String publication;

    private PublicationSetup(String publication) {
        if (publication == null || publication.isBlank()) {
            throw new IllegalArgumentException("The publication name must not be empty");
        }
        this.publication = publication;
    }

    /** Setup for the publication {@value #DEFAULT_PUBLICATION}. */
    public static PublicationSetup defaults() {
        return new PublicationSetup(DEFAULT_PUBLICATION);
    }

    /** Setup for the named publication. */
    public static PublicationSetup named(String publication) {
        return new PublicationSetup(publication);
    }

    /** The publication's name. */
    public String publication() {
        return publication;
    }

    /** {@code CREATE PUBLICATION "livesync" FOR ALL TABLES} (needs a superuser). */
    public String upSql() {
        return "CREATE PUBLICATION " + Sql.quote(publication) + " FOR ALL TABLES";
    }

    /** {@code CREATE PUBLICATION "livesync" FOR TABLE "public"."task", ...}. */
    public String upSql(Collection<String> tables) {
        if (tables.isEmpty()) {
            throw new IllegalArgumentException("List at least one table, or use upSql() for all tables");
        }
        return "CREATE PUBLICATION " + Sql.quote(publication) + " FOR TABLE " + quotedList(tables);
    }

    /** {@code DROP PUBLICATION IF EXISTS "livesync"}. */
    public String downSql() {
        return "DROP PUBLICATION IF EXISTS " + Sql.quote(publication);
    }

    /** Creates the publication for all tables unless it exists. Idempotent. */
    public void up(Connection connection) throws SQLException {
        if (!exists(connection)) {
            execute(connection, upSql());
        }
    }

    /**
     * Creates the publication for the listed tables, or adds those it lacks to an existing one.
     * Idempotent; a publication {@code FOR ALL TABLES} is left as it is.
     */
    public void up(Connection connection, Collection<String> tables) throws SQLException {
        if (!exists(connection)) {
            execute(connection, upSql(tables));
            return;
        }
        if (isForAllTables(connection)) {
            return;
        }
        Set<String> missing = new LinkedHashSet<>(tables);
        missing.removeAll(publishedTables(connection, tables));
        if (!missing.isEmpty()) {
            execute(connection, "ALTER PUBLICATION " + Sql.quote(publication) + " ADD TABLE " + quotedList(missing));
        }
    }

    /** Drops the publication if it exists. Idempotent. */
    public void down(Connection connection) throws SQLException {
        execute(connection, downSql());
    }

    /** Whether the publication exists in the connection's database. */
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

    /** Which of {@code tables} (as written, schema defaulting to the search path's first) are published. */
    Set<String> publishedTables(Connection connection, Collection<String> tables) throws SQLException {
        Set<String> published = new LinkedHashSet<>();
        try (PreparedStatement s = connection.prepareStatement("""
                SELECT 1 FROM pg_publication_tables
                 WHERE pubname = ? AND schemaname = coalesce(?, current_schema()) AND tablename = ?""")) {
            for (String table : tables) {
                List<String> parts = Sql.splitQualified(table);
                s.setString(1, publication);
                s.setString(2, parts.size() == 2 ? parts.get(0) : null);
                s.setString(3, parts.get(parts.size() - 1));
                try (ResultSet rs = s.executeQuery()) {
                    if (rs.next()) {
                        published.add(table);
                    }
                }
            }
        }
        return published;
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
     */
    public static void main(String[] args) {
        System.exit(print(Arrays.asList(args), System.out, System.err));
    }

    static int print(List<String> args, PrintStream out, PrintStream err) {
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
