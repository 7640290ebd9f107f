package org.vaadin.addons.livesync.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Properties;

import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vaadin.addons.livesync.LiveSync;

import com.github.mvysny.kaributesting.v10.MockVaadin;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.server.VaadinService;

/**
 * The kit as an application's test uses it, without Spring: an embedded PostgreSQL, a watched
 * entity, a live view in Karibu; write with plain SQL, wait, assert.
 */
@Timeout(120)
class LiveSyncTestingTest {

    static TestPostgres postgres;
    static SessionFactory sessionFactory;
    static LiveSync liveSync;

    @BeforeAll
    static void start() {
        postgres = TestPostgres.embedded();
        postgres.execute("CREATE TABLE note (id bigserial PRIMARY KEY, board bigint NOT NULL, text text NOT NULL)",
                "CREATE PUBLICATION notes FOR TABLE note");
        Properties props = new Properties();
        props.setProperty("hibernate.connection.url", postgres.jdbcUrl());
        props.setProperty("hibernate.connection.username", postgres.user());
        props.setProperty("hibernate.hbm2ddl.auto", "none");
        props.setProperty("jakarta.persistence.validation.mode", "none"); // no Bean Validation provider here
        sessionFactory = new Configuration().addProperties(props).addAnnotatedClass(Note.class).buildSessionFactory();
        liveSync = LiveSync.create(sessionFactory, postgres.captureSettings().withPublication("notes"));
        liveSync.start();
        LiveSyncTesting.awaitStreaming(liveSync);
    }

    @AfterAll
    static void stop() {
        liveSync.stop();
        sessionFactory.close();
        postgres.close();
    }

    @BeforeEach
    void setUpVaadin() {
        MockVaadin.setup();
        liveSync.install(VaadinService.getCurrent().getContext());
    }

    @AfterEach
    void tearDownVaadin() {
        MockVaadin.tearDown();
        postgres.execute("DELETE FROM note");
        LiveSyncTesting.awaitApplied(liveSync);
    }

    @Test
    void theEmbeddedServerHasLogicalReplication() throws Exception {
        assertThat(postgres.origin()).isEqualTo("embedded");
        try (var c = postgres.connect(); var s = c.createStatement(); var rs = s.executeQuery("SHOW wal_level")) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("logical");
        }
    }

    @Test
    void aRowInsertedWithSqlIsShownOnceAwaitAppliedReturns() {
        NotesView view = open(1);

        insert(1, "Water the cactus");
        insert(2, "Another board's note");
        LiveSyncTesting.awaitApplied(liveSync);

        assertThat(view.texts()).containsExactly("Water the cactus");
    }

    @Test
    void updatesAndDeletesAreShownOnceAwaitAppliedReturns() {
        long kept = insert(1, "draft");
        long gone = insert(1, "doomed");
        NotesView view = open(1);
        assertThat(view.texts()).containsExactly("draft", "doomed");

        postgres.execute("UPDATE note SET text = 'final' WHERE id = " + kept, "DELETE FROM note WHERE id = " + gone);
        LiveSyncTesting.awaitApplied(liveSync);

        assertThat(view.texts()).containsExactly("final");
    }

    @Test
    void awaitAppliedComposesWithKaribusRoundTrips() {
        NotesView view = open(3);
        MockVaadin.clientRoundtrip(false);
        insert(3, "one");
        LiveSyncTesting.awaitApplied(liveSync);
        MockVaadin.clientRoundtrip(false);
        insert(3, "two");
        LiveSyncTesting.awaitApplied(liveSync);

        assertThat(view.texts()).containsExactly("one", "two");
        assertThat(liveSync.metrics().busyUis()).isZero();
    }

    @Test
    void awaitAppliedReturnsWhenNothingChanged() {
        NotesView view = open(4);
        LiveSyncTesting.awaitApplied(liveSync);
        assertThat(view.texts()).isEmpty();
    }

    @Test
    void awaitStreamingFailsNamingWhatKeepsLiveSyncFromStreaming() {
        try (LiveSync misconfigured = LiveSync.create(sessionFactory,
                postgres.captureSettings().withPublication("no_such_publication"))) {
            misconfigured.start();
            assertThatThrownBy(() -> LiveSyncTesting.awaitStreaming(misconfigured, Duration.ofMillis(500)))
                    .isInstanceOf(AssertionError.class)
                    .hasMessageContaining("not streaming")
                    .hasMessageContaining("no_such_publication");
        }
    }

    private static NotesView open(long board) {
        NotesView view = new NotesView(sessionFactory, board);
        UI.getCurrent().add(view);
        return view;
    }

    private static long insert(long board, String text) {
        try (var c = postgres.connect();
             var s = c.prepareStatement("INSERT INTO note (board, text) VALUES (?, ?) RETURNING id")) {
            s.setLong(1, board);
            s.setString(2, text);
            try (var rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
