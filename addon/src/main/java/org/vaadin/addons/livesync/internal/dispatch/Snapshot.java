package org.vaadin.addons.livesync.internal.dispatch;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;

import org.hibernate.SessionFactory;
import org.hibernate.StatelessSession;

/**
 * A PostgreSQL snapshot ({@code pg_current_snapshot()}): which transactions a query that started
 * at that moment saw. A lazy view keeps a count by the changes it receives; the count callback ran
 * between two snapshots, and a delivered transaction is in the count when the one before saw it,
 * not in it when the one after did not see it, and unknown in between ({@link #sees}).
 * <p>
 * Immutable and thread-safe. For internal use only.
 */
public final class Snapshot {

    private final long xmin;
    private final long xmax;
    /** Transactions in progress at the snapshot, sorted (64-bit). */
    private final long[] inProgress;

    private Snapshot(long xmin, long xmax, long[] inProgress) {
        this.xmin = xmin;
        this.xmax = xmax;
        this.inProgress = inProgress;
    }

    /**
     * Parses {@code pg_current_snapshot()}'s text form, {@code xmin:xmax:xip1,xip2,...}.
     *
     * @param text the snapshot as text
     * @return the snapshot
     * @throws IllegalArgumentException when it is not of that form
     */
    public static Snapshot parse(String text) {
        String[] parts = text.split(":", -1);
        if (parts.length != 3) {
            throw new IllegalArgumentException("Not a snapshot: " + text);
        }
        long[] xip = parts[2].isEmpty() ? new long[0]
                : Arrays.stream(parts[2].split(",")).mapToLong(Long::parseLong).sorted().toArray();
        return new Snapshot(Long.parseLong(parts[0]), Long.parseLong(parts[1]), xip);
    }

    /**
     * Takes the current snapshot on a connection of the application's pool (one short query).
     *
     * @param sessionFactory the application's session factory
     * @return the snapshot a query starting now would see
     * @throws org.hibernate.HibernateException when the database cannot be asked
     */
    public static Snapshot now(SessionFactory sessionFactory) {
        try (StatelessSession session = sessionFactory.openStatelessSession()) {
            return session.doReturningWork(Snapshot::query);
        }
    }

    private static Snapshot query(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
             ResultSet rs = s.executeQuery("SELECT pg_current_snapshot()::text")) {
            rs.next();
            return parse(rs.getString(1));
        }
    }

    /**
     * Whether this snapshot sees the committed transaction {@code xid} (32 bits, as pgoutput sends
     * it; placed into the epoch nearest to the snapshot's xmax, as {@link Visibility#widen}).
     *
     * @param xid a committed transaction's 32-bit xid
     * @return whether a query with this snapshot saw its changes
     */
    public boolean sees(long xid) {
        long full = Visibility.widen(xid, xmax);
        if (full < xmin) {
            return true;
        }
        return full < xmax && Arrays.binarySearch(inProgress, full) < 0;
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder().append(xmin).append(':').append(xmax).append(':');
        for (int i = 0; i < inProgress.length; i++) {
            text.append(i == 0 ? "" : ",").append(inProgress[i]);
        }
        return text.toString();
    }
}
