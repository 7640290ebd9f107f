package org.vaadin.addons.livesync;

import static org.awaitility.Awaitility.await;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

import org.vaadin.addons.livesync.testdb.TestDatabase;

/** Replication slots of the tests' server: whether one exists, its state, killing its walsender, dropping it. */
final class TestSlots {

    private TestSlots() {
    }

    static boolean exists(TestDatabase db, String slot) throws SQLException {
        return column(db, slot, "slot_name") != null;
    }

    /** The slot's {@code wal_status}; null when there is no such slot. */
    static String walStatus(TestDatabase db, String slot) throws SQLException {
        return column(db, slot, "wal_status");
    }

    /** Terminates the walsender streaming from the slot, if one does. */
    static void terminateWalsender(TestDatabase db, String slot) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(
                "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE slot_name = ? AND active")) {
            s.setString(1, slot);
            s.execute();
        }
    }

    /** Drops the slot once no walsender streams from it any more (awaited). */
    static void drop(TestDatabase db, String slot) {
        await().atMost(LiveTestEnvironment.WAIT).ignoreExceptions().until(() -> {
            try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(
                    "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = ?")) {
                s.setString(1, slot);
                s.execute();
            }
            return !exists(db, slot);
        });
    }

    private static String column(TestDatabase db, String slot, String column) throws SQLException {
        try (Connection c = db.connect(); PreparedStatement s = c.prepareStatement(
                "SELECT " + column + " FROM pg_replication_slots WHERE slot_name = ?")) {
            s.setString(1, slot);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
