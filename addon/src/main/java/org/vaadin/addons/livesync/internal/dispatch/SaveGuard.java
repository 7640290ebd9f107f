package org.vaadin.addons.livesync.internal.dispatch;

import org.vaadin.addons.livesync.TransactionRunner;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

import org.hibernate.Session;
import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;
import org.hibernate.bytecode.enhance.spi.LazyPropertyInitializer;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.hibernate.engine.spi.SessionImplementor;
import org.hibernate.persister.entity.EntityPersister;
import org.hibernate.type.Type;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.vaadin.addons.livesync.internal.watch.WatchedEntity;

import jakarta.persistence.EntityManager;

/**
 * Lets a form's save write one watched row only while that row is still the version the form
 * loaded, in the form's subscription value, and only as that row in that value. In one transaction
 * (run by the installed {@link TransactionRunner}) a save
 * <ol>
 * <li>locks the row ({@code SELECT ... FOR NO KEY UPDATE}: every other writer of the row waits until
 * the transaction ends) and then reads it, past any persistence context,</li>
 * <li>checks that it exists, that its subscription key is the view's subscription value, and that
 * every column equals the {@link RowState} the form loaded (so a change by any writer is caught,
 * including plain SQL that bumps no {@code @Version}; the version column is one of the compared
 * columns, and Hibernate's merge checks it again),</li>
 * <li>writes the form's values into the draft (a copy of its bean) and checks that the draft is
 * still that row in that value: its id and primary key are the row's, its subscription key the
 * view's value (a form may bind them, and the user edit them),</li>
 * <li>runs the write (the draft merged or handed to the application's saver), flushes, and checks
 * again: the draft's id and key, and the row read anew, which must still exist in the view's
 * value. A failure here rolls the whole transaction back,</li>
 * <li>and commits.</li>
 * </ol>
 * A failed check writes nothing and is reported as an {@link Outcome}, not as an exception; the
 * row lock is released when the transaction ends. A save whose runner joins a transaction of the
 * caller's (Spring's propagation REQUIRED) and is rolled back by the last check marks that
 * transaction rollback-only: the caller's commit then fails rather than write anything.
 * <p>
 * Thread-safe.
 */
public final class SaveGuard {

    private static final Logger LOG = LoggerFactory.getLogger(SaveGuard.class);

    /** What a save did. */
    public enum Outcome {
        /** The checks passed and the write ran in the committed transaction. */
        WRITTEN,
        /** The checks passed but the write declined (e.g. the form's input was invalid): nothing was written. */
        DECLINED,
        /** The row differs from the state the form loaded: nothing was written. */
        CHANGED,
        /** The row was deleted, or its subscription key is no longer the view's value: nothing was written. */
        REMOVED,
        /**
         * The draft or the write would change the row's id or subscription key (write another row, or
         * move this one to another value): nothing was written, or what was is rolled back.
         */
        IDENTITY_CHANGED
    }

    private final SessionFactoryImplementor sessionFactory;
    private final EntityFetcher fetcher;
    private volatile TransactionRunner transactions;

    SaveGuard(SessionFactory sessionFactory, EntityFetcher fetcher) {
        this.sessionFactory = sessionFactory.unwrap(SessionFactoryImplementor.class);
        this.fetcher = fetcher;
        this.transactions = TransactionRunner.of(sessionFactory);
    }

    /**
     * Runs saves in transactions of this runner from now on (e.g. the application's transaction
     * manager, so that its repositories join them). The default opens a Hibernate session per save
     * ({@link TransactionRunner#of}).
     *
     * @param runner the runner saves use from now on
     */
    public void useTransactions(TransactionRunner runner) {
        this.transactions = Objects.requireNonNull(runner, "runner");
    }

    /** {@return the runner saves use} */
    public TransactionRunner transactions() {
        return transactions;
    }

    /**
     * The persisted state of {@code row}, a private instance as {@code LiveSync} loaded or delivered it.
     *
     * @param <T> the entity type
     * @param entity the watched entity
     * @param row a private instance of the entity
     * @return the persisted state of {@code row}, a private instance as {@code LiveSync} loaded or delivered it
     */
    public <T> RowState stateOf(WatchedEntity<T> entity, T row) {
        EntityPersister persister = persister(entity);
        Type[] types = persister.getPropertyTypes();
        Object[] values = persister.getValues(row);
        Object[] state = new Object[values.length];
        for (int i = 0; i < values.length; i++) {
            state[i] = comparable(types[i], values[i]);
        }
        return new RowState(entity.type(), state);
    }

    /**
     * A new instance with a deep copy of {@code row}'s attributes: what a save writes the form into.
     *
     * @param <T> the entity type
     * @param entity the watched entity
     * @param row a private instance of the entity
     * @return a new instance with a deep copy of {@code row}'s attributes: what a save writes the form into
     */
    public <T> T copy(WatchedEntity<T> entity, T row) {
        return fetcher.copy(entity, row);
    }

