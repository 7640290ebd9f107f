package org.vaadin.addons.livesync.demo;

import java.io.IOException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * A PostgreSQL server started by the demo itself, with logical replication on, for when no
 * {@code spring.datasource.url} is given. It is the application's {@link JdbcConnectionDetails}, so
 * the datasource, Flyway and LiveSync all use it. Its data lives in a temporary directory and is gone
 * when the application stops. Commits are synchronous, as on a usual server, so that live changes show
 * as fast as they would there; fsync is off, as nothing of it needs to survive a crash.
 */
final class EmbeddedDatabase implements JdbcConnectionDetails, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
    private static final String USER = "postgres";

    private final EmbeddedPostgres postgres;
    private final String url;

    private EmbeddedDatabase(EmbeddedPostgres postgres) {
        this.postgres = postgres;
        this.url = "jdbc:postgresql://localhost:" + postgres.getPort() + "/postgres";
    }

    /** Starts a server (1 to 4 seconds) and logs how to reach it. */
    static EmbeddedDatabase start() {
        try {
            long started = System.nanoTime();
            EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "20")
                    .setServerConfig("max_wal_senders", "20")
                    .setServerConfig("wal_sender_timeout", "60s")
                    // Zonky's default is synchronous_commit=off: a commit's WAL then reaches the walsender
                    // only when the WAL writer flushes it (every wal_writer_delay, 200 ms), which made
                    // live changes look 100-200 ms slower than on a server with the usual setting, on.
                    // fsync stays off (zonky's -F): the data directory is thrown away when the demo stops,
                    // so flushing it to disk buys nothing.
                    .setServerConfig("synchronous_commit", "on")
                    .start();
            EmbeddedDatabase database = new EmbeddedDatabase(postgres);
            LOG.info("""
                    Embedded PostgreSQL started in {} ms (no spring.datasource.url was given); its data is gone when \
                    the demo stops.
                        JDBC URL: {} (user {}, no password)
                        psql:     psql -h localhost -p {} -U {} postgres""",
                    (System.nanoTime() - started) / 1_000_000, database.url, USER, postgres.getPort(), USER);
            return database;
        } catch (IOException e) {
            throw new IllegalStateException("Could not start the embedded PostgreSQL: " + e.getMessage()
                    + ". Point the demo at a PostgreSQL with wal_level=logical instead: set SPRING_DATASOURCE_URL, "
                    + "SPRING_DATASOURCE_USERNAME and SPRING_DATASOURCE_PASSWORD.", e);
        }
    }

    @Override
    public String getJdbcUrl() {
        return url;
    }

    @Override
    public String getUsername() {
        return USER;
    }

    @Override
    public String getPassword() {
        return null;
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
