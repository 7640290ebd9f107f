package org.vaadin.addons.livesync.internal.capture;

import org.vaadin.addons.livesync.CaptureState;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vaadin.addons.livesync.internal.decode.Column;
import org.vaadin.addons.livesync.internal.decode.ChangeKind;
import org.vaadin.addons.livesync.internal.decode.Row;
import org.vaadin.addons.livesync.internal.decode.RowChange;

/**
 * Input the listener must survive: column types it has no Java type for, very large rows, and
 * tables altered or dropped while it runs. None of it stops the stream.
 */
@Timeout(120)
class BadInputTest {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private final CaptureFixture fixture = new CaptureFixture();

    @AfterEach
    void tearDown() {
        fixture.close();
        fixture.db.execute("DROP TYPE IF EXISTS bad_input_mood");
    }

    @Test
    void unusualColumnTypesArriveAsTextAndNeverBreakTheStream() {
        fixture.db.execute("DROP TYPE IF EXISTS bad_input_mood", "CREATE TYPE bad_input_mood AS ENUM ('happy', 'sad')");
        String table = fixture.table("types", """
                CREATE TABLE %s (id int PRIMARY KEY, mood bad_input_mood, tags int[], span int4range, doc jsonb,
                                 blob bytea, amount numeric, at timestamptz, point point, addr inet)""");
        fixture.start();

        fixture.db.execute("INSERT INTO " + table + " VALUES (1, 'happy', '{1,2,3}', '[1,10)', '{\"a\": [1, 2]}', "
                + "'\\x00ff', 'NaN', 'infinity', '(1,2)', '10.0.0.1')");

        await().atMost(WAIT).until(() -> fixture.consumer.transactions.size() == 1);
        Row row = fixture.consumer.changes().get(0).newRow();
        assertThat(row.text("mood")).isEqualTo("happy");
        assertThat(row.text("tags")).isEqualTo("{1,2,3}");
        assertThat(row.text("span")).isEqualTo("[1,10)");
        assertThat(row.text("doc")).isEqualTo("{\"a\": [1, 2]}");
        assertThat(row.get("blob", byte[].class)).containsExactly(0x00, 0xff);
        assertThat(row.relation().columns()).extracting(Column::typeName).contains("bad_input_mood", "jsonb");
        for (Column column : row.relation().columns()) {
            assertThatCode(() -> row.typed(column.name())).as(column.name()).doesNotThrowAnyException();
        }
        fixture.db.execute("INSERT INTO " + table + " (id) VALUES (2)");
        await().atMost(WAIT).until(() -> fixture.consumer.transactions.size() == 2);
    }

    @Test
    void rowOfSeveralMegabytesArrivesWhole() {
        String table = fixture.table("big", "CREATE TABLE %s (id int PRIMARY KEY, body text)");
        fixture.start();

        fixture.db.execute("INSERT INTO " + table + " SELECT 1, string_agg(md5(g::text), '') FROM generate_series(1, 100000) g");

        await().atMost(WAIT).until(() -> fixture.consumer.transactions.size() == 1);
        assertThat(fixture.consumer.changes().get(0).newRow().text("body")).hasSize(3_200_000);
    }

    @Test
    void tableAlteredOrDroppedWhileStreamingDoesNotStopTheStream() {
        String altered = fixture.table("altered", "CREATE TABLE %s (id int PRIMARY KEY, title text)");
        String dropped = fixture.table("dropped", "CREATE TABLE %s (id int PRIMARY KEY)");
        fixture.start();

        fixture.db.execute("INSERT INTO " + altered + " VALUES (1, 'before')",
                "ALTER TABLE " + altered + " ADD COLUMN notes text DEFAULT 'added'",
                "INSERT INTO " + altered + " VALUES (2, 'after add')",
                "ALTER TABLE " + altered + " RENAME COLUMN title TO headline",
                "INSERT INTO " + altered + " VALUES (3, 'after rename')",
                "INSERT INTO " + dropped + " VALUES (1)",
                "DROP TABLE " + dropped,
                "INSERT INTO " + altered + " VALUES (4, 'after drop')");

        await().atMost(WAIT).until(() -> fixture.consumer.changesOf(altered).size() == 4);
        var changes = fixture.consumer.changesOf(altered);
        assertThat(changes.get(0).newRow().has("notes")).isFalse();
        assertThat(changes.get(1).newRow().text("notes")).isEqualTo("added");
        assertThat(changes.get(2).newRow().text("headline")).isEqualTo("after rename");
        assertThat(changes.get(3).newRow().text("headline")).isEqualTo("after drop");
        assertThat(fixture.consumer.changesOf(dropped)).extracting(RowChange::kind).containsExactly(ChangeKind.INSERT);
        assertThat(fixture.listener.state()).isEqualTo(CaptureState.STREAMING);
        assertThat(fixture.listener.reconnects()).isZero();
    }
}
