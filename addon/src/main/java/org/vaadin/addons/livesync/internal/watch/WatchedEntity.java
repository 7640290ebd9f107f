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
 * A {@link Watched#global() global} entity has no key column: every row's key is the constant
 * {@link #GLOBAL}, and every subscription to it registers under that constant
 * ({@link #subscriptionValueFor}), so that each of its changes reaches every view that watches it.
 * <p>
 * Immutable and thread-safe; the accessors are cheap.
 *
 * @param <T> the entity class
 */
public final class WatchedEntity<T> {

    /**
     * The subscription key of every row of a {@link Watched#global() global} entity, and the value
     * every subscription to one registers under. Its {@code toString()} is {@code "global"}.
     */
    public static final Object GLOBAL = GlobalKey.GLOBAL;

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

    /** {@code keyAttribute}, {@code keyColumn} and {@code keyReader} are all null for a global entity. */
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

    /** {@return the entity class} */
    public Class<T> type() {
        return type;
    }

    /** {@return the entity's name in queries (JPQL/HQL), e.g. {@code "Task"}} */
    public String entityName() {
        return entityName;
    }

    /** {@return the schema of the watched table} */
    public String schema() {
        return table.schema();
    }

    /** {@return the watched table's name, without schema: the mapped table, or {@link Watched#table()} when set} */
    public String table() {
        return table.table();
    }

    /** {@return {@code schema.table}, unquoted} */
    public String qualifiedTable() {
        return table.qualified();
    }

    /** {@return the attribute that identifies a row: the {@code @Id}, or {@link Watched#id()} when set} */
    public String idAttribute() {
        return idAttribute;
    }

    /** {@return the column of {@link #idAttribute()} in the watched table} */
    public String idColumn() {
        return idColumn.name();
    }

    /** {@return the Java type of the id, boxed (e.g. {@code Long})} */
    public Class<?> idType() {
        return idColumn.javaType();
    }

    /**
     * {@return whether the entity is {@link Watched#global() global}: reference data every view of every user may
     *     see}
     */
    public boolean isGlobal() {
        return keyColumn == null;
    }

    /** {@return the subscription key attribute, {@link Watched#subscriptionKey()}} */
    public String keyAttribute() {
        return keyAttribute;
    }

    /**
     * The subscription key's column in the watched table (a foreign key column for a to-one key);
     * {@code null} for a global entity.
     *
     * @return the subscription key's column in the watched table (a foreign key column for a to-one key)
     */
    public String keyColumn() {
        return keyColumn == null ? null : keyColumn.name();
    }

    /**
     * The Java type of the subscription key's values, boxed; for a to-one key, the target's id type;
     * for a global entity, the type of {@link #GLOBAL}.
     *
     * @return the Java type of the subscription key's values, boxed; for a to-one key, the target's id type; for a
     *     global entity, the type of {@link #GLOBAL}
     */
    public Class<?> keyType() {
        return keyColumn == null ? GlobalKey.class : keyColumn.javaType();
    }

    /**
     * The associations loaded with every changed row, {@link Watched#fetch()}: attribute names of
     * the entity, each a to-one association or a collection; empty when none is named.
     *
     * @return the associations loaded with every changed row, {@link Watched#fetch()}: attribute names of the entity,
     *     each a to-one association or a collection; empty when none is named
     */
    public List<String> fetch() {
        return fetch;
    }

    /**
     * The id of {@code entity}: what {@link EntityChange#id()} holds for its row. Reading the
     * {@code @Id} does not initialize a lazy proxy; reading another attribute named by
     * {@link Watched#id()} does.
     *
     * @param entity the watched entity
     * @return the id of {@code entity}: what {@link EntityChange#id()} holds for its row
     */
    public Object idOf(T entity) {
        return idReader.apply(Objects.requireNonNull(entity, "entity"));
    }

    /**
     * The subscription key of {@code entity}: what {@link EntityChange#newKey()} holds for its row;
     * for a to-one key the associated entity's id (without initializing it), {@code null} when the
     * association is empty; {@link #GLOBAL} for a global entity. Initializes {@code entity} if it is
     * a lazy proxy (not for a global entity).
     *
     * @param entity the watched entity
     * @return the subscription key of {@code entity}: what {@link EntityChange#newKey()} holds for its row; for a
     *     to-one key the associated entity's id (without initializing it), {@code null} when the association is empty
     */
    public Object keyOf(T entity) {
        Objects.requireNonNull(entity, "entity");
        return keyReader == null ? GLOBAL : keyReader.apply(entity);
    }

    /**
     * Whether a view with this subscription value may receive {@code row}: always for a global
     * entity; otherwise when the row's key equals the value. A {@code null} value matches no row
     * (not even one whose key is SQL {@code NULL}: such a row belongs to no view).
     *
     * @param row an instance of the entity
     * @param subscriptionValue the subscription value (e.g. the user's organization)
     * @return whether a view with this subscription value may receive {@code row}: always for a global entity;
     *     otherwise when the row's key equals the value
     */
    public boolean belongsTo(T row, Object subscriptionValue) {
        if (isGlobal()) {
            return true;
        }
        return subscriptionValue != null && subscriptionValue.equals(keyOf(row));
    }

    /**
     * The value a view's subscription to this entity registers under: {@link #GLOBAL} for a global
     * entity, whatever the view's value (also {@code null}: a view without a tenant may watch
     * reference data); the view's value otherwise.
     *
     * @param viewValue the view's subscription value
     * @return the value a view's subscription to this entity registers under
     * @throws IllegalArgumentException if the entity is keyed and {@code viewValue} is null
     */
    public Object subscriptionValueFor(Object viewValue) {
        if (isGlobal()) {
            return GLOBAL;
        }
        if (viewValue == null) {
            throw new IllegalArgumentException(type.getSimpleName() + " rows are routed by their " + keyAttribute
                    + " (a " + keyType().getSimpleName() + "), so a view of them needs a subscription value, not"
                    + " null: decide it on the server, e.g. the signed-in user's " + keyAttribute);
        }
        return viewValue;
    }

    /**
     * {@code id} as a value of {@link #idType()}: taken as it is when it has that type; else
     * converted exactly — a whole number of another type or its decimal text into a whole-number
     * id, as long as it fits; the canonical text of a UUID into a {@code UUID} — or refused. Use it
     * on ids that come from outside (route parameters, JSON), so that an id of the wrong type fails
     * loudly instead of matching no row.
     *
     * @param id the row's id
     * @return {@code id} as a value of {@link #idType()}: taken as it is when it has that type; else converted
     *     exactly — a whole number of another type or its decimal text into a whole-number id, as long as it fits;
     *     the canonical text of a UUID into a {@code UUID} — or refused
     * @throws IllegalArgumentException saying what was expected, e.g. <em>Task ids are Long; got the
     *                                  String "abc", which is not a whole number</em>
     */
    public Object convertId(Object id) {
        return IdConversion.convert(type.getSimpleName(), idType(), id);
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

    /** The key column; {@code null} for a global entity. */
    WatchedColumn key() {
        return keyColumn;
    }

    @Override
    public String toString() {
        return "WatchedEntity[" + type.getName() + " on " + table + ", id " + idAttribute + " → " + idColumn
                + (keyColumn == null ? ", global" : ", key " + keyAttribute + " → " + keyColumn)
                + (fetch.isEmpty() ? "" : ", fetch " + fetch) + "]";
    }
}
