package org.vaadin.addons.livesync.capture;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vaadin.addons.livesync.capture.PreflightProblem.Kind;
import org.vaadin.addons.livesync.testdb.TestDatabase;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

/**
 * Each preflight failure gives one clear message naming the fix. Settings the shared test server
 * cannot have (wal_level=replica, no free slot or WAL sender) come from a second, embedded server.
 */
@Timeout(120)
class PreflightTest {

    private static EmbeddedPostgres misconfigured;

    @BeforeAll
    static void startMisconfiguredServer() throws Exception {
        misconfigured = EmbeddedPostgres.builder()
                .setServerConfig("wal_level", "replica")
                .setServerConfig("max_replication_slots", "1")
                .setServerConfig("max_wal_senders", "0")
                .start();
        try (var c = misconfigured.getPostgresDatabase().getConnection(); var s = c.createStatement()) {
            s.execute("SELECT pg_create_physical_replication_slot('occupied')");
        }
    }

    @AfterAll
    static void stopMisconfiguredServer() throws Exception {
        misconfigured.close();
    }

    private static CaptureSettings misconfiguredSettings() {
        return CaptureSettings.forDatabase(misconfigured.getJdbcUrl("postgres", "postgres"), "postgres", "postgres");
    }

    @Test
    void readyDatabasePassesEveryCheck() {
        TestDatabase db = TestDatabase.get();
        String publication = TestDatabase.uniqueName("pub");
        db.execute("CREATE PUBLICATION " + publication + " FOR ALL TABLES");
        try {
            assertThat(Preflight.check(CaptureSettings.forDatabase(db.jdbcUrl(), db.user(), db.password())
                    .withPublication(publication))).isEmpty();
        } finally {
            db.execute("DROP PUBLICATION " + publication);
        }
    }

    @Test
    void walLevelNotLogicalNamesTheAlterSystemFix() {
        PreflightProblem problem = find(Preflight.check(misconfiguredSettings()), Kind.WAL_LEVEL_NOT_LOGICAL);
        assertThat(problem.message()).contains("wal_level is 'replica'");
        assertThat(problem.fix()).contains("ALTER SYSTEM SET wal_level = 'logical'").contains("restart");
    }

    @Test
    void exhaustedSlotsAndWalSendersNameTheSettingsToRaise() {
        List<PreflightProblem> problems = Preflight.check(misconfiguredSettings());
        assertThat(find(problems, Kind.SLOTS_EXHAUSTED).fix()).contains("max_replication_slots")
                .contains("pg_drop_replication_slot");
        assertThat(find(problems, Kind.WAL_SENDERS_EXHAUSTED).fix()).contains("max_wal_senders");
    }

    @Test
    void missingPublicationNamesTheCreateStatement() {
        PreflightProblem problem = find(Preflight.check(misconfiguredSettings()), Kind.PUBLICATION_MISSING);
        assertThat(problem.fix()).contains("CREATE PUBLICATION \"livesync\" FOR ALL TABLES");
    }

    @Test
    void roleWithoutReplicationPrivilegeNamesTheAlterRoleFix() {
        TestDatabase db = TestDatabase.get();
        String role = TestDatabase.uniqueName("noreplication");
        db.execute("CREATE ROLE " + role + " LOGIN PASSWORD 'secret' NOREPLICATION NOSUPERUSER");
        try {
            PreflightProblem problem = find(Preflight.check(CaptureSettings.forDatabase(db.jdbcUrl(), role, "secret")),
                    Kind.NO_REPLICATION_PRIVILEGE);
            assertThat(problem.fix()).isEqualTo("As a superuser run ALTER ROLE \"" + role + "\" REPLICATION;");
        } finally {
            db.execute("DROP ROLE " + role);
        }
    }

    @Test
    void publicationLackingAWatchedTableNamesTheAlterPublicationFix() {
        TestDatabase db = TestDatabase.get();
        String publication = TestDatabase.uniqueName("pub");
        String published = TestDatabase.uniqueName("published");
        String forgotten = TestDatabase.uniqueName("forgotten");
        db.execute("CREATE TABLE " + published + " (id int primary key)", "CREATE TABLE " + forgotten + " (id int primary key)",
                "CREATE PUBLICATION " + publication + " FOR TABLE " + published);
        try {
            PreflightProblem problem = find(Preflight.check(CaptureSettings.forDatabase(db.jdbcUrl(), db.user(), db.password())
                            .withPublication(publication)
                            .withRequiredTables(java.util.Set.of("public." + published, "public." + forgotten))),
                    Kind.TABLES_NOT_PUBLISHED);
            assertThat(problem.message()).contains(forgotten).doesNotContain(published);
            assertThat(problem.fix()).isEqualTo("Run ALTER PUBLICATION \"" + publication + "\" ADD TABLE \"public\".\""
                    + forgotten + "\";");
        } finally {
            db.execute("DROP PUBLICATION " + publication, "DROP TABLE " + published, "DROP TABLE " + forgotten);
        }
    }

    @Test
    void unreachableDatabaseIsOneClearProblem() {
        List<PreflightProblem> problems = Preflight.check(
                CaptureSettings.forDatabase("jdbc:postgresql://127.0.0.1:1/nowhere", "nobody", "x"));
        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.DATABASE_UNREACHABLE);
            assertThat(p.message()).contains("127.0.0.1:1");
        });
    }

    @Test
    void listenerOnAMisconfiguredDatabaseStaysNotReadyWithoutThrowing() throws Exception {
        try (ReplicationListener listener = ReplicationListener.create(misconfiguredSettings(), new RecordingConsumer())) {
            listener.start();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> listener.state() == CaptureState.NOT_READY);
            assertThat(listener.problems()).extracting(PreflightProblem::kind).contains(Kind.WAL_LEVEL_NOT_LOGICAL);
        }
    }

    @Test
    void problemsAreDescribedTogetherWithTheirFixes() {
        String text = PreflightException.describe(Preflight.check(misconfiguredSettings()));
        assertThat(text).startsWith("LiveSync cannot start live updates").contains("Fix: ");
    }

    private static PreflightProblem find(List<PreflightProblem> problems, Kind kind) {
        return problems.stream().filter(p -> p.kind() == kind).findFirst()
                .orElseThrow(() -> new AssertionError("No " + kind + " among " + problems));
    }
}
