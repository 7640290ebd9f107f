package org.vaadin.addons.livesync.internal.decode;

import java.io.Serial;
import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One tuple of a {@link RowChange}: a value for each column of its {@link Relation}.
 * <p>
 * Columns missing from a key-only old tuple are {@link Value#NULL}. Immutable and thread-safe.
 */
public final class Row implements Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    private final Relation relation;
    private final Value[] values;

    /**
     * A row of {@code relation} with these values.
     *
     * @param relation the table's relation
     * @param values the values, one per column of {@code relation}, in column order
     * @throws IllegalArgumentException when the number of values differs from the relation's columns
     */
    public Row(Relation relation, List<Value> values) {
        if (values.size() != relation.columns().size()) {
            throw new IllegalArgumentException("Row of " + relation.qualifiedName() + " has " + values.size()
                    + " values for " + relation.columns().size() + " columns");
        }
        this.relation = relation;
        this.values = values.toArray(Value[]::new);
    }

    /** {@return the table this row belongs to} */
    public Relation relation() {
        return relation;
    }

    /** {@return the values, in column order} */
    public List<Value> values() {
        return List.of(values);
    }

    /**
     * A copy holding only the named columns' values; every other column reads as SQL {@code NULL}
     * (and shares one instance, so the copy costs little more than the kept values). For
     * keeping, until a transaction commits, just the columns that route a change.
     *
     * @param columns the names of the columns to keep
     * @return a copy holding only the named columns' values; every other column reads as SQL {@code NULL} (and shares
     *     one instance, so the copy costs little more than the kept values)
     */
    public Row only(java.util.Collection<String> columns) {
        Value[] kept = new Value[values.length];
        java.util.Arrays.fill(kept, Value.NULL);
        for (String column : columns) {
            int index = relation.columnIndex(column);
            if (index >= 0) {
                kept[index] = values[index];
            }
        }
        return new Row(relation, kept);
    }

    private Row(Relation relation, Value[] values) {
        this.relation = relation;
        this.values = values;
    }

    /**
     * Whether the relation has a column of that name.
     *
     * @param column the column's name, as stored
     * @return whether the relation has a column of that name
     */
    public boolean has(String column) {
        return relation.columnIndex(column) >= 0;
    }

    /**
     * The named column's value.
     *
     * @param column the column's name, as stored
     * @return the named column's value
     * @throws IllegalArgumentException if the relation has no such column
     */
    public Value value(String column) {
        return values[indexOf(column)];
    }

    /**
     * Whether the named column is SQL {@code NULL}.
     *
     * @param column the column's name, as stored
     * @return whether the named column is SQL {@code NULL}
     */
    public boolean isNull(String column) {
        return value(column) instanceof Value.Null;
    }

    /**
     * Whether the named column is an unchanged TOASTed value that the server did not send.
     *
     * @param column the column's name, as stored
     * @return whether the named column is an unchanged TOASTed value that the server did not send
     */
    public boolean isUnchanged(String column) {
        return value(column) instanceof Value.Unchanged;
    }

    /**
     * The named column's text form; {@code null} for SQL {@code NULL}.
     *
     * @param column the column's name, as stored
     * @return the named column's text form
     * @throws IllegalStateException if the value is an unchanged TOAST value (not sent)
     */
    public String text(String column) {
        Value value = value(column);
        return switch (value) {
            case Value.Null n -> null;
            case Value.Text t -> t.text();
            case Value.Unchanged u -> throw new IllegalStateException("Column " + column + " of "
                    + relation.qualifiedName() + " is an unchanged TOAST value: the server did not send it");
            case Value.Binary b -> throw new IllegalStateException("Column " + column + " of "
                    + relation.qualifiedName() + " is in binary form");
        };
    }

    /**
     * The named column converted to {@code type} from its text form; {@code null} for SQL
     * {@code NULL}. Supports the boxed primitives, {@code String}, {@code BigDecimal},
     * {@code BigInteger}, {@code UUID}, {@code java.time} types, {@code byte[]} (bytea) and enums
     * (by name). Use {@link #typed(String)} to let the column's type choose.
     *
     * @param <T> the entity type
     * @param column the column's name, as stored
     * @param type the watched entity type
     * @return the named column converted to {@code type} from its text form
     * @throws IllegalStateException    if the value is an unchanged TOAST value
     * @throws IllegalArgumentException if the text cannot be converted to {@code type}
     */
    public <T> T get(String column, Class<T> type) {
        String text = text(column);
        return text == null ? null : PgTypes.convert(text, relation.columns().get(indexOf(column)), type);
    }

    /**
     * The named column as the Java type that fits its PostgreSQL type (e.g. {@code int8} →
     * {@code Long}, {@code timestamptz} → {@code OffsetDateTime}); types without a natural Java
     * type (json, arrays, ranges, enums, custom types) stay text, and so do values that the Java
     * type cannot hold (numeric {@code NaN}, {@code infinity} dates and timestamps). {@code null}
     * for SQL {@code NULL}.
     *
     * @param column the column's name, as stored
     * @return the named column as the Java type that fits its PostgreSQL type (e.g. {@code int8} → {@code Long},
     *     {@code timestamptz} → {@code OffsetDateTime}); types without a natural Java type (json, arrays, ranges,
     *     enums, custom types) stay text, and so do values that the Java type cannot hold (numeric {@code NaN},
     *     {@code infinity} dates and timestamps)
     * @throws IllegalStateException if the value is an unchanged TOAST value
     */
    public Object typed(String column) {
        String text = text(column);
        return text == null ? null : PgTypes.typed(text, relation.columns().get(indexOf(column)));
    }

    /** {@return the values by column name, in column order} */
    public Map<String, Value> asMap() {
        Map<String, Value> map = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            map.put(relation.columns().get(i).name(), values[i]);
        }
        return map;
    }

    private int indexOf(String column) {
        int index = relation.columnIndex(column);
        if (index < 0) {
            throw new IllegalArgumentException("Table " + relation.qualifiedName() + " has no column " + column
                    + " (columns: " + relation.columns().stream().map(Column::name).toList() + ")");
        }
        return index;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Row other && other.relation.equals(relation) && Arrays.equals(other.values, values);
    }

    @Override
    public int hashCode() {
        return 31 * relation.hashCode() + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return relation.table() + asMap();
    }
}
