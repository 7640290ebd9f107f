package org.vaadin.addons.livesync.internal.watch;

import org.vaadin.addons.livesync.Watched;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks {@link WatchedEntity} declarations against PostgreSQL's catalog: the table exists and is a
 * base table, has the id and key columns (a global entity has no key column), and its replica
 * identity lets a DELETE carry the id; and tells whether the WAL carries the old subscription key
 * ({@link #carriesOldKey}). Not thread-safe: use one per check.
 */
final class TableValidator {

    private static final String TABLE_SQL = """
            select c.oid, c.relkind, c.relreplident from pg_catalog.pg_class c
            join pg_catalog.pg_namespace n on n.oid = c.relnamespace
            where n.nspname = ? and c.relname = ?""";
    private static final String COLUMNS_SQL = """
            select attname from pg_catalog.pg_attribute
            where attrelid = ? and attnum > 0 and not attisdropped""";
    /** The columns of the replica identity's index: the primary key (DEFAULT) or the chosen index (INDEX). */
    private static final String IDENTITY_SQL = """
            select a.attname from pg_catalog.pg_index i
            join pg_catalog.pg_attribute a on a.attrelid = i.indrelid and a.attnum = any(i.indkey)
            where i.indrelid = ? and case ? when 'd' then i.indisprimary when 'i' then i.indisreplident else false end""";

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

    /**
     * Whether every UPDATE and DELETE of the entity's table carries the row's old subscription key in
     * the WAL: the replica identity is FULL, or its index (the primary key for DEFAULT) contains the
     * key column; always for a global entity, whose key is a constant. Null when the table does not
     * exist or is no table.
     */
    Boolean carriesOldKey(WatchedEntity<?> entity) throws SQLException {
        if (entity.isGlobal()) {
            return true;
        }
        Table table = table(entity);
        if (table == null || kindProblem(entity, table.kind()) != null) {
            return null;
        }
        return "f".equals(table.identity()) || identityColumns(table).contains(entity.keyColumn());
    }

    /** A relation as {@code pg_class} describes it. */
    private record Table(long oid, String kind, String identity) {
    }

    /** The entity's relation, or null when there is none. */
    private Table table(WatchedEntity<?> entity) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement(TABLE_SQL)) {
            statement.setString(1, entity.schema());
            statement.setString(2, entity.table());
            try (ResultSet row = statement.executeQuery()) {
                return row.next()
                        ? new Table(row.getLong("oid"), row.getString("relkind"), row.getString("relreplident"))
                        : null;
            }
        }
    }

    /** The columns of the replica identity's index: none for FULL or NOTHING. */
    private Set<String> identityColumns(Table table) throws SQLException {
        return names(IDENTITY_SQL, table.oid(), table.identity());
    }

    private void check(WatchedEntity<?> entity, List<String> problems) throws SQLException {
        Table table = table(entity);
        if (table == null) {
            problems.add(entity(entity) + ": table " + entity.qualifiedTable() + " does not exist"
                    + (entity.tableDeclared() ? " (named by @Watched(table))"
                    : "; if the entity follows another table than it maps, set @Watched(table = \"...\")"));
            return;
        }
        String kindProblem = kindProblem(entity, table.kind());
        if (kindProblem != null) {
            problems.add(kindProblem);
            return;
        }
        Set<String> columns = names(COLUMNS_SQL, table.oid(), null);
        boolean idPresent = checkColumn(entity, "id", entity.idAttribute(), entity.idColumn(), columns, problems);
        if (!entity.isGlobal()) {
            checkColumn(entity, "subscriptionKey", entity.keyAttribute(), entity.keyColumn(), columns, problems);
        }
        if (idPresent && !"f".equals(table.identity()) && !identityColumns(table).contains(entity.idColumn())) {
            problems.add(entity(entity) + ": a DELETE from " + entity.qualifiedTable() + " would not carry the id column "
                    + entity.idColumn() + ", which is not part of the table's replica identity; make it the primary"
                    + " key or run ALTER TABLE " + entity.qualifiedTable() + " REPLICA IDENTITY FULL");
        }
    }

    /** Why a relation of that {@code pg_class.relkind} cannot be watched, or {@code null} if it can. */
    private static String kindProblem(WatchedEntity<?> entity, String relkind) {
        String table = entity.qualifiedTable();
        return switch (relkind) {
            case "r", "p" -> null;
            case "v" -> entity.tableDeclared()
                    ? entity(entity) + ": @Watched(table) names the view " + table
                    + "; name the base table whose rows it shows"
                    : entity(entity) + " maps the view " + table + "; set @Watched(table = \"<base table>\")";
            case "m" -> entity(entity) + ": " + table + " is a materialized view, which logical replication does not"
                    + " publish; set @Watched(table = \"<base table>\")";
            default -> entity(entity) + ": " + table + " is not a table (pg_class.relkind '" + relkind
                    + "'); set @Watched(table = \"<base table>\")";
        };
    }

    private static boolean checkColumn(WatchedEntity<?> entity, String role, String attribute, String column,
                                       Set<String> columns, List<String> problems) {
        if (columns.contains(column)) {
            return true;
        }
        problems.add(entity(entity) + ": table " + entity.qualifiedTable() + " has no column " + column + " for the "
                + role + " attribute \"" + attribute + "\""
                + (entity.tableDeclared() ? "; the entity's column must carry the base table column's name" : ""));
        return false;
    }

    private Set<String> names(String sql, long oid, String identity) throws SQLException {
        Set<String> names = new HashSet<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, oid);
            if (identity != null) {
                statement.setString(2, identity);
            }
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
            }
        }
        return names;
    }

    private static String entity(WatchedEntity<?> entity) {
        return "Entity " + entity.type().getName();
    }
}
