package org.vaadin.addons.livesync.internal.capture;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

import org.vaadin.addons.livesync.CaptureSettings;

/**
 * Opens LiveSync's connections to the database that {@link CaptureSettings} name: ordinary SQL
 * connections (preflight, heartbeat, probes) and logical replication connections. Stateless and
 * thread-safe.
 */
final class Connections {

    private Connections() {
    }

    /** A new ordinary SQL connection, {@code application_name} {@code livesync}. */
    static Connection sql(CaptureSettings settings) throws SQLException {
        return DriverManager.getConnection(settings.jdbcUrl(), sqlProperties(settings));
    }

    /** A new logical replication connection whose {@code application_name} is {@code applicationName}. */
    static Connection replication(CaptureSettings settings, String applicationName) throws SQLException {
        return DriverManager.getConnection(settings.jdbcUrl(), replicationProperties(settings, applicationName));
    }

    private static Properties sqlProperties(CaptureSettings settings) {
        Properties props = new Properties();
        if (settings.user() != null) {
            props.setProperty("user", settings.user());
        }
        if (settings.password() != null) {
            props.setProperty("password", settings.password());
        }
        props.setProperty("ApplicationName", "livesync");
        props.setProperty("connectTimeout", "10");
        return props;
    }

    private static Properties replicationProperties(CaptureSettings settings, String applicationName) {
        Properties props = sqlProperties(settings);
        props.setProperty("replication", "database");
        props.setProperty("assumeMinServerVersion", "14");
        props.setProperty("preferQueryMode", "simple");
        props.setProperty("ApplicationName", applicationName);
        return props;
    }
}
