package org.vaadin.addons.livesync.internal.watch;

import org.vaadin.addons.livesync.WatchConfigurationException;
import org.vaadin.addons.livesync.Watched;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import jakarta.persistence.EntityManagerFactory;

import org.hibernate.SessionFactory;
import org.hibernate.boot.model.naming.Identifier;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.persister.entity.EntityPersister;
import org.vaadin.addons.livesync.internal.decode.Relation;
import org.vaadin.addons.livesync.internal.decode.RowChange;
import org.vaadin.addons.livesync.internal.decode.Transaction;

/**
 * The {@link Watched} entities of one persistence unit, and the translation of decoded
 * transactions into {@link EntityChange}s of them.
 * <p>
 * {@link #of(SessionFactory)} finds the entities through Hibernate's metamodel and resolves their
 * tables and columns through Hibernate's mapping, so naming strategies, {@code @Table},
 * {@code @Column} and {@code @JoinColumn} count as they do for Hibernate's own SQL. Declarations
 * that cannot work fail there; {@link #validate(Connection)} checks the rest against the database.
 * <p>
 * An entity is watched on one table: the one holding its subscription key column (for a
 * {@link Watched#global() global} entity, its id column), or the one {@link Watched#table()} names. For an entity spread over several tables ({@code JOINED}
 * inheritance, {@code @SecondaryTable}) a change that touches only its other tables is not seen.
 * An entity of an inheritance hierarchy sees every row of its table, including its sibling
 * types' rows: their ids simply match none of its instances.
 * <p>
 * Immutable after it is built, and thread-safe.
 */
public final class WatchRegistry {

    private static final String FALLBACK_SCHEMA = "public";

    private final List<WatchedEntity<?>> entities;
    private final Map<Class<?>, WatchedEntity<?>> byType;
    private final Map<TableName, List<WatchedEntity<?>>> byTable;
    private final Set<String> tables;

    private WatchRegistry(List<WatchedEntity<?>> entities) {
        this.entities = List.copyOf(entities);
        Map<Class<?>, WatchedEntity<?>> types = new HashMap<>();
        Map<TableName, List<WatchedEntity<?>>> byTableName = new HashMap<>();
        Set<String> names = new LinkedHashSet<>();
        for (WatchedEntity<?> entity : this.entities) {
            types.put(entity.type(), entity);
            byTableName.computeIfAbsent(entity.tableName(), t -> new ArrayList<>()).add(entity);
            names.add(entity.qualifiedTable());
        }
        byTableName.replaceAll((table, list) -> List.copyOf(list));
        this.byType = Map.copyOf(types);
        this.byTable = Map.copyOf(byTableName);
        this.tables = Collections.unmodifiableSet(names);
    }

    /**
     * Finds and resolves the {@link Watched} entities of {@code sessionFactory}.
     * <p>
     * A table whose mapping names no schema is in {@code hibernate.default_schema} when set, else in
     * the schema Hibernate found current when it started (the head of the {@code search_path}), else
     * in {@code public}.
     *
     * @param sessionFactory the application's Hibernate session factory
     * @return the registry
     * @throws WatchConfigurationException if a declaration does not fit the entity's mapping
     */
    public static WatchRegistry of(SessionFactory sessionFactory) {
        SessionFactoryImplementor factory = sessionFactory.unwrap(SessionFactoryImplementor.class);
        EntityResolver resolver = new EntityResolver(factory.getPersistenceUnitUtil(), defaultSchema(factory));
        List<EntityPersister> watched = new ArrayList<>();
        factory.getMappingMetamodel().forEachEntityDescriptor(persister -> {
            Class<?> type = persister.getMappedClass();
            if (type != null && type.isAnnotationPresent(Watched.class)) {
                watched.add(persister);
            }
        });
        watched.sort(Comparator.comparing(EntityPersister::getEntityName));
        List<WatchedEntity<?>> entities = new ArrayList<>(watched.size());
        for (EntityPersister persister : watched) {
            Class<?> type = persister.getMappedClass();
            entities.add(resolver.resolve(persister, type, type.getAnnotation(Watched.class)));
        }
        return new WatchRegistry(entities);
    }

    /**
     * Finds and resolves the {@link Watched} entities of a JPA persistence unit run by Hibernate.
     *
     * @param entityManagerFactory the application's Hibernate entity manager factory (a {@code SessionFactory} is
     *     one)
     * @return the registry
     * @throws WatchConfigurationException if a declaration does not fit the entity's mapping
     * @throws jakarta.persistence.PersistenceException if the factory is not Hibernate's
     */
    public static WatchRegistry of(EntityManagerFactory entityManagerFactory) {
        return of(entityManagerFactory.unwrap(SessionFactory.class));
    }

    /**
     * Checks the declarations against the database: every watched table exists and is a base (or
     * partitioned) table, since logical replication publishes nothing else; it has the id and key
     * columns (a global entity has no key column); and its replica identity makes a DELETE carry the
     * id column (the primary key or replica identity index contains it, or the identity is FULL).
     *
     * @param connection a connection to the database the entities map; left open
     * @throws WatchConfigurationException naming every problem found, one per line
     * @throws SQLException                if the catalog cannot be read
     */
    public void validate(Connection connection) throws SQLException {
        List<String> problems = new TableValidator(connection).problems(entities);
        if (!problems.isEmpty()) {
            throw new WatchConfigurationException("LiveSync cannot watch these entities:\n  - "
                    + String.join("\n  - ", problems));
        }
    }

