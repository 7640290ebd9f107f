package org.vaadin.addons.livesync.internal.capture;

import org.vaadin.addons.livesync.CaptureSettings;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * An ordinary SQL connection kept by one thread for its own queries: opened when first needed,
 * opened again after {@link #close()} (e.g. when a query failed). Not thread-safe: one thread's own.
 */
final class OwnConnection implements AutoCloseable {

    private final CaptureSettings settings;
    private Connection connection;

    OwnConnection(CaptureSettings settings) {
        this.settings = settings;
    }

    /** The connection, opened (in autocommit) if it is not. */
    Connection get() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = Connections.sql(settings);
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
