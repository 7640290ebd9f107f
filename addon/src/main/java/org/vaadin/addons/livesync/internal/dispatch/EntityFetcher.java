package org.vaadin.addons.livesync.internal.dispatch;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.graph.GraphSemantic;
import org.hibernate.graph.RootGraph;
import org.vaadin.addons.livesync.internal.watch.WatchedEntity;

/**
 * Loads changed rows as entities: one query per entity type and transaction, however many views
 * receive them, with the associations their {@code @Watched(fetch)} names (and the EAGER ones) in
 * that query; and a private copy of each entity and its loaded graph for every view
 * ({@link EntityCopier}), so that no instance is ever shared between two sessions. Thread-safe.
 */
final class EntityFetcher {

    private final SessionFactoryImplementor sessionFactory;
    private final EntityCopier copier;
    /** What to load with the rows of an entity that names associations in {@code @Watched(fetch)}, by type. */
    private final Map<Class<?>, RootGraph<?>> graphs = new java.util.concurrent.ConcurrentHashMap<>();
    /** Whether an entity's watched id is its primary key, by type. */
    private final Map<Class<?>, Boolean> primaryKey = new java.util.concurrent.ConcurrentHashMap<>();

    EntityFetcher(SessionFactory sessionFactory) {
        this.sessionFactory = sessionFactory.unwrap(SessionFactoryImplementor.class);
        this.copier = new EntityCopier(this.sessionFactory);
    }

    /**
     * The entities with these ids, by id; ids whose row is gone (or not visible through the mapping)
     * are absent. The caller makes sure the transactions that changed them are visible first
     * ({@link XidVisibility}): a row read before then is the version before.
     */
    <T> Map<Object, T> fetch(WatchedEntity<T> entity, Collection<?> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        Map<Object, T> found = new HashMap<>();
        try (StatelessSession session = sessionFactory.openStatelessSession()) {
            List<T> rows;
            RootGraph<T> graph = graphOf(entity);
            if (isPrimaryKey(entity)) {
                // a multi-get by primary key: no query text to translate (Hibernate does not cache
                // the plan of an IN-list query, which was a quarter of the delivery thread's time)
                rows = graph == null ? session.getMultiple(entity.type(), List.copyOf(ids))
                        : session.getMultiple(graph, GraphSemantic.LOAD, List.copyOf(ids));
            } else {
                var query = session.createSelectionQuery(
                                "from " + entity.entityName() + " e where e." + entity.idAttribute() + " in (:ids)",
                                entity.type())
                        .setParameterList("ids", ids)
                        .setReadOnly(true);
                if (graph != null) {
                    query.setEntityGraph(graph, GraphSemantic.LOAD);
                }
                rows = query.getResultList();
            }
            for (T row : rows) {
                if (row != null) {
                    found.put(entity.idOf(row), row);
                }
            }
        }
        return found;
    }

    /** The associations {@code @Watched(fetch)} names, as an entity graph (loaded with the rows); null for none. */
    @SuppressWarnings("unchecked")
    private <T> RootGraph<T> graphOf(WatchedEntity<T> entity) {
        if (entity.fetch().isEmpty()) {
            return null;
        }
        return (RootGraph<T>) graphs.computeIfAbsent(entity.type(), type -> {
            RootGraph<T> graph = sessionFactory.createEntityGraph(entity.type());
            entity.fetch().forEach(graph::addAttributeNode);
            return graph.makeCopy(false);
        });
    }

    private boolean isPrimaryKey(WatchedEntity<?> entity) {
        return primaryKey.computeIfAbsent(entity.type(), type -> entity.idAttribute().equals(
                sessionFactory.getMappingMetamodel().getEntityDescriptor(type).getIdentifierPropertyName()));
    }

    /** One entity by id, or null. */
    <T> T fetchOne(WatchedEntity<T> entity, Object id) {
        return fetch(entity, List.of(id)).get(id);
    }

