package org.vaadin.addons.livesync.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vaadin.addons.livesync.testdb.TestDatabase;

/**
 * {@link Visibility}: decoded 32-bit xids widened next to the snapshot's xmax at epoch boundaries,
 * the SQL computing what the Java does, and the check on a server whose epoch is above 0.
 */
@Timeout(60)
class VisibilityTest {

    private static final long EPOCH = 1L << 32;

    /** The check as it was: the xid in xmax's epoch, or the one before when above xmax's low 32 bits. */
    private static final String EPOCH_OF_XMAX_OR_BEFORE = """
            SELECT pg_visible_in_snapshot(
                     (((pg_snapshot_xmax(s)::text::bigint >> 32)
                       - CASE WHEN ?::bigint > (pg_snapshot_xmax(s)::text::bigint & 4294967295) THEN 1 ELSE 0 END) << 32
                      | ?::bigint)::text::xid8, s)
              FROM pg_current_snapshot() s""";

    /** (xid, xmax, widened): below, at and ahead of xmax, across an epoch's end both ways, and before epoch 0. */
    private static final List<long[]> CASES = List.of(
            new long[] {99, 2 * EPOCH + 100, 2 * EPOCH + 99},
            new long[] {100, 2 * EPOCH + 100, 2 * EPOCH + 100},
            new long[] {105, 2 * EPOCH + 100, 2 * EPOCH + 105},
            new long[] {0xFFFF_FFF0L, 2 * EPOCH + 5, EPOCH + 0xFFFF_FFF0L},
            new long[] {5, 2 * EPOCH + 0xFFFF_FFF0L, 3 * EPOCH + 5},
            new long[] {0xFFFF_FFFFL, 3 * EPOCH + 3, 2 * EPOCH + 0xFFFF_FFFFL},
            new long[] {0x7FFF_FFFFL + 100, 2 * EPOCH + 100, 2 * EPOCH + 0x7FFF_FFFFL + 100},
            new long[] {0x8000_0000L + 100, 2 * EPOCH + 100, EPOCH + 0x8000_0000L + 100},
            new long[] {0xFFFF_FFF0L, 5, 0xFFFF_FFF0L - EPOCH});

    @Test
    void anXidIsWidenedToTheNearest64BitXidWithItsLow32Bits() {
        for (long[] c : CASES) {
            assertThat(Visibility.widen(c[0], c[1])).as("xid %d next to xmax %d", c[0], c[1]).isEqualTo(c[2]);
        }
    }

    @Test
    void theSqlWidensAsTheJavaDoes() throws SQLException {
        try (Connection c = TestDatabase.get().connect(); PreparedStatement s = c.prepareStatement(
                "SELECT " + Visibility.widenSql("v.xmax", "v.xid") + " FROM (SELECT ?::bigint AS xmax, ?::bigint AS xid) v")) {
            for (long[] x : CASES) {
                s.setLong(1, x[1]);
                s.setLong(2, x[0]);
                try (ResultSet rs = s.executeQuery()) {
                    rs.next();
                    assertThat(rs.getLong(1)).as("xid %d next to xmax %d", x[0], x[1]).isEqualTo(x[2]);
                }
            }
        }
    }

    @Test
    void aTransactionAheadOfTheSnapshotsXmaxIsNotVisibleOnAClusterWithEpochAboveZero() throws SQLException {
        Optional<TestDatabase> server = TestDatabase.withEpochAboveZero();
        assumeTrue(server.isPresent(), TestDatabase.NO_EPOCH_SERVER);
        try (Connection c = server.orElseThrow().connect()) {
            long current = single(c, "SELECT pg_current_xact_id()::text::bigint");
            assertThat(current >> 32).as("epoch").isGreaterThanOrEqualTo(1);
            long xmax = single(c, "SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint");
            long ahead = (xmax + 3) & 0xFFFF_FFFFL; // not yet assigned, so certainly not visible
            long committed = current & 0xFFFF_FFFFL;

            assertThat(wasVisible(c, ahead)).as("the old check, xid %d next to xmax %d", ahead, xmax).isTrue();
            assertThat(isVisible(c, ahead)).as("xid %d next to xmax %d", ahead, xmax).isFalse();
            assertThat(wasVisible(c, committed)).isTrue();
            assertThat(isVisible(c, committed)).as("committed xid %d", committed).isTrue();
        }
    }

    @Test
    void aTransactionAheadOfTheSnapshotsXmaxIsNotVisibleOnTheTestServer() throws SQLException {
        try (Connection c = TestDatabase.get().connect()) {
            long xmax = single(c, "SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint");

            // (on epoch 0 the old check computed a negative xid8 here and failed)
            assertThat(isVisible(c, (xmax + 3) & 0xFFFF_FFFFL)).as("next to xmax %d", xmax).isFalse();
        }
    }

    @Test
    void aCommittedTransactionIsVisibleAndARunningOneIsNot() throws SQLException {
        TestDatabase db = TestDatabase.withEpochAboveZero().orElseGet(TestDatabase::get);
        try (Connection running = db.connect(); Connection c = db.connect()) {
            running.setAutoCommit(false);
            long xid = single(running, "SELECT pg_current_xact_id()::text::bigint") & 0xFFFF_FFFFL;

            assertThat(isVisible(c, xid)).isFalse();
            running.commit();
            assertThat(isVisible(c, xid)).isTrue();
        }
    }

    private static boolean isVisible(Connection c, long xid) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(Visibility.SQL)) {
            Visibility.bind(s, xid);
            return answer(s);
        }
    }

    private static boolean wasVisible(Connection c, long xid) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(EPOCH_OF_XMAX_OR_BEFORE)) {
            s.setLong(1, xid);
            s.setLong(2, xid);
            return answer(s);
        }
    }

    private static boolean answer(PreparedStatement s) throws SQLException {
        try (ResultSet rs = s.executeQuery()) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static long single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
