package org.vaadin.addons.livesync.internal.capture;

import org.vaadin.addons.livesync.PublicationSetup;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.vaadin.addons.livesync.testdb.TestDatabase;

class PublicationSetupTest {

    @Test
    void sqlQuotesEveryIdentifier() {
        PublicationSetup setup = PublicationSetup.named("my \"pub\"");
        assertThat(setup.upSql()).isEqualTo("CREATE PUBLICATION \"my \"\"pub\"\"\" FOR ALL TABLES"
                + " WITH (publish_via_partition_root = true)");
        assertThat(setup.upSql(List.of("public.Task", "order"))).isEqualTo(
                "CREATE PUBLICATION \"my \"\"pub\"\"\" FOR TABLE \"public\".\"Task\", \"order\""
                        + " WITH (publish_via_partition_root = true)");
        assertThat(setup.downSql()).isEqualTo("DROP PUBLICATION IF EXISTS \"my \"\"pub\"\"\"");
        assertThatThrownBy(() -> setup.upSql(List.of("a.b.c"))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void upAndDownAreIdempotentAndUpAddsMissingTables() throws Exception {
        TestDatabase db = TestDatabase.get();
        String a = TestDatabase.uniqueName("setup_a");
        String b = TestDatabase.uniqueName("setup_b");
        db.execute("CREATE TABLE " + a + " (id int primary key)", "CREATE TABLE " + b + " (id int primary key)");
        PublicationSetup setup = PublicationSetup.named(TestDatabase.uniqueName("pub"));
        try (Connection c = db.connect()) {
            setup.up(c, List.of("public." + a));
            setup.up(c, List.of("public." + a, "public." + b));
            assertThat(setup.exists(c)).isTrue();
            try (var rs = c.createStatement().executeQuery("SELECT count(*) FROM pg_publication_tables WHERE pubname = '"
                    + setup.publication() + "'")) {
                rs.next();
                assertThat(rs.getInt(1)).isEqualTo(2);
            }
            setup.down(c);
            setup.down(c);
            assertThat(setup.exists(c)).isFalse();
            setup.up(c);
            setup.up(c);
            assertThat(setup.exists(c)).isTrue();
            setup.down(c);
        } finally {
            db.execute("DROP TABLE " + a, "DROP TABLE " + b);
        }
    }

    @Test
    void upCreatesPublicationsThatPublishPartitionsUnderTheRootsName() throws Exception {
        TestDatabase db = TestDatabase.get();
        String parted = TestDatabase.uniqueName("setup_parted");
        db.execute("CREATE TABLE " + parted + " (id int, org int, PRIMARY KEY (id, org)) PARTITION BY LIST (org)",
                "CREATE TABLE " + parted + "_1 PARTITION OF " + parted + " FOR VALUES IN (1)");
        PublicationSetup all = PublicationSetup.named(TestDatabase.uniqueName("pub"));
        PublicationSetup listed = PublicationSetup.named(TestDatabase.uniqueName("pub"));
        PublicationSetup existing = PublicationSetup.named(TestDatabase.uniqueName("pub"));
        try (Connection c = db.connect()) {
            all.up(c);
            listed.up(c, List.of("public." + parted));
            db.execute("CREATE PUBLICATION " + existing.publication() + " FOR TABLE " + parted);
            existing.up(c, List.of("public." + parted));

            for (PublicationSetup setup : List.of(all, listed, existing)) {
                try (var rs = c.createStatement().executeQuery("SELECT pubviaroot FROM pg_publication WHERE pubname = '"
                        + setup.publication() + "'")) {
                    rs.next();
                    assertThat(rs.getBoolean(1)).as("publish_via_partition_root of %s", setup.publication()).isTrue();
                }
            }
            assertThat(all.upSql()).endsWith(" WITH (publish_via_partition_root = true)");
            assertThat(listed.upSql(List.of("public.task"))).endsWith(" WITH (publish_via_partition_root = true)");
        } finally {
            for (PublicationSetup setup : List.of(all, listed, existing)) {
                db.execute(setup.downSql());
            }
            db.execute("DROP TABLE " + parted);
        }
    }

    @Test
    void commandLinePrintsTheSql() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = PublicationSetup.print(List.of("up", "public.task"), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(status).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8).trim())
                .isEqualTo("CREATE PUBLICATION \"livesync\" FOR TABLE \"public\".\"task\""
                        + " WITH (publish_via_partition_root = true);");
        assertThat(PublicationSetup.print(List.of(), new PrintStream(out), new PrintStream(err))).isEqualTo(2);
    }
}
