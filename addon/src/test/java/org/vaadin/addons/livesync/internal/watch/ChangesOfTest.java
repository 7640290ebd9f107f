package org.vaadin.addons.livesync.internal.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.vaadin.addons.livesync.internal.decode.ReplicaIdentity.DEFAULT;
import static org.vaadin.addons.livesync.internal.decode.ReplicaIdentity.FULL;
import static org.vaadin.addons.livesync.internal.decode.ReplicaIdentity.INDEX;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import org.hibernate.SessionFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.vaadin.addons.livesync.internal.decode.ChangeKind;
import org.vaadin.addons.livesync.internal.decode.Column;
import org.vaadin.addons.livesync.internal.decode.Lsn;
import org.vaadin.addons.livesync.internal.decode.Relation;
import org.vaadin.addons.livesync.internal.decode.ReplicaIdentity;
import org.vaadin.addons.livesync.internal.decode.Row;
import org.vaadin.addons.livesync.internal.decode.RowChange;
import org.vaadin.addons.livesync.internal.decode.Transaction;
import org.vaadin.addons.livesync.internal.decode.Value;
import org.vaadin.addons.livesync.internal.watch.WatchTestEntities.Badge;
import org.vaadin.addons.livesync.internal.watch.WatchTestEntities.Note;
import org.vaadin.addons.livesync.internal.watch.WatchTestEntities.Organization;
import org.vaadin.addons.livesync.internal.watch.WatchTestEntities.Task;
import org.vaadin.addons.livesync.internal.watch.WatchTestEntities.TenantId;
import org.vaadin.addons.livesync.internal.watch.WatchTestEntities.TenantTask;
import org.vaadin.addons.livesync.internal.watch.WatchTestEntities.VisibleTask;

/** {@link WatchRegistry#changesOf(Transaction)} on hand-made decoded transactions. */
class ChangesOfTest {

    private static SessionFactory sessionFactory;
    private static WatchRegistry registry;

    @BeforeAll
    static void buildRegistry() {
        sessionFactory = HibernateFactories.offline(Organization.class, Task.class, VisibleTask.class, Note.class,
                Badge.class, TenantTask.class);
        registry = WatchRegistry.of(sessionFactory);
    }

    @AfterAll
    static void close() {
        sessionFactory.close();
    }

    @Test
    void insertCarriesTheIdAndTheNewKey() {
        Relation task = task(DEFAULT);

        EntityChange change = only(Task.class, insert(task, 7, 1, "Write tests"));

        assertThat(change.kind()).isEqualTo(ChangeKind.INSERT);
        assertThat(change.id()).isEqualTo(7L);
        assertThat(change.newKey()).isEqualTo(1L);
        assertThat(change.newKeyKnown()).isTrue();
        assertThat(change.oldKeyKnown()).isFalse();
        assertThat(change.oldId()).isNull();
        assertThat(change.keyChanged()).isFalse();
    }

    @Test
    void updateWithoutOldRowUnderDefaultIdentityKnowsOnlyTheNewKey() {
        Relation task = task(DEFAULT);

        EntityChange change = only(Task.class, update(task, null, false, row(task, 7, 2, "Renamed")));

        assertThat(change.id()).isEqualTo(7L);
        assertThat(change.newKey()).isEqualTo(2L);
        assertThat(change.oldKeyKnown()).isFalse();
        assertThat(change.oldKey()).isNull();
        assertThat(change.keyChanged()).isFalse();
        assertThat(change.idChanged()).isFalse();
    }

    @Test
    void updateUnderFullIdentityKnowsTheOldKey() {
        Relation task = task(FULL);

        EntityChange change = only(Task.class, update(task, row(task, 7, 1, "Old"), false, row(task, 7, 1, "New")));

        assertThat(change.oldKeyKnown()).isTrue();
        assertThat(change.oldKey()).isEqualTo(1L);
        assertThat(change.newKey()).isEqualTo(1L);
        assertThat(change.keyChanged()).isFalse();
    }

