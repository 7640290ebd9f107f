package org.vaadin.addons.livesync.bench;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.UnaryOperator;

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
        this(db, publication, countStatements, UnaryOperator.identity());
    }

    /**
     * @param countStatements whether the application's connections count the statements executed
     *                        through them
     * @param capture         changes the capture settings (e.g. a permanent slot)
     */
    Pipeline(BenchDb db, String publication, boolean countStatements, UnaryOperator<CaptureSettings> capture) {
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
        liveSync = LiveSync.create(sessionFactory, capture.apply(CaptureSettings.forDatabase(db.url(), db.user(),
                db.password()).withPublication(publication)));
        liveSync.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!liveSync.liveState().isLive()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("LiveSync is not live after 60 s: " + liveSync.liveState().problems());
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
     * Waits until LiveSync has delivered every transaction committed so far
     * ({@link LiveSync#awaitCaughtUp}: routed to the views, none waiting to become visible) and the
     * views have applied what was routed to them (no UI has changes not yet applied: the
     * {@code livesync-ui} threads apply them, there is no Karibu round trip to run). Bounded.
     */
    void quiesce(Duration max) {
        long deadline = System.nanoTime() + max.toNanos();
        try {
            if (!liveSync.awaitCaughtUp(max)) {
                throw new IllegalStateException("LiveSync did not catch up within " + max + ": " + liveSync.liveState());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        while (liveSync.metrics().busyUis() > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The views did not apply within " + max + ": " + liveSync.metrics());
            }
            LockSupport.parkNanos(2_000_000);
        }
    }

    @Override
    public void close() {
        liveSync.stop();
        sessionFactory.close();
        pool.close();
        db.execute("DROP PUBLICATION IF EXISTS " + publication);
    }
}
