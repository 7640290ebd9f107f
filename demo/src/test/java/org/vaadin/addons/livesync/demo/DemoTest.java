package org.vaadin.addons.livesync.demo;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import org.junit.jupiter.api.Timeout;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.vaadin.addons.livesync.LiveSync;
import org.vaadin.addons.livesync.testing.LiveSyncTesting;

/**
 * The running demo, shared by every test class that extends this one (one Spring context, one web
 * server on a random port), on the test database of {@link DemoTestDatabase}. Writes made here go
 * through plain SQL, like an outside writer's.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Timeout(300)
abstract class DemoTest {

    /** How long a live change may take to show before a test fails: a deadline, not an expectation. */
    static final Duration DEADLINE = Duration.ofSeconds(30);

    @Autowired
    JdbcClient sql;

    @Autowired
    LiveSync liveSync;

    @DynamicPropertySource
    static void database(DynamicPropertyRegistry registry) {
        DemoTestDatabase.register(registry);
    }

    /** Waits until changes flow from the database (the test kit's wait), so that a write made after it is seen. */
    void awaitLive() {
        LiveSyncTesting.awaitStreaming(liveSync, DEADLINE);
    }

    /** A title no other test uses. */
    static String uniqueTitle(String what) {
        return what + " " + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The board's count label for this many tasks. */
    static String label(int tasks) {
        return tasks == 1 ? "1 task" : String.format(Locale.ENGLISH, "%,d tasks", tasks);
    }

    long insertTask(long organization, String title) {
        return sql.sql("INSERT INTO task (organization_id, title) VALUES (?, ?) RETURNING id")
                .params(organization, title).query(Long.class).single();
    }

    List<String> titlesOf(long organization) {
        return sql.sql("SELECT title FROM task WHERE organization_id = ?").param(organization).query(String.class).list();
    }

    void deleteTask(long id) {
        sql.sql("DELETE FROM task WHERE id = ?").param(id).update();
    }
}
