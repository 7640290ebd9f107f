package org.vaadin.addons.livesync.internal.watch;

import org.vaadin.addons.livesync.Watched;

import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * How one {@link Watched} entity maps to the rows LiveSync decodes: its table, the column that
 * identifies a row and the column that routes a change to views (the subscription key), with their
 * Java types. Obtained from a {@link WatchRegistry}.
 * <p>
 * Table and column names are as PostgreSQL stores them (and as a decoded
 * {@link org.vaadin.addons.livesync.internal.decode.Relation} carries them): unquoted identifiers folded to
 * lower case, quoted ones kept as written, after Hibernate's naming strategy. A subscription key that
 * is a to-one association is its foreign key column, and its value is the associated entity's id.
 * <p>
 * Immutable and thread-safe; the accessors are cheap.
 *
 * @param <T> the entity class
 */
public final class WatchedEntity<T> {

    private final Class<T> type;
    private final String entityName;
    private final TableName table;
    private final boolean tableDeclared;
    private final String idAttribute;
    private final WatchedColumn idColumn;
    private final Function<Object, Object> idReader;
    private final String keyAttribute;
    private final WatchedColumn keyColumn;
    private final Function<Object, Object> keyReader;
    private final List<String> fetch;

    WatchedEntity(Class<T> type, String entityName, TableName table, boolean tableDeclared,
                  String idAttribute, WatchedColumn idColumn, Function<Object, Object> idReader,
                  String keyAttribute, WatchedColumn keyColumn, Function<Object, Object> keyReader,
                  List<String> fetch) {
        this.type = type;
        this.entityName = entityName;
        this.table = table;
        this.tableDeclared = tableDeclared;
        this.idAttribute = idAttribute;
        this.idColumn = idColumn;
        this.idReader = idReader;
        this.keyAttribute = keyAttribute;
        this.keyColumn = keyColumn;
        this.keyReader = keyReader;
        this.fetch = List.copyOf(fetch);
    }

    /** The entity class. */
    public Class<T> type() {
        return type;
    }

    /** The entity's name in queries (JPQL/HQL), e.g. {@code "Task"}. */
    public String entityName() {
        return entityName;
    }

    /** The schema of the watched table. */
    public String schema() {
        return table.schema();
    }

    /** The watched table's name, without schema: the mapped table, or {@link Watched#table()} when set. */
    public String table() {
        return table.table();
    }

    /** {@code schema.table}, unquoted. */
    public String qualifiedTable() {
        return table.qualified();
    }

    /** The attribute that identifies a row: the {@code @Id}, or {@link Watched#id()} when set. */
    public String idAttribute() {
        return idAttribute;
    }

    /** The column of {@link #idAttribute()} in the watched table. */
    public String idColumn() {
        return idColumn.name();
    }

    /** The Java type of the id, boxed (e.g. {@code Long}). */
    public Class<?> idType() {
        return idColumn.javaType();
    }

    /** The subscription key attribute, {@link Watched#subscriptionKey()}. */
    public String keyAttribute() {
        return keyAttribute;
    }

    /** The subscription key's column in the watched table (a foreign key column for a to-one key). */
    public String keyColumn() {
        return keyColumn.name();
    }

    /** The Java type of the subscription key's values, boxed; for a to-one key, the target's id type. */
    public Class<?> keyType() {
        return keyColumn.javaType();
    }

    /**
     * The associations loaded with every changed row, {@link Watched#fetch()}: attribute names of
     * the entity, each a to-one association or a collection; empty when none is named.
     */
    public List<String> fetch() {
        return fetch;
    }

    /**
     * The id of {@code entity}: what {@link EntityChange#id()} holds for its row. Reading the
     * {@code @Id} does not initialize a lazy proxy; reading another attribute named by
     * {@link Watched#id()} does.
     */
    public Object idOf(T entity) {
        return idReader.apply(Objects.requireNonNull(entity, "entity"));
    }

    /**
     * The subscription key of {@code entity}: what {@link EntityChange#newKey()} holds for its row;
     * for a to-one key the associated entity's id (without initializing it), {@code null} when the
     * association is empty. Initializes {@code entity} if it is a lazy proxy.
     */
    public Object keyOf(T entity) {
        return keyReader.apply(Objects.requireNonNull(entity, "entity"));
    }

    TableName tableName() {
        return table;
    }

    /** Whether {@link Watched#table()} named the table (rather than the mapping). */
    boolean tableDeclared() {
        return tableDeclared;
    }

    WatchedColumn id() {
        return idColumn;
    }

    WatchedColumn key() {
        return keyColumn;
    }

    @Override
    public String toString() {
        return "WatchedEntity[" + type.getName() + " on " + table + ", id " + idAttribute + " → " + idColumn
                + ", key " + keyAttribute + " → " + keyColumn + (fetch.isEmpty() ? "" : ", fetch " + fetch) + "]";
    }
}
