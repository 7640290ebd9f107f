package org.vaadin.addons.livesync.internal.capture;

import org.vaadin.addons.livesync.CaptureSettings;
import org.vaadin.addons.livesync.CaptureState;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.vaadin.addons.livesync.testdb.TestDatabase;

/**
 * A test's own tables, a publication for just them, and a started listener with a recording
 * consumer; closing drops all of it. Tests of different classes share one server, so nothing here
 * is global.
 */
final class CaptureFixture implements AutoCloseable {

    final TestDatabase db = TestDatabase.get();
    final String publication = TestDatabase.uniqueName("pub");
    final RecordingConsumer consumer = new RecordingConsumer();
    private final List<String> tables = new ArrayList<>();
    ReplicationListener listener;

    /** Creates a table from {@code ddl} in which {@code %s} stands for its unique name; returns the name. */
    String table(String prefix, String ddl) {
        String name = TestDatabase.uniqueName(prefix);
        db.execute(ddl.formatted(name));
        tables.add(name);
        return name;
    }

    /** Publishes the tables created so far and starts a listener; waits until it streams. */
    CaptureFixture start() {
        return start(settings());
    }

    CaptureSettings settings() {
        return CaptureSettings.forDatabase(db.jdbcUrl(), db.user(), db.password())
                .withPublication(publication)
                .withReconnectBackoff(Duration.ofMillis(50), Duration.ofMillis(500));
    }

    CaptureFixture start(CaptureSettings settings) {
        db.execute("CREATE PUBLICATION " + publication + " FOR TABLE " + String.join(", ", tables));
        listener = ReplicationListener.create(settings, consumer);
        listener.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> listener.state() == CaptureState.STREAMING
                && !consumer.gaps.isEmpty());
        return this;
    }

    /** Kills the walsender that holds the listener's slot; returns how many were killed. */
    int killWalsender() {
        try (var c = db.connect(); var s = c.prepareStatement("SELECT count(pg_terminate_backend(active_pid))::int"
                + " FROM pg_replication_slots WHERE slot_name = ? AND active_pid IS NOT NULL")) {
            s.setString(1, listener.settings().slotName());
            try (var rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        if (listener != null) {
            listener.stop();
        }
        db.execute("DROP PUBLICATION IF EXISTS " + publication);
        for (String table : tables) {
            db.execute("DROP TABLE IF EXISTS " + table + " CASCADE");
        }
    }
}
