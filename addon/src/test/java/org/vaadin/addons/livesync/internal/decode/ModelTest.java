package org.vaadin.addons.livesync.internal.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

class ModelTest {

    private static final Relation RELATION = new Relation(1, "public", "t", ReplicaIdentity.DEFAULT, List.of(
            new Column("id", 20, "int8", -1, true), new Column("data", 17, "bytea", -1, false)));

    @Test
    void binaryValuesAreEqualByContent() {
        assertThat(new Value.Binary(new byte[] {1, 2})).isEqualTo(new Value.Binary(new byte[] {1, 2}))
                .hasSameHashCodeAs(new Value.Binary(new byte[] {1, 2}))
                .isNotEqualTo(new Value.Binary(new byte[] {1, 3}))
                .hasToString("<2 bytes>");
    }

    @Test
    void rowsWithBinaryValuesAreEqualByContent() {
        Row a = new Row(RELATION, List.of(Value.text("1"), new Value.Binary(new byte[] {9})));
        Row b = new Row(RELATION, List.of(Value.text("1"), new Value.Binary(new byte[] {9})));

        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    }

    @Test
    void logicalMessagesAreEqualByContent() {
        LogicalMessage message = new LogicalMessage(true, Lsn.ofLong(5), "p", new byte[] {1, 2, 3});

        assertThat(message).isEqualTo(new LogicalMessage(true, Lsn.ofLong(5), "p", new byte[] {1, 2, 3}))
                .hasSameHashCodeAs(new LogicalMessage(true, Lsn.ofLong(5), "p", new byte[] {1, 2, 3}))
                .isNotEqualTo(new LogicalMessage(true, Lsn.ofLong(5), "p", new byte[] {1, 2}))
                .isNotEqualTo(new LogicalMessage(false, Lsn.ofLong(5), "p", new byte[] {1, 2, 3}));
        assertThat(message.toString()).contains("prefix=p", "<3 bytes>");
    }

    @Test
    void rowNeedsOneValuePerColumn() {
        assertThatThrownBy(() -> new Row(RELATION, List.of(Value.text("1"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has 1 values for 2 columns");
    }

    @Test
    void rowNamesTheColumnsWhenAColumnIsMissing() {
        Row row = new Row(RELATION, List.of(Value.text("1"), Value.NULL));

        assertThatThrownBy(() -> row.value("nope"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no column nope (columns: [id, data])");
    }
}