    @Test
    void updateThatMovesTheRowToAnotherOrganizationIsAKeyChange() {
        Relation task = task(FULL);

        EntityChange change = only(Task.class, update(task, row(task, 7, 1, "T"), false, row(task, 7, 2, "T")));

        assertThat(change.oldKey()).isEqualTo(1L);
        assertThat(change.newKey()).isEqualTo(2L);
        assertThat(change.keyChanged()).isTrue();
        assertThat(change.idChanged()).isFalse();
    }

    @Test
    void updateOfThePrimaryKeyReportsTheOldIdButNoOldKeyOutsideTheIdentity() {
        Relation task = task(DEFAULT);
        Row oldKeyOnly = row(task, 7, null, null);

        EntityChange change = only(Task.class, update(task, oldKeyOnly, true, row(task, 8, 1, "T")));

        assertThat(change.id()).isEqualTo(8L);
        assertThat(change.oldId()).isEqualTo(7L);
        assertThat(change.idChanged()).isTrue();
        assertThat(change.oldKeyKnown()).as("organization_id is not in the replica identity").isFalse();
        assertThat(change.newKey()).isEqualTo(1L);
    }

    @Test
    void keyColumnInTheReplicaIdentityIsKnownFromAKeyOnlyOldRow() {
        Relation task = taskWithIdentityIndexOnOrganizationAndId();
        Row oldKeyOnly = row(task, 7, 1, null);

        EntityChange change = only(Task.class, update(task, oldKeyOnly, true, row(task, 7, 2, "T")));

        assertThat(change.oldKeyKnown()).isTrue();
        assertThat(change.oldKey()).isEqualTo(1L);
        assertThat(change.keyChanged()).isTrue();
        assertThat(change.idChanged()).isFalse();
    }

    @Test
    void updateWithoutOldRowKeepsAKeyThatIsPartOfTheReplicaIdentity() {
        Relation task = taskWithIdentityIndexOnOrganizationAndId();

        EntityChange change = only(Task.class, update(task, null, false, row(task, 7, 2, "T")));

        assertThat(change.oldKeyKnown()).as("PostgreSQL logs the old key when a key column changes").isTrue();
        assertThat(change.oldKey()).isEqualTo(2L);
        assertThat(change.keyChanged()).isFalse();
    }

    @Test
    void unchangedToastKeyIsTakenFromTheOldRowUnderFullIdentity() {
        Relation task = task(FULL);

        EntityChange change = only(Task.class,
                update(task, row(task, 7, 3, "T"), false, row(task, 7, Value.UNCHANGED, "T2")));

        assertThat(change.newKeyKnown()).isTrue();
        assertThat(change.newKey()).isEqualTo(3L);
        assertThat(change.keyChanged()).isFalse();
    }

    @Test
    void unchangedToastKeyWithoutOldRowIsAnUnknownNewKey() {
        Relation task = task(DEFAULT);

        EntityChange change = only(Task.class, update(task, null, false, row(task, 7, Value.UNCHANGED, "T")));

        assertThat(change.newKeyKnown()).isFalse();
        assertThat(change.newKey()).isNull();
        assertThat(change.id()).isEqualTo(7L);
        assertThat(change.keyChanged()).isFalse();
    }

    @Test
    void deleteUnderDefaultIdentityCarriesTheIdButNotTheKey() {
        Relation task = task(DEFAULT);

        EntityChange change = only(Task.class, delete(task, row(task, 7, null, null), true));

        assertThat(change.kind()).isEqualTo(ChangeKind.DELETE);
        assertThat(change.id()).isEqualTo(7L);
        assertThat(change.oldKeyKnown()).isFalse();
        assertThat(change.newKeyKnown()).isFalse();
        assertThat(change.newKey()).isNull();
    }

    @Test
    void deleteUnderFullIdentityCarriesTheOldKey() {
        Relation task = task(FULL);

        EntityChange change = only(Task.class, delete(task, row(task, 7, 2, "T"), false));

        assertThat(change.id()).isEqualTo(7L);
        assertThat(change.oldKeyKnown()).isTrue();
        assertThat(change.oldKey()).isEqualTo(2L);
        assertThat(change.keyChanged()).isFalse();
    }

