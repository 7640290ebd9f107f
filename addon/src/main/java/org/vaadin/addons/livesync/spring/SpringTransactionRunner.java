package org.vaadin.addons.livesync.spring;

import java.util.function.Consumer;

import org.springframework.orm.jpa.EntityManagerFactoryUtils;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;
import org.vaadin.addons.livesync.TransactionRunner;

import jakarta.persistence.EntityManager;
import jakarta.persistence.EntityManagerFactory;

/**
 * Runs form saves on the application's transaction manager (propagation REQUIRED: a save called
 * inside a transaction joins it), handing the work the transaction's {@link EntityManager}: the one
 * Spring Data repositories and {@code @PersistenceContext} proxies use, so a repository's
 * {@code save} called by the form's saver runs in the same transaction and on the same connection as
 * the row lock and check. Thread-safe.
 */
final class SpringTransactionRunner implements TransactionRunner {

    private final TransactionTemplate template;
    private final EntityManagerFactory entityManagerFactory;

    SpringTransactionRunner(PlatformTransactionManager transactionManager, EntityManagerFactory entityManagerFactory) {
        this.template = new TransactionTemplate(transactionManager);
        this.entityManagerFactory = entityManagerFactory;
    }

    @Override
    public void inTransaction(Consumer<EntityManager> work) {
        template.executeWithoutResult(status -> {
            EntityManager entityManager = EntityManagerFactoryUtils.getTransactionalEntityManager(entityManagerFactory);
            if (entityManager == null) {
                throw new IllegalStateException("The application's transaction manager ("
                        + template.getTransactionManager() + ") binds no JPA EntityManager to its transactions, so "
                        + "LiveSync cannot run a form's save in them: use a JpaTransactionManager, or define a bean "
                        + "of type " + TransactionRunner.class.getName());
            }
            work.accept(entityManager);
        });
    }

    @Override
    public String toString() {
        return "SpringTransactionRunner[" + template.getTransactionManager() + "]";
    }
}
