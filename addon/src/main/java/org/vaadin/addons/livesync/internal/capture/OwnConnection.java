package org.vaadin.addons.livesync.internal.capture;

import org.vaadin.addons.livesync.CaptureSettings;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * An ordinary SQL connection to one of the {@linkplain Connections.Server servers}, kept by one thread for its own queries: opened when first needed,
 * opened again after {@link #close()} (e.g. when a query failed). Not thread-safe: one thread's own.
 */
final class OwnConnection implements AutoCloseable {

    private final CaptureSettings settings;
    private final Connections.Server server;
    private Connection connection;

    /** A connection to {@code server} of the settings. */
    OwnConnection(CaptureSettings settings, Connections.Server server) {
        this.settings = settings;
        this.server = server;
    }

    /** The connection, opened (in autocommit) if it is not. */
    Connection get() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = Connections.sql(settings, server);
            connection.setAutoCommit(true);
        }
        return connection;
    }

    /** Closes the connection, if open. Idempotent. */
    @Override
    public void close() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // going away anyway
            }
            connection = null;
        }
    }
}