    @Test
    void truncateCarriesNeitherIdNorKeys() {
        EntityChange change = only(Task.class, RowChange.truncate(task(DEFAULT)));

        assertThat(change.kind()).isEqualTo(ChangeKind.TRUNCATE);
        assertThat(change.id()).isNull();
        assertThat(change.oldId()).isNull();
        assertThat(change.newKeyKnown()).isFalse();
        assertThat(change.oldKeyKnown()).isFalse();
    }

    @Test
    void sqlNullKeyIsAKnownNullValue() {
        Relation task = task(FULL);

        EntityChange inserted = only(Task.class, insert(task, 7, null, "Unassigned"));
        EntityChange assigned = only(Task.class, update(task, row(task, 7, null, "T"), false, row(task, 7, 1, "T")));

        assertThat(inserted.newKeyKnown()).isTrue();
        assertThat(inserted.newKey()).isNull();
        assertThat(assigned.oldKeyKnown()).isTrue();
        assertThat(assigned.oldKey()).isNull();
        assertThat(assigned.keyChanged()).isTrue();
    }

    @Test
    void everyEntityWatchingTheTableGetsTheRowChange() {
        Relation task = task(DEFAULT);

        List<EntityChange> changes = registry.changesOf(transaction(insert(task, 7, 1, "T")));

        assertThat(changes).extracting(EntityChange::type).containsExactly(Task.class, VisibleTask.class);
        assertThat(changes).allSatisfy(change -> {
            assertThat(change.id()).isEqualTo(7L);
            assertThat(change.newKey()).isEqualTo(1L);
        });
    }

    @Test
    void changesOfOtherTablesAndSchemasAreSkippedAndCommitOrderIsKept() {
        Relation task = task(DEFAULT);
        Relation organization = new Relation(2, "public", "organization", DEFAULT,
                List.of(new Column("id", 20, "int8", -1, true), new Column("name", 25, "text", -1, false)));
        Relation otherSchemaTask = new Relation(3, "archive", "task", DEFAULT, task.columns());

        List<EntityChange> changes = registry.changesOf(transaction(
                insert(task, 1, 1, "First"),
                new RowChange(organization, ChangeKind.INSERT, row(organization, 3, "Initech"), null, false),
                insert(otherSchemaTask, 2, 1, "Archived"),
                delete(task, row(task, 1, null, null), true)));

        assertThat(changes).filteredOn(change -> change.type() == Task.class)
                .extracting(EntityChange::kind, EntityChange::id)
                .containsExactly(tuple(ChangeKind.INSERT, 1L), tuple(ChangeKind.DELETE, 1L));
        assertThat(changes).extracting(change -> change.source().relation().table()).containsOnly("task");
        assertThat(changes).extracting(change -> change.source().relation().schema()).containsOnly("public");
    }

    @Test
    void toOneKeyIsReadAsTheTargetsIdType() {
        Relation note = new Relation(4, "public", "note", DEFAULT, List.of(new Column("id", 20, "int8", -1, true),
                new Column("organization_id", 20, "int8", -1, false), new Column("text", 25, "text", -1, false)));

        EntityChange change = only(Note.class, insert(note, 5, 2, "Hello"));

        assertThat(change.id()).isEqualTo(5L);
        assertThat(change.newKey()).isEqualTo(2L);
    }

    @Test
    void convertedKeyIsReadThroughItsConverter() {
        Relation tenantTask = new Relation(5, "public", "tenant_task", DEFAULT,
                List.of(new Column("id", 20, "int8", -1, true), new Column("organization_id", 20, "int8", -1, false)));

        EntityChange change = only(TenantTask.class, insert(tenantTask, 5, 42));

        assertThat(change.newKey()).isEqualTo(new TenantId(42));
    }

