package org.vaadin.addons.livesync.internal.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.vaadin.addons.livesync.internal.decode.ChangeKind;
import org.vaadin.addons.livesync.internal.decode.Column;
import org.vaadin.addons.livesync.internal.decode.Relation;
import org.vaadin.addons.livesync.internal.decode.ReplicaIdentity;
import org.vaadin.addons.livesync.internal.decode.Row;
import org.vaadin.addons.livesync.internal.decode.RowChange;
import org.vaadin.addons.livesync.internal.decode.Value;

/** What an UPDATE tells of the columns it changed, per replica identity, on hand-built pgoutput rows. */
class ColumnChangesTest {

    private static Relation relation(ReplicaIdentity identity) {
        boolean full = identity == ReplicaIdentity.FULL;
        return new Relation(1, "public", "task", identity, List.of(
                new Column("id", 20, "int8", -1, true),
                new Column("organization_id", 20, "int8", -1, true),
                new Column("title", 25, "text", -1, full),
                new Column("status", 25, "text", -1, full)));
    }

    private static Row row(Relation relation, String... values) {
        return new Row(relation, java.util.Arrays.stream(values)
                .map(v -> v == null ? Value.NULL : Value.text(v)).toList());
    }

    @Test
    void withoutAnOldKeyTheIdentityColumnsAreKnownUnchangedAndTheOthersUnknown() {
        Relation task = relation(ReplicaIdentity.INDEX);
        ColumnChanges changes = ColumnChanges.of(new RowChange(task, ChangeKind.UPDATE,
                row(task, "1", "7", "new title", "open"), null, false));
        assertThat(changes.leftAlone(Set.of("id", "organization_id"))).isTrue();
        assertThat(changes.leftAlone(Set.of("title"))).as("not in the identity: not known").isFalse();
        assertThat(changes.hasOldRow()).isFalse();
    }

    @Test
    void aWholeOldRowTellsEveryColumnAndKeepsTheChangedValuesThroughTheReduction() {
        Relation task = relation(ReplicaIdentity.FULL);
        RowChange decoded = new RowChange(task, ChangeKind.UPDATE, row(task, "1", "7", "new title", "open"),
                row(task, "1", "7", "old title", "open"), false);
        assertThat(ColumnChanges.changedColumns(decoded)).containsExactly("title");
        // as the interest filter keeps it: routing columns, and the changed ones' old values
        RowChange reduced = new RowChange(task, ChangeKind.UPDATE, decoded.newRow().only(List.of("id", "organization_id")),
                decoded.oldRow().only(List.of("id", "organization_id", "title")), false, Set.of("title"));
        ColumnChanges changes = ColumnChanges.of(reduced);
        assertThat(changes.leftAlone(Set.of("status", "organization_id"))).isTrue();
        assertThat(changes.leftAlone(Set.of("title"))).isFalse();
        assertThat(changes.hasOldRow()).isTrue();
        assertThat(changes.before().text("title")).isEqualTo("old title");
    }

    @Test
    void anUnchangedToastValueIsLeftAloneAndNothingIsKnownWithoutAnIdentity() {
        Relation task = relation(ReplicaIdentity.FULL);
        Row now = new Row(task, List.of(Value.text("1"), Value.text("7"), Value.UNCHANGED, Value.text("done")));
        assertThat(ColumnChanges.changedColumns(new RowChange(task, ChangeKind.UPDATE, now,
                row(task, "1", "7", "long text", "open"), false))).containsExactly("status");
        Relation none = relation(ReplicaIdentity.NOTHING);
        assertThat(ColumnChanges.of(new RowChange(none, ChangeKind.UPDATE, row(none, "1", "7", "t", "s"), null, false))
                .leftAlone(Set.of("id"))).isFalse();
    }
}
