package org.vaadin.addons.livesync.bench;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import org.hibernate.SessionFactory;
import org.hibernate.cfg.AvailableSettings;
import org.hibernate.cfg.Configuration;
import org.vaadin.addons.livesync.CaptureSettings;
import org.vaadin.addons.livesync.LiveSync;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;

/**
 * LiveSync as an application runs it: a HikariCP pool (optionally wrapped to count statements), a Hibernate
 * SessionFactory with {@link BenchTask}, a publication for the task table and a started
 * {@link LiveSync} on a temporary slot. Loaders of views use the same SessionFactory.
 */
final class Pipeline implements AutoCloseable {

    final BenchDb db;
    final String publication;
    final HikariDataSource pool;
    final CountingDataSource counting;
    final SessionFactory sessionFactory;
    final LiveSync liveSync;

    Pipeline(BenchDb db, String publication) {
        this(db, publication, false);
    }

    /**
     * @param countStatements whether the application's connections count the statements executed
     *                        through them (a reflective proxy: only where the count is the figure)
     */
    Pipeline(BenchDb db, String publication, boolean countStatements) {
        this.db = db;
        this.publication = publication;
        db.execute("DROP PUBLICATION IF EXISTS " + publication,
                "CREATE PUBLICATION " + publication + " FOR TABLE " + BenchDb.TASK);
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(db.url());
        config.setUsername(db.user());
        config.setPassword(db.password());
        config.setMaximumPoolSize(8);
        config.setPoolName("bench");
        pool = new HikariDataSource(config);
        counting = countStatements ? new CountingDataSource(pool) : null;
        Configuration hibernate = new Configuration().addAnnotatedClass(BenchTask.class);
        hibernate.getProperties().put(AvailableSettings.JAKARTA_NON_JTA_DATASOURCE,
                countStatements ? counting : pool);
        hibernate.setProperty(AvailableSettings.HBM2DDL_AUTO, "none");
        sessionFactory = hibernate.buildSessionFactory();
        liveSync = LiveSync.create(sessionFactory, CaptureSettings.forDatabase(db.url(), db.user(), db.password())
                .withPublication(publication));
        liveSync.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!liveSync.isLive()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("LiveSync is not live after 60 s: " + liveSync.problems());
            }
            LockSupport.parkNanos(10_000_000);
        }
    }

    /** A tenant's tasks, loaded as the application's own query would. */
    List<BenchTask> load(Long organization) {
        return sessionFactory.fromSession(s -> s.createSelectionQuery(
                        "from BenchTask where organizationId = :o order by id", BenchTask.class)
                .setParameter("o", organization).getResultList());
    }

    /**
     * Waits until LiveSync has delivered every transaction committed so far: a marker row (in a
     * tenant nobody watches) has been handed over and the queue is empty. Bounded.
     */
    void quiesce(Duration max) {
        long before = liveSync.metrics().transactions();
        db.execute("INSERT INTO " + BenchDb.TASK + " (organization_id, title) VALUES (-1, 'quiesce marker')");
        long deadline = System.nanoTime() + max.toNanos();
        while (System.nanoTime() < deadline) {
            if (liveSync.metrics().transactions() > before && liveSync.metrics().pendingTransactions() == 0) {
                return;
            }
            LockSupport.parkNanos(5_000_000);
        }
        throw new IllegalStateException("LiveSync did not catch up within " + max);
    }

    @Override
    public void close() {
        liveSync.stop();
        sessionFactory.close();
        pool.close();
        db.execute("DROP PUBLICATION IF EXISTS " + publication);
    }
}
