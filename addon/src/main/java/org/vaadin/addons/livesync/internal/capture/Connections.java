package org.vaadin.addons.livesync.internal.capture;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

import org.vaadin.addons.livesync.CaptureSettings;
import org.vaadin.addons.livesync.CaptureSettings.ReplicationSource;

/**
 * Opens LiveSync's connections to the servers that {@link CaptureSettings} name: ordinary SQL
 * connections (preflight, heartbeat, probes) to either server, and logical replication connections
 * to the {@linkplain Server#REPLICATION_SOURCE replication source}. Without a {@linkplain
 * CaptureSettings#withReplicationSource replication source of its own} both servers are the
 * database at the JDBC URL. Stateless and thread-safe.
 */
final class Connections {

    /** Which of the two servers a connection goes to. */
    enum Server {
        /** The database at {@link CaptureSettings#jdbcUrl()}: publications, heartbeats, positions. */
        PRIMARY,
        /** Where the slot is: the replication source when one is set, else the primary. */
        REPLICATION_SOURCE
    }

    private Connections() {
    }

    /** A new ordinary SQL connection to the primary, {@code application_name} {@code livesync}. */
    static Connection sql(CaptureSettings settings) throws SQLException {
        return sql(settings, Server.PRIMARY);
    }

    /** A new ordinary SQL connection to {@code server}, {@code application_name} {@code livesync}. */
    static Connection sql(CaptureSettings settings, Server server) throws SQLException {
        return DriverManager.getConnection(url(settings, server), sqlProperties(settings, server));
    }

    /**
     * A new logical replication connection to the replication source whose {@code application_name}
     * is {@code applicationName}.
     */
    static Connection replication(CaptureSettings settings, String applicationName) throws SQLException {
        return DriverManager.getConnection(url(settings, Server.REPLICATION_SOURCE),
                replicationProperties(settings, applicationName));
    }

    /** Whether the slot is on another server than the primary. */
    static boolean separateSource(CaptureSettings settings) {
        return settings.replicationSource() != null;
    }

    /** The JDBC URL of {@code server}, for opening connections (not for messages: not redacted). */
    static String url(CaptureSettings settings, Server server) {
        ReplicationSource source = settings.replicationSource();
        return server == Server.REPLICATION_SOURCE && source != null ? source.jdbcUrl() : settings.jdbcUrl();
    }

    /** The login user on {@code server}; null for the URL's or the driver's default. */
    static String user(CaptureSettings settings, Server server) {
        ReplicationSource source = settings.replicationSource();
        return server == Server.REPLICATION_SOURCE && source != null ? source.user() : settings.user();
    }

    private static Properties sqlProperties(CaptureSettings settings, Server server) {
        ReplicationSource source = server == Server.REPLICATION_SOURCE ? settings.replicationSource() : null;
        String user = source == null ? settings.user() : source.user();
        String password = source == null ? settings.password() : source.password();
        Properties props = new Properties();
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("ApplicationName", "livesync");
        props.setProperty("connectTimeout", "10");
        return props;
    }

    private static Properties replicationProperties(CaptureSettings settings, String applicationName) {
        Properties props = sqlProperties(settings, Server.REPLICATION_SOURCE);
        props.setProperty("replication", "database");
        props.setProperty("assumeMinServerVersion", "14");
        props.setProperty("preferQueryMode", "simple");
        props.setProperty("ApplicationName", applicationName);
        return props;
    }
}