    /**
     * Asks the catalog whether every UPDATE and DELETE of the entity's table carries the row's old
     * subscription key in the WAL: its replica identity is FULL, or the identity's index (the primary
     * key under DEFAULT) contains the key column; always for a global entity. Without it a view cannot
     * keep a row count by the changes (a row may leave its value unseen).
     *
     * @param connection a connection to the database the entities map; left open
     * @param entity a watched entity
     * @return whether the WAL carries the old key; empty when the table does not exist or is no table
     * @throws SQLException if the catalog cannot be read
     */
    public Optional<Boolean> carriesOldKey(Connection connection, WatchedEntity<?> entity) throws SQLException {
        return Optional.ofNullable(new TableValidator(connection).carriesOldKey(entity));
    }

    /** {@return the watched entities, ordered by entity name} */
    public List<WatchedEntity<?>> entities() {
        return entities;
    }

    /**
     * The watched entity of exactly this class, if it is watched. For an instance that may be a lazy
     * proxy, pass {@code org.hibernate.Hibernate.getClass(instance)}.
     *
     * @param <T> the entity type
     * @param type the watched entity type
     * @return the watched entity of exactly this class, if it is watched
     */
    @SuppressWarnings("unchecked")
    public <T> Optional<WatchedEntity<T>> find(Class<T> type) {
        return Optional.ofNullable((WatchedEntity<T>) byType.get(type));
    }

    /**
     * The watched tables as {@code schema.table}, unquoted (quote them to write SQL), e.g. for a
     * publication.
     *
     * @return the watched tables as {@code schema.table}, unquoted (quote them to write SQL), e.g. for a publication
     */
    public Set<String> tables() {
        return tables;
    }

    /** {@return whether no entity is watched} */
    public boolean isEmpty() {
        return entities.isEmpty();
    }

    /**
     * The entity changes of {@code transaction}, in commit order: for each row change of a watched
     * table one change per entity watching that table (in {@link #entities()} order); row changes
     * of other tables are skipped. Finding a row change's entities is a hash lookup of its table.
     *
     * @param transaction the transaction
     * @return an unmodifiable list, empty when nothing watched changed
     * @throws IllegalArgumentException if an id or key value cannot be converted to its Java type
     */
    public List<EntityChange> changesOf(Transaction transaction) {
        if (byTable.isEmpty() || transaction.isEmpty()) {
            return List.of();
        }
        List<EntityChange> changes = new ArrayList<>(transaction.changes().size());
        for (RowChange change : transaction.changes()) {
            for (WatchedEntity<?> entity : watching(change.relation())) {
                changes.add(ChangeReader.read(entity, change));
            }
        }
        return Collections.unmodifiableList(changes);
    }

    /**
     * The entity changes {@code change} makes, as {@link #changesOf(Transaction)} would list them.
     *
     * @param change a decoded row change
     * @return the entity changes {@code change} makes, as {@link #changesOf(Transaction)} would list them
     * @throws IllegalArgumentException if an id or key value cannot be converted to its Java type
     */
    public List<EntityChange> changesOf(RowChange change) {
        Objects.requireNonNull(change, "change");
        return watching(change.relation()).stream().<EntityChange>map(entity -> ChangeReader.read(entity, change))
                .toList();
    }

    /**
     * Whether an entity watches {@code relation}'s table.
     *
     * @param relation the table's relation
     * @return whether an entity watches {@code relation}'s table
     */
    public boolean watches(Relation relation) {
        return !watching(relation).isEmpty();
    }

    /**
     * The entities watching the table {@code schema.table} (unquoted, as {@link Relation#qualifiedName()}).
     *
     * @param qualifiedTable the table, {@code schema.table}, unquoted
     * @return the entities watching the table {@code schema.table} (unquoted, as {@link Relation#qualifiedName()})
     */
    public List<WatchedEntity<?>> entitiesOn(String qualifiedTable) {
        List<String> parts = List.of(qualifiedTable.split("\\.", 2));
        return parts.size() == 2 ? byTable.getOrDefault(new TableName(parts.get(0), parts.get(1)), List.of()) : List.of();
    }

    /** The entities watching {@code relation}'s table; empty when none does. */
    private List<WatchedEntity<?>> watching(Relation relation) {
        return byTable.getOrDefault(new TableName(relation.schema(), relation.table()), List.of());
    }

    @Override
    public String toString() {
        return "WatchRegistry" + entities;
    }

    private static String defaultSchema(SessionFactoryImplementor factory) {
        Identifier configured = factory.getSqlStringGenerationContext().getDefaultSchema();
        if (configured != null) {
            return configured.isQuoted() ? configured.getText() : TableName.identifier(configured.getText());
        }
        Identifier current = factory.getJdbcServices().getJdbcEnvironment().getCurrentSchema();
        return current != null ? current.getText() : FALLBACK_SCHEMA;
    }
}
