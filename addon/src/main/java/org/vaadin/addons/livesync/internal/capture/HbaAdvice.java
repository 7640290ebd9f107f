package org.vaadin.addons.livesync.internal.capture;

import org.vaadin.addons.livesync.CaptureSettings;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code pg_hba.conf} line to add when the server rejects a login. A logical replication
 * connection is admitted by the same lines as an ordinary connection to the database; the
 * {@code replication} keyword only matches physical replication (which, with REPLICATION, lets a
 * role copy the whole cluster with {@code pg_basebackup}) and must not be suggested. Stateless.
 */
final class HbaAdvice {

    private static final Pattern HOST = Pattern.compile("host \"([^\"]+)\"");
    private static final Pattern USER = Pattern.compile("user \"([^\"]+)\"");
    private static final Pattern DATABASE = Pattern.compile("database \"([^\"]+)\"");

    private HbaAdvice() {
    }

    /** The fix for a rejection whose server message is {@code message}. */
    static String fix(CaptureSettings settings, String message) {
        String host = find(HOST, message, null);
        String address = host == null ? "<this host's address>/32" : host + (host.contains(":") ? "/128" : "/32");
        String user = find(USER, message, String.valueOf(settings.user()));
        String database = find(DATABASE, message, databaseOf(settings.jdbcUrl()));
        return "Logical replication connections are admitted by pg_hba.conf's ordinary lines for the database "
                + "(the 'replication' keyword only covers physical replication): add a line like 'host " + database
                + " " + user + " " + address + " scram-sha-256' above any line that rejects it, then reload "
                + "PostgreSQL (SELECT pg_reload_conf();).";
    }

    private static String find(Pattern pattern, String message, String fallback) {
        Matcher m = pattern.matcher(message);
        return m.find() ? m.group(1) : fallback;
    }

    /** The database named in a {@code jdbc:postgresql://host:port/database?...} URL. */
    static String databaseOf(String jdbcUrl) {
        String rest = jdbcUrl.substring("jdbc:postgresql:".length());
        if (rest.startsWith("//")) {
            int slash = rest.indexOf('/', 2);
            rest = slash < 0 ? "" : rest.substring(slash + 1);
        }
        int end = rest.indexOf('?');
        String database = end < 0 ? rest : rest.substring(0, end);
        return database.isEmpty() ? "<database>" : database;
    }
}
