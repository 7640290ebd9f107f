package org.vaadin.addons.livesync.internal.capture;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import org.vaadin.addons.livesync.CaptureSettings;
import org.vaadin.addons.livesync.internal.decode.Lsn;

/**
 * Where the server's WAL ends now, as a position that the stream reaches once it has passed every
 * transaction committed before: the end of a small logical message written for that
 * ({@code pg_logical_emit_message}, as the heartbeat writes), or the WAL insert position when that
 * function is not granted to LiveSync's user. Not the WAL <em>write</em> position
 * ({@code pg_current_wal_lsn()}): under {@code synchronous_commit = off} a commit that has
 * returned can still be after it.
 * <p>
 * The message is transactional: its commit flushes the WAL (unless {@code synchronous_commit} is
 * off), so that the walsender, which decodes only flushed WAL, reaches it at once rather than at the
 * WAL writer's next round (up to {@code wal_writer_delay}, 200 ms by default). pgoutput sends no
 * change for it (messages are not asked for). Stateless and thread-safe; each call opens a
 * connection of its own.
 */
public final class WalPosition {

    static final String PREFIX = "livesync.mark";

    private WalPosition() {
    }

    /**
     * Reads the position on a new connection to the database the settings name.
     *
     * @param settings where the database is, and the user to read as
     * @return a position after every transaction that committed before this call
     * @throws SQLException when the server cannot be reached or refuses both ways of reading it
     */
    public static Lsn now(CaptureSettings settings) throws SQLException {
        try (Connection connection = Connections.sql(settings); Statement s = connection.createStatement()) {
            try {
                return read(s, "SELECT pg_logical_emit_message(true, '" + PREFIX + "', '')::text");
            } catch (SQLException e) {
                if (!"42501".equals(e.getSQLState())) {
                    throw e;
                }
                // EXECUTE revoked: the insert position is there for everyone, and a heartbeat moves the stream past it
                return read(s, "SELECT pg_current_wal_insert_lsn()::text");
            }
        }
    }

    private static Lsn read(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return Lsn.valueOf(rs.getString(1));
        }
    }
}
