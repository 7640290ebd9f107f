package org.vaadin.addons.livesync.dispatch;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.persister.entity.EntityPersister;
import org.hibernate.type.Type;
import org.vaadin.addons.livesync.watch.WatchedEntity;

/**
 * Loads changed rows as entities: one query per entity type and transaction, however many views
 * receive them, and a private copy of each entity for every view, so that no instance is ever
 * shared between two sessions. Thread-safe.
 */
final class EntityFetcher {

    private final SessionFactoryImplementor sessionFactory;

    EntityFetcher(SessionFactory sessionFactory) {
        this.sessionFactory = sessionFactory.unwrap(SessionFactoryImplementor.class);
    }

    /** The entities with these ids, by id; ids whose row is gone (or not visible through the mapping) are absent. */
    <T> Map<Object, T> fetch(WatchedEntity<T> entity, Collection<?> ids) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        Map<Object, T> found = new HashMap<>();
        try (StatelessSession session = sessionFactory.openStatelessSession()) {
            List<T> rows = session.createSelectionQuery(
                            "from " + entity.entityName() + " e where e." + entity.idAttribute() + " in (:ids)",
                            entity.type())
                    .setParameterList("ids", ids)
                    .setReadOnly(true)
                    .getResultList();
            for (T row : rows) {
                found.put(entity.idOf(row), row);
            }
        }
        return found;
    }

    /** One entity by id, or null. */
    <T> T fetchOne(WatchedEntity<T> entity, Object id) {
        return fetch(entity, List.of(id)).get(id);
    }

    /**
     * A copy of a loaded entity: a new instance whose attribute values are Hibernate's deep copies
     * (mutable values such as dates and arrays are copied; associations are shared references).
     */
    <T> T copy(WatchedEntity<T> entity, T source) {
        EntityPersister persister = sessionFactory.getMappingMetamodel().getEntityDescriptor(entity.type());
        Object id = persister.getIdentifier(source, (org.hibernate.engine.spi.SharedSessionContractImplementor) null);
        @SuppressWarnings("unchecked")
        T copy = (T) persister.getRepresentationStrategy().getInstantiator().instantiate();
        Object[] values = persister.getValues(source);
        Type[] types = persister.getPropertyTypes();
        Object[] copies = new Object[values.length];
        for (int i = 0; i < values.length; i++) {
            copies[i] = types[i].deepCopy(values[i], sessionFactory);
        }
        persister.setValues(copy, copies);
        persister.setIdentifier(copy, id, null);
        return copy;
    }
}
