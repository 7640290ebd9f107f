package org.vaadin.addons.livesync.internal.capture;

import java.util.ArrayList;
import java.util.List;

/** Identifier quoting for the SQL LiveSync writes. For internal use only. Stateless. */
public final class Sql {

    /**
     * The end of the WAL this server has: flushed on a primary, replayed on a standby (where
     * {@code pg_current_wal_flush_lsn()} fails), as a {@code pg_lsn} expression.
     */
    static final String WAL_END = "(CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn()"
            + " ELSE pg_current_wal_flush_lsn() END)";

    private Sql() {
    }

    /**
     * Quotes one identifier: {@code my "table"} becomes {@code "my ""table"""}.
     *
     * @param identifier the identifier, exactly as it is named
     * @return the identifier in double quotes
     */
    public static String quote(String identifier) {
        if (identifier == null || identifier.isEmpty()) {
            throw new IllegalArgumentException("An SQL identifier must not be empty");
        }
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /**
     * Quotes a possibly schema-qualified table name, {@code schema.table} or {@code table}; the parts
     * are taken as written (case kept), so {@code public.Task} names the table {@code "Task"}.
     *
     * @param name {@code schema.table} or {@code table}
     * @return the quoted name
     */
    public static String quoteQualified(String name) {
        List<String> parts = splitQualified(name);
        List<String> quoted = new ArrayList<>(parts.size());
        for (String part : parts) {
            quoted.add(quote(part));
        }
        return String.join(".", quoted);
    }

    /**
     * Splits {@code schema.table} into its parts; a name without a dot is one part.
     *
     * @param name {@code schema.table} or {@code table}
     * @return the parts: the schema and the table, or the table alone
     */
    public static List<String> splitQualified(String name) {
        int dot = name.indexOf('.');
        if (dot < 0) {
            return List.of(name);
        }
        if (dot == 0 || dot == name.length() - 1 || name.indexOf('.', dot + 1) >= 0) {
            throw new IllegalArgumentException("Not a table name of the form schema.table or table: " + name);
        }
        return List.of(name.substring(0, dot), name.substring(dot + 1));
    }

    /**
     * Quotes a string literal.
     *
     * @param value the string
     * @return the literal in single quotes
     */
    public static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }
}