    /**
     * A private copy of a loaded entity and of the graph the load gave it, sharing nothing with
     * another copy; see {@link EntityCopier}.
     */
    <T> T copy(WatchedEntity<T> entity, T source) {
        return copier.copy(source);
    }

    /**
     * The names of the attributes whose values differ between two versions of a row (associations
     * by the entities they point to; collections are not compared).
     */
    <T> java.util.Set<String> changedAttributes(WatchedEntity<T> entity, T before, T after) {
        var persister = sessionFactory.getMappingMetamodel().getEntityDescriptor(entity.type());
        String[] names = persister.getPropertyNames();
        org.hibernate.type.Type[] types = persister.getPropertyTypes();
        Object[] old = persister.getValues(before);
        Object[] now = persister.getValues(after);
        java.util.Set<String> changed = new java.util.HashSet<>();
        for (int i = 0; i < names.length; i++) {
            if (types[i].isCollectionType()) {
                continue;
            }
            try {
                if (!types[i].isEqual(old[i], now[i], sessionFactory)) {
                    changed.add(names[i]);
                }
            } catch (RuntimeException e) {
                changed.add(names[i]); // an unloaded association: count it as changed
            }
        }
        return changed;
    }

    /**
     * The columns that hold these attributes (as sort orders name them), or null when one of them is
     * not a column of the entity's table (a path into an association, a formula, a collection).
     */
    <T> java.util.Set<String> columnsOf(WatchedEntity<T> entity, java.util.Collection<String> attributes) {
        var persister = sessionFactory.getMappingMetamodel().getEntityDescriptor(entity.type());
        if (!(persister instanceof org.hibernate.persister.entity.AbstractEntityPersister table)) {
            return null;
        }
        java.util.Set<String> columns = new java.util.HashSet<>();
        for (String attribute : attributes) {
            if (attribute.equals(entity.idAttribute())) {
                columns.add(entity.idColumn());
                continue;
            }
            try {
                String[] names = table.getPropertyColumnNames(attribute);
                if (names == null || names.length == 0) {
                    return null;
                }
                for (String name : names) {
                    if (name == null || !name.matches("\"?[A-Za-z_][A-Za-z0-9_$]*\"?")) {
                        return null; // a formula, not a column
                    }
                    columns.add(name.startsWith("\"") ? name.substring(1, name.length() - 1) : name.toLowerCase(java.util.Locale.ROOT));
                }
            } catch (RuntimeException e) {
                return null;
            }
        }
        return java.util.Set.copyOf(columns);
    }

    /**
     * The row as it was before an update, rebuilt from a private copy of its new state with the
     * changed columns set back to their old values from the WAL; null when that cannot be done (the
     * WAL lacks the whole old row, or a changed column is not a plain attribute of the entity: an
     * association, an embeddable, an attribute with a converter).
     */
    <T> T before(WatchedEntity<T> entity, T after, ColumnChanges changes) {
        org.vaadin.addons.livesync.internal.decode.Row old = changes.before();
        var persister = sessionFactory.getMappingMetamodel().getEntityDescriptor(entity.type());
        if (old == null || !(persister instanceof org.hibernate.persister.entity.AbstractEntityPersister table)) {
            return null;
        }
        T copy = copier.copy(after);
        String[] names = table.getPropertyNames();
        org.hibernate.type.Type[] types = table.getPropertyTypes();
        for (String column : changes.changed()) {
            int found = -1;
            for (int i = 0; i < names.length && found < 0; i++) {
                String[] columns = table.getPropertyColumnNames(i);
                if (columns != null && columns.length == 1 && column.equalsIgnoreCase(columns[0])) {
                    found = i;
                }
            }
            if (found < 0 || !(types[found] instanceof org.hibernate.type.BasicType<?> basic)
                    || basic instanceof org.hibernate.type.ConvertedBasicType<?>) {
                return null;
            }
            try {
                table.setValue(copy, found, old.get(column, basic.getReturnedClass()));
            } catch (RuntimeException e) {
                return null;
            }
        }
        return copy;
    }
}
