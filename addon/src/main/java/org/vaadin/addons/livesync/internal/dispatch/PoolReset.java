package org.vaadin.addons.livesync.internal.dispatch;

import java.sql.SQLException;

import javax.sql.DataSource;

import org.hibernate.SessionFactory;
import org.hibernate.engine.jdbc.connections.spi.ConnectionProvider;
import org.hibernate.engine.spi.SessionFactoryImplementor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.zaxxer.hikari.HikariDataSource;
import com.zaxxer.hikari.HikariPoolMXBean;

/**
 * Makes the application's connection pool replace the connections it holds once the server
 * restarted. Those connections died with the server; a pool that hands them out checks each first
 * (Hikari logs a "Failed to validate connection" WARN per dead one), and after a restart LiveSync's
 * own threads are the first to borrow: they load the changed rows and every view reloads. A Hikari
 * pool (the DataSource of the SessionFactory, as Spring Boot configures it, or Hibernate's
 * {@code hibernate-hikaricp} provider) is soft-evicted: idle connections are closed and new ones
 * opened on demand, those in use are closed when returned. Any other pool is left alone. Hikari is
 * optional: its classes are touched only when they are on the class path.
 * <p>
 * Thread-safe (stateless but for the session factory); called on the delivery thread.
 */
final class PoolReset {

    private static final Logger LOG = LoggerFactory.getLogger(PoolReset.class);
    private static final boolean HIKARI_PRESENT = present("com.zaxxer.hikari.HikariDataSource");

    private final SessionFactoryImplementor sessionFactory;

    PoolReset(SessionFactory sessionFactory) {
        this.sessionFactory = sessionFactory.unwrap(SessionFactoryImplementor.class);
    }

    /**
     * The server restarted (or is another one): the pool drops the connections it holds. Never
     * throws; a pool that cannot be reached this way keeps its connections (it validates them).
     */
    void serverRestarted() {
        try {
            DataSource dataSource = dataSource();
            String pool = dataSource == null || !HIKARI_PRESENT ? null : Hikari.softEvict(dataSource);
            if (pool != null) {
                LOG.info("The database server restarted: the application's connection pool {} replaces the"
                        + " connections it held", pool);
            }
        } catch (SQLException | RuntimeException | LinkageError e) {
            LOG.debug("Could not have the application's connection pool replace its connections: {}", e.toString());
        }
    }

    /** The DataSource the session factory's connections come from, or null when it has none to show. */
    private DataSource dataSource() {
        ConnectionProvider provider = sessionFactory.getServiceRegistry().getService(ConnectionProvider.class);
        return provider != null && provider.isUnwrappableAs(DataSource.class) ? provider.unwrap(DataSource.class) : null;
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, PoolReset.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Hikari's types: loaded only when Hikari is on the class path. */
    private static final class Hikari {

        /** Soft-evicts a Hikari pool behind {@code dataSource}; returns its name, or null when it is no started Hikari pool. */
        static String softEvict(DataSource dataSource) throws SQLException {
            if (!dataSource.isWrapperFor(HikariDataSource.class)) {
                return null;
            }
            HikariDataSource hikari = dataSource.unwrap(HikariDataSource.class);
            HikariPoolMXBean pool = hikari.getHikariPoolMXBean();
            if (pool == null) {
                return null; // not started: it holds no connection
            }
            pool.softEvictConnections();
            return hikari.getPoolName();
        }
    }
}
