package org.vaadin.addons.livesync.internal.watch;

import java.util.ArrayList;
import java.util.List;

/**
 * A table's schema and name as PostgreSQL stores them (unquoted, case as stored): the form a
 * {@link org.vaadin.addons.livesync.internal.decode.Relation} carries. Immutable and thread-safe.
 *
 * @param schema the schema name
 * @param table  the table name
 */
record TableName(String schema, String table) {

    /**
     * Parses a table reference written in SQL — {@code table}, {@code schema.table} or
     * {@code catalog.schema.table}, each part quoted ({@code "Name"}, kept as is) or unquoted
     * (folded to lower case as PostgreSQL does).
     *
     * @param sql           the reference, e.g. as Hibernate renders a mapped table
     * @param defaultSchema the schema when the reference names none
     * @throws IllegalArgumentException if {@code sql} is not a table reference
     */
    static TableName parse(String sql, String defaultSchema) {
        List<String> parts = split(sql.strip());
        return switch (parts.size()) {
            case 1 -> new TableName(defaultSchema, parts.get(0));
            case 2 -> new TableName(parts.get(0), parts.get(1));
            case 3 -> new TableName(parts.get(1), parts.get(2)); // PostgreSQL ignores the catalog
            default -> throw new IllegalArgumentException("Not a table name: " + sql);
        };
    }

    /**
     * Converts one identifier written in SQL to its stored form: a quoted one loses its quotes, an
     * unquoted one is folded to lower case.
     */
    static String identifier(String sql) {
        List<String> parts = split(sql.strip());
        if (parts.size() != 1) {
            throw new IllegalArgumentException("Not a single identifier: " + sql);
        }
        return parts.get(0);
    }

    /** {@code schema.table}, unquoted. */
    String qualified() {
        return schema + "." + table;
    }

    @Override
    public String toString() {
        return qualified();
    }

    private static List<String> split(String sql) {
        List<String> parts = new ArrayList<>(3);
        StringBuilder part = new StringBuilder();
        int i = 0;
        while (i <= sql.length()) {
            if (i < sql.length() && sql.charAt(i) == '"') {
                i = readQuoted(sql, i, part);
            } else {
                int end = sql.indexOf('.', i) < 0 ? sql.length() : sql.indexOf('.', i);
                int quote = sql.indexOf('"', i);
                if (quote >= 0 && quote < end) {
                    throw new IllegalArgumentException("Not a table name: " + sql);
                }
                part.append(foldCase(sql.substring(i, end).strip()));
                i = end;
            }
            if (part.isEmpty()) {
                throw new IllegalArgumentException("Not a table name: " + sql);
            }
            parts.add(part.toString());
            part.setLength(0);
            i++; // skip the dot, or step past the end
        }
        return parts;
    }

    /** Reads {@code "..."} starting at {@code start}; returns the index just after it. */
    private static int readQuoted(String sql, int start, StringBuilder into) {
        int i = start + 1;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (c == '"') {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == '"') {
                    into.append('"');
                    i += 2;
                    continue;
                }
                int next = i + 1;
                if (next < sql.length() && sql.charAt(next) != '.') {
                    throw new IllegalArgumentException("Not a table name: " + sql);
                }
                return next;
            }
            into.append(c);
            i++;
        }
        throw new IllegalArgumentException("Unterminated quoted identifier: " + sql);
    }

    /** PostgreSQL folds unquoted identifiers' ASCII letters to lower case. */
    private static String foldCase(String unquoted) {
        StringBuilder folded = new StringBuilder(unquoted.length());
        for (int i = 0; i < unquoted.length(); i++) {
            char c = unquoted.charAt(i);
            folded.append(c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
        }
        return folded.toString();
    }
}