    /**
     * Saves the row {@code id} if it is still as {@code loaded} and belongs to {@code subscriptionValue}
     * ({@link WatchedEntity#belongsTo}: any row of a global entity does), as that row in that value:
     * locks and checks it in a transaction, then has {@code fill} write the form into {@code draft}
     * (false: write nothing), checks that the draft still has the row's id and the value as its
     * subscription key, and runs {@code write} with the transaction's EntityManager; after it the
     * draft and the row are checked again and the transaction is rolled back if either no longer
     * is the row in that value. Other exceptions of the runner, of {@code fill} or of {@code write}
     * propagate (the transaction is rolled back).
     *
     * @param <T> the entity type
     * @param entity the watched entity
     * @param id the row's id
     * @param subscriptionValue the subscription value (e.g. the user's organization)
     * @param loaded the row's state as the form loaded it
     * @param draft a detached copy of the row ({@link #copy}) that {@code fill} writes the form into
     * @param fill writes the form's values into the draft; false to write nothing (e.g. invalid input)
     * @param write writes the draft, with the transaction's EntityManager
     * @return whether it was saved, and if not why
     */
    public <T> Outcome save(WatchedEntity<T> entity, Object id, Object subscriptionValue, RowState loaded, T draft,
                            Predicate<T> fill, BiConsumer<EntityManager, T> write) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(loaded, "loaded");
        Objects.requireNonNull(draft, "draft");
        if (loaded.type() != entity.type()) {
            throw new IllegalArgumentException(loaded + " is not a state of " + entity.type().getName());
        }
        Outcome[] outcome = new Outcome[1];
        try {
            transactions.inTransaction(entityManager -> outcome[0] = checkAndWrite(
                    entityManager.unwrap(Session.class), entity, id, subscriptionValue, loaded, draft, fill, write));
        } catch (RuntimeException e) {
            if (!RolledBack.isCause(e)) {
                throw e;
            }
            return Outcome.IDENTITY_CHANGED;
        }
        if (outcome[0] == null) {
            throw new IllegalStateException("The TransactionRunner " + transactions + " did not run the save");
        }
        return outcome[0];
    }

    private <T> Outcome checkAndWrite(Session session, WatchedEntity<T> entity, Object id, Object subscriptionValue,
                                      RowState loaded, T draft, Predicate<T> fill, BiConsumer<EntityManager, T> write) {
        T current = lockAndRead(session, entity, id);
        if (current == null || !entity.belongsTo(current, subscriptionValue)) {
            LOG.debug("Save of {} {} refused: the row was deleted or moved away from {}", entity.entityName(), id,
                    subscriptionValue);
            return Outcome.REMOVED;
        }
        List<String> changed = changedProperties(entity, loaded, stateOf(entity, current));
        if (!changed.isEmpty()) {
            LOG.debug("Save of {} {} refused: {} changed since the form loaded it", entity.entityName(), id, changed);
            return Outcome.CHANGED;
        }
        if (!fill.test(draft)) {
            return Outcome.DECLINED;
        }
        String moved = identityChange(session, entity, draft, current, id, subscriptionValue);
        if (moved != null) {
            LOG.debug("Save of {} {} refused: the form's values change its {}", entity.entityName(), id, moved);
            return Outcome.IDENTITY_CHANGED;
        }
        refreshManagedCopy(session, entity, current);
        write.accept(session, draft);
        session.flush();
        T written = lockAndRead(session, entity, id);
        String changedBean = identityChange(session, entity, draft, current, id, subscriptionValue);
        moved = written == null ? "the row's " + entity.idAttribute() + " (no row " + id + " is left)"
                : !entity.belongsTo(written, subscriptionValue) ? "the row's " + entity.keyAttribute()
                : changedBean == null ? null : "the bean's " + changedBean;
        if (moved != null) {
            LOG.warn("Save of {} {} rolled back: the save's write changed {}; a saver must write the bean it is "
                    + "given as that row, in the view's subscription value {}", entity.entityName(), id, moved,
                    subscriptionValue);
            throw new RolledBack();
        }
        return Outcome.WRITTEN;
    }

    /**
     * What makes {@code draft} no longer the row {@code current} in {@code subscriptionValue}: its id,
     * primary key or subscription key, named with the change for the log (e.g. {@code "tenant (1 to
     * 2)"}); null when it still is.
     */
    private <T> String identityChange(Session session, WatchedEntity<T> entity, T draft, T current, Object id,
                                      Object subscriptionValue) {
        if (!Objects.equals(entity.idOf(draft), id)) {
            return entity.idAttribute() + " (" + id + " to " + entity.idOf(draft) + ")";
        }
        EntityPersister persister = persister(entity);
        SessionImplementor implementor = session.unwrap(SessionImplementor.class);
        Object primaryKey = persister.getIdentifier(current, implementor);
        Object draftKey = persister.getIdentifier(draft, implementor);
        if (!persister.getIdentifierType().isEqual(primaryKey, draftKey, sessionFactory)) {
            return persister.getIdentifierPropertyName() + " (" + primaryKey + " to " + draftKey + ")";
        }
        if (!entity.belongsTo(draft, subscriptionValue)) {
            return entity.keyAttribute() + " (" + subscriptionValue + " to " + entity.keyOf(draft) + ")";
        }
        return null;
    }

    /** Thrown into the runner to roll a save's transaction back after its write; never leaves this class. */
    private static final class RolledBack extends RuntimeException {
        RolledBack() {
            super("the save's write changed the row's id or subscription key", null, false, false);
        }

        /** Whether {@code e} is one, or was caused by one (a runner may wrap what it rethrows). */
        static boolean isCause(Throwable e) {
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof RolledBack) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * The row as it is now, locked until the transaction ends, or null when it does not exist. The
     * lock comes first (Hibernate may read a row with associations before it locks it), then the
     * read, through a stateless session on the transaction's connection, so that an instance the
     * caller's persistence context already holds (e.g. open-session-in-view) cannot stand in for the
     * current row.
     */
    private <T> T lockAndRead(Session session, WatchedEntity<T> entity, Object id) {
        boolean primaryKey = entity.idAttribute().equals(persister(entity).getIdentifierPropertyName());
        return session.doReturningWork(connection -> {
            if (!lock(connection, entity, id)) {
                return null;
            }
            try (StatelessSession reader = sessionFactory.withStatelessOptions().connection(connection)
                    .openStatelessSession()) {
                if (primaryKey) {
                    return reader.get(entity.type(), id);
                }
                return reader.createSelectionQuery(
                                "from " + entity.entityName() + " e where e." + entity.idAttribute() + " = :id",
                                entity.type())
                        .setParameter("id", id)
                        .getSingleResultOrNull();
            }
        });
    }

    /** Locks the watched table's row against every other writer; false if there is no such row. */
    private static boolean lock(Connection connection, WatchedEntity<?> entity, Object id) throws SQLException {
        String sql = "SELECT 1 FROM " + quote(entity.schema()) + "." + quote(entity.table()) + " WHERE "
                + quote(entity.idColumn()) + " = ? FOR NO KEY UPDATE";
        try (PreparedStatement lock = connection.prepareStatement(sql)) {
            lock.setObject(1, id);
            try (ResultSet row = lock.executeQuery()) {
                return row.next();
            }
        }
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /**
     * Brings an instance of the row that the session already manages (an older copy, perhaps) up to
     * date, so that a merge copies the form's values onto the current row.
     */
    private <T> void refreshManagedCopy(Session session, WatchedEntity<T> entity, T current) {
        EntityPersister persister = persister(entity);
        SessionImplementor implementor = session.unwrap(SessionImplementor.class);
        Object primaryKey = persister.getIdentifier(current, implementor);
        Object managed = implementor.getPersistenceContextInternal()
                .getEntity(implementor.generateEntityKey(primaryKey, persister));
        if (managed != null) {
            session.refresh(managed);
        }
    }

    private List<String> changedProperties(WatchedEntity<?> entity, RowState loaded, RowState current) {
        EntityPersister persister = persister(entity);
        Type[] types = persister.getPropertyTypes();
        String[] names = persister.getPropertyNames();
        if (loaded.size() != types.length) {
            throw new IllegalStateException(loaded + " does not match the mapping of " + entity.entityName());
        }
        List<String> changed = new ArrayList<>();
        for (int i = 0; i < types.length; i++) {
            Object before = loaded.value(i);
            Object now = current.value(i);
            if (types[i].isCollectionType() || before == RowState.Unfetched.VALUE || now == RowState.Unfetched.VALUE) {
                continue; // not part of the row, or not loaded: nothing to compare
            }
            boolean same = types[i].isEntityType() ? Objects.equals(before, now)
                    : types[i].isEqual(before, now, sessionFactory);
            if (!same) {
                changed.add(names[i]);
            }
        }
        return changed;
    }

    /** A value to compare later: a private copy; a to-one association's id; nothing for a collection. */
    private Object comparable(Type type, Object value) {
        if (type.isCollectionType()) {
            return null;
        }
        if (value == LazyPropertyInitializer.UNFETCHED_PROPERTY) {
            return RowState.Unfetched.VALUE;
        }
        if (type.isEntityType()) {
            return value == null ? null : sessionFactory.getPersistenceUnitUtil().getIdentifier(value);
        }
        return type.deepCopy(value, sessionFactory);
    }

    private EntityPersister persister(WatchedEntity<?> entity) {
        return sessionFactory.getMappingMetamodel().getEntityDescriptor(entity.type());
    }
}
