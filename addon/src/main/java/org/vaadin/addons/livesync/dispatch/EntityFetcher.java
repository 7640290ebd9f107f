package org.vaadin.addons.livesync.dispatch;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.persister.entity.EntityPersister;
import org.hibernate.type.Type;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vaadin.addons.livesync.watch.WatchedEntity;

/**
 * Loads changed rows as entities: one query per entity type and transaction, however many views
 * receive them, and a private copy of each entity for every view, so that no instance is ever
 * shared between two sessions. Thread-safe.
 */
final class EntityFetcher {

    private static final Logger LOG = LoggerFactory.getLogger(EntityFetcher.class);
    private static final Duration VISIBILITY_WAIT = Duration.ofSeconds(5);
    /** Whether the 32-bit xid (placed in the snapshot's epoch, or the one before if it wrapped) is visible now. */
    private static final String VISIBLE_SQL = """
            SELECT pg_visible_in_snapshot(
                     (((pg_snapshot_xmax(s)::text::bigint >> 32)
                       - CASE WHEN ?::bigint > (pg_snapshot_xmax(s)::text::bigint & 4294967295) THEN 1 ELSE 0 END) << 32
                      | ?::bigint)::text::xid8, s)
              FROM pg_current_snapshot() s""";

    private final SessionFactoryImplementor sessionFactory;
    /** Whether an entity's watched id is its primary key, by type. */
    private final Map<Class<?>, Boolean> primaryKey = new java.util.concurrent.ConcurrentHashMap<>();

    EntityFetcher(SessionFactory sessionFactory) {
        this.sessionFactory = sessionFactory.unwrap(SessionFactoryImplementor.class);
    }

    /**
     * The entities with these ids, by id; ids whose row is gone (or not visible through the mapping)
     * are absent.
     */
    <T> Map<Object, T> fetch(WatchedEntity<T> entity, Collection<?> ids) {
        return fetch(entity, ids, 0);
    }

    /**
     * As {@link #fetch(WatchedEntity, Collection)}, reading a state that includes the transaction
     * {@code xid} (0: no such wait). The server sends a commit to logical decoding a moment before
     * it becomes visible to new snapshots; reading in that moment would return the row as it was
     * before, and the view would keep that stale version. So the read first waits (briefly) until
     * {@code xid} is visible; any later snapshot then sees it too.
     */
    <T> Map<Object, T> fetch(WatchedEntity<T> entity, Collection<?> ids, long xid) {
        if (ids.isEmpty()) {
            return Map.of();
        }
        Map<Object, T> found = new HashMap<>();
        try (StatelessSession session = sessionFactory.openStatelessSession()) {
            if (xid != 0) {
                session.doWork(connection -> awaitVisible(connection, xid));
            }
            List<T> rows;
            if (isPrimaryKey(entity)) {
                // a multi-get by primary key: no query text to translate (Hibernate does not cache
                // the plan of an IN-list query, which was a quarter of the delivery thread's time)
                rows = session.getMultiple(entity.type(), List.copyOf(ids));
            } else {
                rows = session.createSelectionQuery(
                                "from " + entity.entityName() + " e where e." + entity.idAttribute() + " in (:ids)",
                                entity.type())
                        .setParameterList("ids", ids)
                        .setReadOnly(true)
                        .getResultList();
            }
            for (T row : rows) {
                if (row != null) {
                    found.put(entity.idOf(row), row);
                }
            }
        }
        return found;
    }

    private static void awaitVisible(Connection connection, long xid) throws SQLException {
        long deadline = System.nanoTime() + VISIBILITY_WAIT.toNanos();
        long pause = 100_000;
        try (PreparedStatement check = connection.prepareStatement(VISIBLE_SQL)) {
            check.setLong(1, xid);
            check.setLong(2, xid);
            while (true) {
                try (ResultSet rs = check.executeQuery()) {
                    if (rs.next() && rs.getBoolean(1)) {
                        return;
                    }
                }
                if (System.nanoTime() > deadline) {
                    LOG.warn("Transaction {} is still not visible after {}; loading the rows anyway", xid, VISIBILITY_WAIT);
                    return;
                }
                LockSupport.parkNanos(pause);
                pause = Math.min(pause * 2, 10_000_000);
            }
        }
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
