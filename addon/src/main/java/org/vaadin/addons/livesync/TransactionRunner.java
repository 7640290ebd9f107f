package org.vaadin.addons.livesync;

import org.vaadin.addons.livesync.internal.dispatch.SaveGuard;

import java.util.function.Consumer;

import org.hibernate.SessionFactory;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;

/**
 * Runs a form's save in a database transaction (see {@link SaveGuard}): the row lock, the check and
 * the write all run in it, on one connection. The Spring Boot auto-configuration installs one on the
 * application's transaction manager, so that repositories and {@code @Transactional} code called by
 * the save join the same transaction; without Spring, {@link #of(EntityManagerFactory)} is used.
 * <p>
 * Implementations must be thread-safe: saves of different UIs may run at the same time.
 */
@FunctionalInterface
public interface TransactionRunner {

    /**
     * Runs {@code work} in a transaction and commits it when {@code work} returns; when it throws,
     * rolls it back and rethrows. {@code work} receives the transaction's {@link EntityManager}.
     *
     * @param work what to run with the transaction's EntityManager
     */
    void inTransaction(Consumer<EntityManager> work);

    /**
     * A runner that opens a Hibernate {@link org.hibernate.Session} of its own for each call and runs
     * the work in that session's transaction. Code called by the work must use the given
     * EntityManager: a transaction of its own (on another connection) would wait for the row lock
     * the save holds.
     *
     * @param entityManagerFactory the application's Hibernate entity manager factory (a {@code SessionFactory} is
     *     one)
     * @return a runner that opens a Hibernate {@link org.hibernate.Session} of its own for each call and runs the
     *     work in that session's transaction
     */
    static TransactionRunner of(EntityManagerFactory entityManagerFactory) {
        SessionFactory sessionFactory = entityManagerFactory.unwrap(SessionFactory.class);
        return work -> sessionFactory.inTransaction(work::accept);
    }
}
