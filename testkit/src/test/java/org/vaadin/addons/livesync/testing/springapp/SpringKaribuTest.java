package org.vaadin.addons.livesync.testing.springapp;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.vaadin.addons.livesync.LiveSync;
import org.vaadin.addons.livesync.testing.KaribuSecurity;
import org.vaadin.addons.livesync.testing.LiveSyncTestDatabase;
import org.vaadin.addons.livesync.testing.LiveSyncTesting;
import org.vaadin.addons.livesync.testing.SpringKaribu;
import org.vaadin.addons.livesync.testing.TestPostgres;

import com.vaadin.flow.component.UI;

/**
 * The kit with Spring Boot, as the README shows it: the test database behind the datasource, a
 * Spring-managed route in Karibu, the signed-in user in its requests; write, wait, assert.
 */
@SpringBootTest(properties = {"livesync.publication=kit_spring_notes", "spring.jpa.hibernate.ddl-auto=none"})
@Import(LiveSyncTestDatabase.class)
@Timeout(120)
class SpringKaribuTest {

    @Autowired
    ApplicationContext context;

    @Autowired
    LiveSync liveSync;

    @Autowired
    JdbcClient sql;

    @BeforeAll
    static void schema() {
        TestPostgres.shared().execute("DROP TABLE IF EXISTS note CASCADE", "DROP PUBLICATION IF EXISTS kit_spring_notes",
                "CREATE TABLE note (id bigserial PRIMARY KEY, board bigint NOT NULL, text text NOT NULL)",
                "CREATE PUBLICATION kit_spring_notes FOR TABLE note");
    }

    @AfterEach
    void tearDown() {
        SpringKaribu.tearDown();
        sql.sql("DELETE FROM note").update();
    }

    @Test
    void aRowInsertedWithSqlShowsInTheSpringRouteOnceApplied() {
        LiveSyncTesting.awaitStreaming(liveSync);
        SpringKaribu.setup(context, NotesApplication.class.getPackageName());
        UI.getCurrent().navigate(BoardView.class);
        BoardView view = (BoardView) UI.getCurrent().getCurrentView();

        sql.sql("INSERT INTO note (board, text) VALUES (1, 'Water the cactus'), (2, 'not on this board')").update();
        LiveSyncTesting.awaitApplied(liveSync);

        assertThat(view.texts()).containsExactly("Water the cactus");
    }

    @Test
    void theSignedInUserIsTheRequestsPrincipal() {
        KaribuSecurity.signIn("alice", "USER");
        SpringKaribu.setup(context, NotesApplication.class.getPackageName());
        UI.getCurrent().navigate(BoardView.class);
        assertThat(((BoardView) UI.getCurrent().getCurrentView()).user.getText()).isEqualTo("alice");
    }

    @Test
    void nobodyIsSignedInAfterTearDown() {
        KaribuSecurity.signIn("alice", "USER");
        SpringKaribu.setup(context, NotesApplication.class.getPackageName());
        SpringKaribu.tearDown();
        SpringKaribu.setup(context, NotesApplication.class.getPackageName());
        UI.getCurrent().navigate(BoardView.class);
        assertThat(((BoardView) UI.getCurrent().getCurrentView()).user.getText()).isEqualTo("nobody");
    }
}
