package org.vaadin.addons.livesync.internal.dispatch;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;

/**
 * Asks the server which of some transactions (by their 32-bit xid, as pgoutput sends it) are not
 * yet visible to new snapshots. The server sends a commit to logical decoding a moment before it
 * becomes visible (much longer when synchronous replication waits for a standby), and a row read in
 * between is the version before it. Thread-safe; one query per call on a connection of the
 * application's pool.
 * <p>
 * A 32-bit xid is placed into the epoch that puts it nearest to the snapshot's {@code xmax}
 * ({@link Visibility#widen}): a transaction not yet visible can be ahead of {@code xmax}.
 */
final class XidVisibility {

    /** The given xids that the current snapshot does not see yet (widened as {@link Visibility#widen}). */
    static final String INVISIBLE_SQL = "SELECT x FROM unnest(?::bigint[]) AS x,"
            + " (SELECT s, pg_snapshot_xmax(s)::text::bigint AS xmax FROM pg_current_snapshot() s) cur"
            + " WHERE NOT pg_visible_in_snapshot(greatest(0, " + Visibility.widenSql("cur.xmax", "x")
            + ")::text::xid8, cur.s)";

    private final SessionFactory sessionFactory;

    XidVisibility(SessionFactory sessionFactory) {
        this.sessionFactory = sessionFactory;
    }

    /**
     * The xids among {@code xids} that are not visible yet (in their order).
     *
     * @throws org.hibernate.HibernateException when the database cannot be asked
     */
    List<Long> invisible(Collection<Long> xids) {
        if (xids.isEmpty()) {
            return List.of();
        }
        try (StatelessSession session = sessionFactory.openStatelessSession()) {
            return session.doReturningWork(connection -> query(connection, xids));
        }
    }

    private static List<Long> query(Connection connection, Collection<Long> xids) throws SQLException {
        List<Long> invisible = new ArrayList<>();
        try (PreparedStatement s = connection.prepareStatement(INVISIBLE_SQL)) {
            Array array = connection.createArrayOf("bigint", xids.stream().map(x -> x & 0xFFFF_FFFFL).toArray());
            s.setArray(1, array);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    invisible.add(rs.getLong(1));
                }
            }
        }
        return invisible;
    }
}
