package org.vaadin.addons.livesync.internal.capture;

import org.vaadin.addons.livesync.CaptureSettings;
import org.vaadin.addons.livesync.CaptureState;
import org.vaadin.addons.livesync.PreflightProblem;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vaadin.addons.livesync.PreflightProblem.Kind;
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
    void roleThatIsAMemberOfRdsReplicationOrOfAReplicationRolePassesThePrivilegeCheck() {
        TestDatabase db = TestDatabase.get();
        String viaCloudRole = TestDatabase.uniqueName("rds_member");
        String group = TestDatabase.uniqueName("replicators");
        String viaGroup = TestDatabase.uniqueName("group_member");
        boolean createdCloudRole = !exists(db, "SELECT 1 FROM pg_roles WHERE rolname = 'rds_replication'");
        if (createdCloudRole) {
            db.execute("CREATE ROLE rds_replication NOLOGIN");
        }
        db.execute("CREATE ROLE " + viaCloudRole + " LOGIN PASSWORD 'secret' NOREPLICATION NOSUPERUSER IN ROLE rds_replication",
                "CREATE ROLE " + group + " NOLOGIN REPLICATION",
                "CREATE ROLE " + viaGroup + " LOGIN PASSWORD 'secret' NOREPLICATION NOSUPERUSER IN ROLE " + group);
        try {
            for (String role : List.of(viaCloudRole, viaGroup)) {
                assertThat(Preflight.check(CaptureSettings.forDatabase(db.jdbcUrl(), role, "secret")))
                        .as("problems of %s", role).extracting(PreflightProblem::kind)
                        .doesNotContain(Kind.NO_REPLICATION_PRIVILEGE);
            }
        } finally {
            db.execute("DROP ROLE " + viaCloudRole, "DROP ROLE " + viaGroup, "DROP ROLE " + group);
            if (createdCloudRole) {
                db.execute("DROP ROLE rds_replication");
            }
        }
    }

    @Test
    void ourOwnExistingPermanentSlotDoesNotCountAgainstTheFreeSlots() throws Exception {
        TestDatabase db = TestDatabase.get();
        String ours = TestDatabase.uniqueName("livesync_ours");
        String publication = TestDatabase.uniqueName("pub");
        List<String> fillers = new ArrayList<>();
        db.execute("CREATE PUBLICATION " + publication + " FOR ALL TABLES",
                "SELECT pg_create_logical_replication_slot('" + ours + "', 'pgoutput')");
        try (var c = db.connect(); var s = c.createStatement()) {
            int free;
            try (var rs = s.executeQuery("SELECT current_setting('max_replication_slots')::int"
                    + " - (SELECT count(*) FROM pg_replication_slots)::int")) {
                rs.next();
                free = rs.getInt(1);
            }
            for (int i = 0; i < free; i++) {
                fillers.add(TestDatabase.uniqueName("filler"));
                s.execute("SELECT pg_create_physical_replication_slot('" + fillers.get(i) + "')");
            }
            CaptureSettings settings = CaptureSettings.forDatabase(db.jdbcUrl(), db.user(), db.password())
                    .withPublication(publication).withTemporarySlot(false);

            assertThat(Preflight.check(settings.withSlotName(ours))).isEmpty();
            assertThat(Preflight.check(settings.withSlotName(TestDatabase.uniqueName("livesync_other"))))
                    .extracting(PreflightProblem::kind).contains(Kind.SLOTS_EXHAUSTED);
        } finally {
            for (String filler : fillers) {
                db.execute("SELECT pg_drop_replication_slot('" + filler + "')");
            }
            db.execute("SELECT pg_drop_replication_slot('" + ours + "')", "DROP PUBLICATION " + publication);
        }
    }

    @Test
    void partitionedWatchedTableInAPublicationWithoutViaRootNamesTheAlterPublicationFix() {
        TestDatabase db = TestDatabase.get();
        String publication = TestDatabase.uniqueName("pub");
        String parted = TestDatabase.uniqueName("parted");
        db.execute("CREATE TABLE " + parted + " (id int, org int, PRIMARY KEY (id, org)) PARTITION BY LIST (org)",
                "CREATE TABLE " + parted + "_1 PARTITION OF " + parted + " FOR VALUES IN (1)",
                "CREATE TABLE " + parted + "_2 PARTITION OF " + parted + " FOR VALUES IN (2)",
                "CREATE PUBLICATION " + publication + " FOR TABLE " + parted);
        try {
            CaptureSettings settings = CaptureSettings.forDatabase(db.jdbcUrl(), db.user(), db.password())
                    .withPublication(publication).withRequiredTables(java.util.Set.of("public." + parted));
            PreflightProblem problem = find(Preflight.check(settings), Kind.PARTITIONED_TABLE_NOT_PUBLISHED_VIA_ROOT);
            assertThat(problem.message()).contains(parted).contains("publish_via_partition_root");
            assertThat(problem.fix()).isEqualTo("Run ALTER PUBLICATION \"" + publication
                    + "\" SET (publish_via_partition_root = true);");
            assertThat(Preflight.check(settings)).extracting(PreflightProblem::kind)
                    .as("it is in the publication").doesNotContain(Kind.TABLES_NOT_PUBLISHED);

            db.execute("ALTER PUBLICATION " + publication + " SET (publish_via_partition_root = true)");
            assertThat(Preflight.check(settings)).isEmpty();
        } finally {
            db.execute("DROP PUBLICATION " + publication, "DROP TABLE " + parted);
        }
    }

    @Test
    void loginRejectedByPgHbaNamesAnOrdinaryDatabaseLineNotTheReplicationKeyword() throws Exception {
        Path data = Files.createTempDirectory("livesync-hba");
        try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(data).setCleanDataDirectory(true)
                .setServerConfig("wal_level", "logical").start()) {
            try (var c = pg.getPostgresDatabase().getConnection(); var s = c.createStatement()) {
                s.execute("CREATE ROLE app LOGIN REPLICATION PASSWORD 'secret'");
                Files.writeString(data.resolve("pg_hba.conf"), """
                        local all all trust
                        host all postgres 127.0.0.1/32 trust
                        host all postgres ::1/128 trust
                        """);
                s.execute("SELECT pg_reload_conf()");
            }
            CaptureSettings settings = CaptureSettings.forDatabase(
                    "jdbc:postgresql://127.0.0.1:" + pg.getPort() + "/postgres", "app", "secret");

            PreflightProblem problem = find(Preflight.check(settings), Kind.DATABASE_UNREACHABLE);
            assertThat(problem.message()).contains("pg_hba.conf");
            assertThat(problem.fix()).contains("host postgres app 127.0.0.1/32 scram-sha-256")
                    .doesNotContain("host replication");

            SQLException refused = assertThrows(SQLException.class,
                    () -> Connections.replication(settings, "livesync:test"));
            PreflightProblem fromReplication = Preflight.fromReplicationFailure(settings, refused);
            assertThat(fromReplication).isNotNull();
            assertThat(fromReplication.kind()).isEqualTo(Kind.REPLICATION_CONNECTION_REFUSED);
            assertThat(fromReplication.fix()).contains("host postgres app 127.0.0.1/32 scram-sha-256")
                    .doesNotContain("host replication");
        }
    }

    @Test
    void problemsAreDescribedTogetherWithTheirFixes() {
        String text = ProblemText.describe(Preflight.check(misconfiguredSettings()));
        assertThat(text).startsWith("LiveSync cannot start live updates").contains("Fix: ");
    }

    private static boolean exists(TestDatabase db, String sql) {
        try (var c = db.connect(); var s = c.createStatement(); var rs = s.executeQuery(sql)) {
            return rs.next();
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static PreflightProblem find(List<PreflightProblem> problems, Kind kind) {
        return problems.stream().filter(p -> p.kind() == kind).findFirst()
                .orElseThrow(() -> new AssertionError("No " + kind + " among " + problems));
    }
}
