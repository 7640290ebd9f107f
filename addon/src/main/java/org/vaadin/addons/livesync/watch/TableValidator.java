package org.vaadin.addons.livesync.watch;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks {@link WatchedEntity} declarations against PostgreSQL's catalog: the table exists, is a
 * base table, and has the id and key columns. Not thread-safe: use one per check.
 */
final class TableValidator {

    private static final String TABLE_SQL = """
            select c.oid, c.relkind from pg_catalog.pg_class c
            join pg_catalog.pg_namespace n on n.oid = c.relnamespace
            where n.nspname = ? and c.relname = ?""";
    private static final String COLUMNS_SQL = """
            select attname from pg_catalog.pg_attribute
            where attrelid = ? and attnum > 0 and not attisdropped""";

    private final Connection connection;

    TableValidator(Connection connection) {
        this.connection = connection;
    }

    /** The problems found, one sentence each naming the entity; empty when all is well. */
    List<String> problems(List<WatchedEntity<?>> entities) throws SQLException {
        List<String> problems = new ArrayList<>();
        for (WatchedEntity<?> entity : entities) {
            check(entity, problems);
        }
        return problems;
    }

    private void check(WatchedEntity<?> entity, List<String> problems) throws SQLException {
        String name = entity.type().getName();
        String table = entity.qualifiedTable();
        try (PreparedStatement statement = connection.prepareStatement(TABLE_SQL)) {
            statement.setString(1, entity.schema());
            statement.setString(2, entity.table());
            try (ResultSet row = statement.executeQuery()) {
                if (!row.next()) {
                    problems.add("Entity " + name + ": table " + table + " does not exist"
                            + (entity.tableDeclared() ? " (named by @Watched(table))"
                            : "; if the entity maps another table than its mapping says, set @Watched(table = \"...\")"));
                    return;
                }
                String kindProblem = kindProblem(entity, row.getString("relkind"));
                if (kindProblem != null) {
                    problems.add(kindProblem);
                    return;
                }
                checkColumns(entity, row.getLong("oid"), problems);
            }
        }
    }

    /** Why a relation of that {@code pg_class.relkind} cannot be watched, or {@code null} if it can. */
    private static String kindProblem(WatchedEntity<?> entity, String relkind) {
        String name = entity.type().getName();
        String table = entity.qualifiedTable();
        return switch (relkind) {
            case "r", "p" -> null;
            case "v" -> entity.tableDeclared()
                    ? "Entity " + name + ": @Watched(table) names the view " + table
                    + "; name the base table whose rows it shows"
                    : "Entity " + name + " maps the view " + table + "; set @Watched(table = \"<base table>\")";
            case "m" -> "Entity " + name + ": " + table + " is a materialized view, which logical replication does not"
                    + " publish; set @Watched(table = \"<base table>\")";
            default -> "Entity " + name + ": " + table + " is not a table (pg_class.relkind '" + relkind
                    + "'); set @Watched(table = \"<base table>\")";
        };
    }

    private void checkColumns(WatchedEntity<?> entity, long oid, List<String> problems) throws SQLException {
        Set<String> columns = new HashSet<>();
        try (PreparedStatement statement = connection.prepareStatement(COLUMNS_SQL)) {
            statement.setLong(1, oid);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    columns.add(rows.getString(1));
                }
            }
        }
        checkColumn(entity, "id", entity.idAttribute(), entity.idColumn(), columns, problems);
        checkColumn(entity, "subscriptionKey", entity.keyAttribute(), entity.keyColumn(), columns, problems);
    }

    private static void checkColumn(WatchedEntity<?> entity, String role, String attribute, String column,
                                    Set<String> columns, List<String> problems) {
        if (!columns.contains(column)) {
            problems.add("Entity " + entity.type().getName() + ": table " + entity.qualifiedTable() + " has no column "
                    + column + " for the " + role + " attribute \"" + attribute + "\""
                    + (entity.tableDeclared() ? "; the entity's column must carry the base table column's name" : ""));
        }
    }
}