    @Test
    void explicitIdIsReadFromItsOwnColumn() {
        Relation badge = new Relation(6, "public", "badge", FULL, List.of(new Column("id", 20, "int8", -1, true),
                new Column("code", 25, "text", -1, true), new Column("organization_id", 20, "int8", -1, true)));

        EntityChange change = only(Badge.class,
                update(badge, row(badge, 1, "gold", 1), false, row(badge, 1, "platinum", 1)));

        assertThat(change.id()).isEqualTo("platinum");
        assertThat(change.oldId()).isEqualTo("gold");
    }

    @Test
    void keyColumnLeftOutOfThePublicationIsAnUnknownKey() {
        Relation narrowTask = new Relation(1, "public", "task", FULL, List.of(new Column("id", 20, "int8", -1, true),
                new Column("title", 25, "text", -1, true)));

        EntityChange change = only(Task.class, update(narrowTask, row(narrowTask, 7, "A"), false,
                row(narrowTask, 7, "B")));

        assertThat(change.id()).isEqualTo(7L);
        assertThat(change.newKeyKnown()).isFalse();
        assertThat(change.oldKeyKnown()).isFalse();
    }

    @Test
    void aSingleRowChangeTranslatesLikeItsTransaction() {
        RowChange insert = insert(task(DEFAULT), 7, 1, "T");

        assertThat(registry.changesOf(insert)).isEqualTo(registry.changesOf(transaction(insert)));
    }

    @Test
    void transactionWithoutWatchedRowsHasNoChanges() {
        Relation other = new Relation(9, "public", "audit_log", FULL, List.of(new Column("id", 20, "int8", -1, true)));

        assertThat(registry.changesOf(transaction(insert(other, 1)))).isEmpty();
        assertThat(registry.changesOf(transaction())).isEmpty();
    }

    // ---- hand-made decoded values ----

    /** {@code public.task(id, organization_id, title)} with the primary key {@code id}. */
    private static Relation task(ReplicaIdentity identity) {
        boolean full = identity == FULL;
        return new Relation(1, "public", "task", identity, List.of(new Column("id", 20, "int8", -1, true),
                new Column("organization_id", 20, "int8", -1, full), new Column("title", 25, "text", -1, full)));
    }

    private static Relation taskWithIdentityIndexOnOrganizationAndId() {
        return new Relation(1, "public", "task", INDEX, List.of(new Column("id", 20, "int8", -1, true),
                new Column("organization_id", 20, "int8", -1, true), new Column("title", 25, "text", -1, false)));
    }

    /** A row of {@code relation}: {@code null} is SQL NULL, a {@link Value} is taken as is, else its text. */
    private static Row row(Relation relation, Object... values) {
        List<Value> list = new ArrayList<>();
        for (Object value : values) {
            list.add(value == null ? Value.NULL : value instanceof Value v ? v : Value.text(value.toString()));
        }
        return new Row(relation, list);
    }

    private static RowChange insert(Relation relation, Object... values) {
        return new RowChange(relation, ChangeKind.INSERT, row(relation, values), null, false);
    }

    private static RowChange update(Relation relation, Row oldRow, boolean keyOnly, Row newRow) {
        return new RowChange(relation, ChangeKind.UPDATE, newRow, oldRow, keyOnly);
    }

    private static RowChange delete(Relation relation, Row oldRow, boolean keyOnly) {
        return new RowChange(relation, ChangeKind.DELETE, null, oldRow, keyOnly);
    }

    private static Transaction transaction(RowChange... changes) {
        return new Transaction(1000, Lsn.ofLong(100), Lsn.ofLong(200), Instant.EPOCH, null, List.of(changes),
                List.of());
    }

    /** The one change of {@code type} that {@code change} makes. */
    private static EntityChange only(Class<?> type, RowChange change) {
        List<EntityChange> changes = registry.changesOf(transaction(change));
        assertThat(changes).extracting(EntityChange::type).contains(type);
        assertThat(Set.copyOf(changes.stream().map(EntityChange::source).toList())).containsExactly(change);
        return changes.stream().filter(c -> c.type() == type).findFirst().orElseThrow();
    }
}
