package org.vaadin.addons.livesync.internal.dispatch;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Whether a transaction that logical decoding reported is visible to new snapshots yet.
 * <p>
 * Decoding reports a 32-bit xid; PostgreSQL's snapshot functions take a 64-bit {@code xid8}
 * ({@code epoch << 32 | xid}). The xid is widened next to the current snapshot's xmax by circular
 * comparison, as PostgreSQL's own {@code TransactionIdPrecedes} compares xids: to the
 * {@code xid8} within 2<sup>31</sup> of xmax whose low 32 bits are the xid ({@link #widen}). It
 * must not be assumed to lie below xmax: xmax is {@code latestCompletedXid + 1}, so a transaction
 * that is still committing while an older one runs is ahead of it — and placed into the epoch
 * before, it would read as long visible. A decoded transaction is never 2<sup>31</sup> xids away
 * from the present (its slot holds back wraparound), so the circular distance is exact.
 * <p>
 * Stateless and thread-safe.
 */
final class Visibility {

    /**
     * One boolean: whether the xid {@link #bind bound} to it is visible in a snapshot taken now. A
     * widened xid before epoch 0 (impossible for a real transaction) reads as visible.
     */
    static final String SQL = "SELECT CASE WHEN w.xid8 < 0 THEN true"
            + " ELSE pg_visible_in_snapshot(w.xid8::text::xid8, s) END"
            + " FROM pg_current_snapshot() s,"
            + " LATERAL (SELECT " + widenSql("pg_snapshot_xmax(s)::text::bigint", "?::bigint") + " AS xid8) w";

    private static final long LOW_32 = 0xFFFF_FFFFL;

    private Visibility() {
    }

    /** Binds the decoded 32-bit {@code xid} to {@link #SQL}. */
    static void bind(PreparedStatement check, long xid) throws SQLException {
        check.setLong(1, xid & LOW_32);
    }

    /**
     * The 64-bit xid nearest to {@code reference} (a 64-bit xid, e.g. a snapshot's xmax) whose low
     * 32 bits are {@code xid}: {@code reference + signed32(xid - low32(reference))}. Negative when
     * that lies before epoch 0.
     */
    static long widen(long xid, long reference) {
        return reference + (int) ((xid & LOW_32) - (reference & LOW_32));
    }

    /** {@link #widen} as a PostgreSQL {@code bigint} expression over two {@code bigint} expressions. */
    static String widenSql(String reference, String xid) {
        return "(" + reference + " + ((((" + xid + ") - ((" + reference + ") & 4294967295) + 2147483648)"
                + " & 4294967295) - 2147483648))";
    }
}
