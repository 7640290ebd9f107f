package org.vaadin.addons.livesync.internal.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vaadin.addons.livesync.internal.decode.PgOutputMessages.UNCHANGED;
import static org.vaadin.addons.livesync.internal.decode.PgOutputMessages.begin;
import static org.vaadin.addons.livesync.internal.decode.PgOutputMessages.col;
import static org.vaadin.addons.livesync.internal.decode.PgOutputMessages.commit;
import static org.vaadin.addons.livesync.internal.decode.PgOutputMessages.deleteWithKey;
import static org.vaadin.addons.livesync.internal.decode.PgOutputMessages.deleteWithOld;
import static org.vaadin.addons.livesync.internal.decode.PgOutputMessages.insert;
import static org.vaadin.addons.livesync.internal.decode.PgOutputMessages.key;
import static org.vaadin.addons.livesync.internal.decode.PgOutputMessages.message;
import static org.vaadin.addons.livesync.internal.decode.PgOutputMessages.origin;
import static org.vaadin.addons.livesync.internal.decode.PgOutputMessages.raw;
import static org.vaadin.addons.livesync.internal.decode.PgOutputMessages.relation;
import static org.vaadin.addons.livesync.internal.decode.PgOutputMessages.truncate;
import static org.vaadin.addons.livesync.internal.decode.PgOutputMessages.tuple;
import static org.vaadin.addons.livesync.internal.decode.PgOutputMessages.type;
import static org.vaadin.addons.livesync.internal.decode.PgOutputMessages.update;
import static org.vaadin.addons.livesync.internal.decode.PgOutputMessages.updateWithKey;
import static org.vaadin.addons.livesync.internal.decode.PgOutputMessages.updateWithOld;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

class TransactionAssemblerTest {

    private static final int ORDERS = 16384;
    private static final int CUSTOMERS = 16390;
    private static final int INT8 = 20;
    private static final int TEXT = 25;
    private static final int VARCHAR = 1043;
    private static final int NUMERIC = 1700;
    private static final Instant COMMIT_TIME = Instant.parse("2026-11-21T10:15:30.123456Z");

    private final TransactionAssembler assembler = new TransactionAssembler();

    /** Feeds the messages in order; returns what the last one returned, checking the others returned null. */
    private Transaction feed(ByteBuffer... messages) {
        Transaction result = null;
        for (int i = 0; i < messages.length; i++) {
            result = assembler.accept(messages[i]);
            if (i < messages.length - 1) {
                assertThat(result).as("result of message %d", i).isNull();
            }
        }
        return result;
    }

    private static ByteBuffer ordersRelation() {
        return relation(ORDERS, "public", "orders", 'd', key("id", INT8), col("note", TEXT), col("total", NUMERIC));
    }

    private static ByteBuffer customersRelation() {
        return relation(CUSTOMERS, "crm", "customers", 'f', key("id", INT8), col("name", VARCHAR, 104));
    }

    private static ByteBuffer beginTx() {
        return begin(0x1000, COMMIT_TIME, 501);
    }

    private static ByteBuffer commitTx() {
        return commit(0x1000, 0x1030, COMMIT_TIME);
    }

    private Transaction single(ByteBuffer... changes) {
        ByteBuffer[] all = new ByteBuffer[changes.length + 3];
        all[0] = ordersRelation();
        all[1] = beginTx();
        System.arraycopy(changes, 0, all, 2, changes.length);
        all[all.length - 1] = commitTx();
        return feed(all);
    }

    @Test
    void commitYieldsTheTransactionWithItsIdsPositionsAndTime() {
        Transaction tx = single(insert(ORDERS, "1", "first", "9.50"));

        assertThat(tx.xid()).isEqualTo(501);
        assertThat(tx.commitLsn()).isEqualTo(Lsn.ofLong(0x1000));
        assertThat(tx.endLsn()).isEqualTo(Lsn.ofLong(0x1030));
        assertThat(tx.commitTime()).isEqualTo(COMMIT_TIME);
        assertThat(tx.origin()).isNull();
        assertThat(tx.messages()).isEmpty();
        assertThat(assembler.inTransaction()).isFalse();
    }

    @Test
    void insertBecomesARowChangeWithTheNewRow() {
        Transaction tx = single(insert(ORDERS, "1", "first", "9.50"));

        RowChange change = tx.changes().getFirst();
        assertThat(change.kind()).isEqualTo(ChangeKind.INSERT);
        assertThat(change.table()).isEqualTo("orders");
        assertThat(change.relation().qualifiedName()).isEqualTo("public.orders");
        assertThat(change.oldRow()).isNull();
        assertThat(change.oldRowIsKeyOnly()).isFalse();
        assertThat(change.newRow().text("note")).isEqualTo("first");
        assertThat(change.newRow().get("id", Long.class)).isEqualTo(1L);
        assertThat(change.newRow().typed("total")).isEqualTo(new BigDecimal("9.50"));
    }

    @Test
    void relationMessageDescribesTheColumnsWithTypeNamesKeysAndModifiers() {
        Transaction tx = feed(customersRelation(), beginTx(), insert(CUSTOMERS, "1", "Ada"), commitTx());

        Relation relation = tx.changes().getFirst().relation();
        assertThat(relation.oid()).isEqualTo(CUSTOMERS);
        assertThat(relation.schema()).isEqualTo("crm");
        assertThat(relation.table()).isEqualTo("customers");
        assertThat(relation.replicaIdentity()).isEqualTo(ReplicaIdentity.FULL);
        assertThat(relation.columns()).containsExactly(
                new Column("id", INT8, "int8", -1, true),
                new Column("name", VARCHAR, "varchar", 104, false));
    }

    @Test
    void nullValuesStayNull() {
        Transaction tx = single(insert(ORDERS, "1", null, null));

        Row row = tx.changes().getFirst().newRow();
        assertThat(row.value("note")).isEqualTo(Value.NULL);
        assertThat(row.isNull("total")).isTrue();
        assertThat(row.text("note")).isNull();
        assertThat(row.get("total", BigDecimal.class)).isNull();
        assertThat(row.typed("total")).isNull();
    }

    @Test
    void unchangedToastValueStaysUnchanged() {
        Transaction tx = single(update(ORDERS, "1", UNCHANGED, "10.00"));

        Row row = tx.changes().getFirst().newRow();
        assertThat(row.value("note")).isSameAs(Value.UNCHANGED).isNotEqualTo(Value.NULL);
        assertThat(row.isUnchanged("note")).isTrue();
        assertThat(row.isNull("note")).isFalse();
        assertThatThrownBy(() -> row.text("note"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("unchanged TOAST");
    }

    @Test
    void updateWithoutOldTupleHasNoOldRow() {
        RowChange change = single(update(ORDERS, "1", "changed", "1.00")).changes().getFirst();

        assertThat(change.kind()).isEqualTo(ChangeKind.UPDATE);
        assertThat(change.newRow().text("note")).isEqualTo("changed");
        assertThat(change.oldRow()).isNull();
        assertThat(change.oldRowIsKeyOnly()).isFalse();
    }

    @Test
    void updateWithOldKeyHasAKeyOnlyOldRow() {
        RowChange change = single(updateWithKey(ORDERS, tuple("1", null, null), tuple("2", "moved", "1.00")))
                .changes().getFirst();

        assertThat(change.oldRowIsKeyOnly()).isTrue();
        assertThat(change.oldRow().text("id")).isEqualTo("1");
        assertThat(change.oldRow().value("note")).isEqualTo(Value.NULL);
        assertThat(change.oldRow().value("total")).isEqualTo(Value.NULL);
        assertThat(change.newRow().text("id")).isEqualTo("2");
    }

    @Test
    void updateWithFullOldRowHasTheWholeOldRow() {
        Transaction tx = feed(customersRelation(), beginTx(),
                updateWithOld(CUSTOMERS, tuple("1", "Ada"), tuple("1", "Ada Lovelace")), commitTx());

        RowChange change = tx.changes().getFirst();
        assertThat(change.oldRowIsKeyOnly()).isFalse();
        assertThat(change.oldRow().text("name")).isEqualTo("Ada");
        assertThat(change.newRow().text("name")).isEqualTo("Ada Lovelace");
    }

    @Test
    void deleteWithOldKeyHasAKeyOnlyOldRowAndNoNewRow() {
        RowChange change = single(deleteWithKey(ORDERS, "7", null, null)).changes().getFirst();

        assertThat(change.kind()).isEqualTo(ChangeKind.DELETE);
        assertThat(change.newRow()).isNull();
        assertThat(change.oldRowIsKeyOnly()).isTrue();
        assertThat(change.oldRow().get("id", Long.class)).isEqualTo(7L);
        assertThat(change.oldRow().isNull("note")).isTrue();
    }

    @Test
    void deleteWithFullOldRowHasTheWholeOldRow() {
        Transaction tx = feed(customersRelation(), beginTx(), deleteWithOld(CUSTOMERS, "1", "Ada"), commitTx());

        RowChange change = tx.changes().getFirst();
        assertThat(change.kind()).isEqualTo(ChangeKind.DELETE);
        assertThat(change.newRow()).isNull();
        assertThat(change.oldRowIsKeyOnly()).isFalse();
        assertThat(change.oldRow().text("name")).isEqualTo("Ada");
    }

    @Test
    void truncateOfSeveralRelationsGivesOneChangePerRelationInOrder() {
        Transaction tx = feed(ordersRelation(), customersRelation(), beginTx(),
                truncate(1 | 2, CUSTOMERS, ORDERS), commitTx());

        assertThat(tx.changes()).extracting(RowChange::kind).containsExactly(ChangeKind.TRUNCATE, ChangeKind.TRUNCATE);
        assertThat(tx.changes()).extracting(RowChange::table).containsExactly("customers", "orders");
        assertThat(tx.changes()).allSatisfy(change -> {
            assertThat(change.newRow()).isNull();
            assertThat(change.oldRow()).isNull();
        });
    }

    @Test
    void truncateOfAnUnknownRelationIsRejected() {
        feed(ordersRelation(), beginTx());

        assertThatThrownBy(() -> assembler.accept(truncate(0, ORDERS, 999)))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("relation oid 999 unknown");
    }

    @Test
    void relationDescribedAgainMidStreamAppliesToTheChangesAfterIt() {
        ByteBuffer widened = relation(ORDERS, "public", "orders", 'd',
                key("id", INT8), col("note", TEXT), col("total", NUMERIC), col("status", TEXT));

        Transaction tx = single(insert(ORDERS, "1", "before", "1.00"), widened,
                insert(ORDERS, "2", "after", "2.00", "new"));

        Row before = tx.changes().get(0).newRow();
        Row after = tx.changes().get(1).newRow();
        assertThat(before.relation().columns()).hasSize(3);
        assertThat(before.has("status")).isFalse();
        assertThat(after.relation().columns()).hasSize(4);
        assertThat(after.text("status")).isEqualTo("new");

        Transaction next = feed(begin(0x2000, COMMIT_TIME, 502), insert(ORDERS, "3", "later", "3.00", "x"),
                commit(0x2000, 0x2030, COMMIT_TIME));
        assertThat(next.changes().getFirst().newRow().text("status")).isEqualTo("x");
    }

    @Test
    void tupleWithAnotherColumnCountThanTheRelationIsRejected() {
        feed(ordersRelation(), beginTx());

        assertThatThrownBy(() -> assembler.accept(insert(ORDERS, "1", "two values")))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("public.orders carries 2 values but its Relation message described 3 columns");
    }

    @Test
    void typeMessageNamesACustomTypeColumn() {
        int mood = 24601;
        int unknown = 24700;

        Transaction tx = feed(type(mood, "shop", "mood"),
                relation(ORDERS, "public", "orders", 'd', key("id", INT8), col("mood", mood), col("extra", unknown)),
                beginTx(), insert(ORDERS, "1", "happy", "?"), commitTx());

        Row row = tx.changes().getFirst().newRow();
        assertThat(row.relation().columns()).extracting(Column::typeName).containsExactly("int8", "mood", "oid:24700");
        assertThat(row.typed("mood")).isEqualTo("happy");
    }

    @Test
    void builtInTypesAreNamedFromTheBuiltInTable() {
        int[] oids = {16, 17, 18, 19, 20, 21, 23, 25, 26, 114, 142, 700, 701, 790, 1042, 1043, 1082, 1083, 1114, 1184,
                1186, 1266, 1560, 1562, 1700, 2950, 3802, 1007, 1009, 1016, 1015, 2951, 3807, 1000, 1022, 1231, 3904,
                3926, 3906, 3908, 3910, 3912};
        PgOutputMessages.Col[] columns = new PgOutputMessages.Col[oids.length];
        for (int i = 0; i < oids.length; i++) {
            columns[i] = col("c" + i, oids[i]);
        }

        Transaction tx = feed(relation(1, "public", "all_types", 'd', columns), beginTx(), truncate(0, 1), commitTx());

        assertThat(tx.changes().getFirst().relation().columns()).extracting(Column::typeName).containsExactly(
                "bool", "bytea", "char", "name", "int8", "int2", "int4", "text", "oid", "json", "xml", "float4",
                "float8", "money", "bpchar", "varchar", "date", "time", "timestamp", "timestamptz", "interval",
                "timetz", "bit", "varbit", "numeric", "uuid", "jsonb", "_int4", "_text", "_int8", "_varchar", "_uuid",
                "_jsonb", "_bool", "_float8", "_numeric", "int4range", "int8range", "numrange", "tsrange",
                "tstzrange", "daterange");
    }

    @Test
    void originNamesWhereTheTransactionCameFrom() {
        Transaction tx = single(origin(0x77, "upstream"), insert(ORDERS, "1", "x", "1"));

        assertThat(tx.origin()).isEqualTo("upstream");
        Transaction next = feed(begin(0x2000, COMMIT_TIME, 502), commit(0x2000, 0x2030, COMMIT_TIME));
        assertThat(next.origin()).isNull();
    }

    @Test
    void transactionalLogicalMessageIsKeptWithTheTransaction() {
        byte[] content = "{\"op\":\"refresh\"}".getBytes(StandardCharsets.UTF_8);

        Transaction tx = single(insert(ORDERS, "1", "x", "1"), message(true, 0x1010, "livesync", content));

        assertThat(tx.messages()).containsExactly(new LogicalMessage(true, Lsn.ofLong(0x1010), "livesync", content));
        assertThat(tx.changes()).hasSize(1);
    }

    @Test
    void nonTransactionalLogicalMessageIsIgnored() {
        assertThat(assembler.accept(message(false, 0x900, "heartbeat", new byte[] {1}))).isNull();
        assertThat(assembler.inTransaction()).isFalse();

        Transaction tx = single(insert(ORDERS, "1", "x", "1"));
        assertThat(tx.messages()).isEmpty();
    }

    @Test
    void transactionWithoutChangesIsEmpty() {
        Transaction tx = feed(beginTx(), commitTx());

        assertThat(tx.isEmpty()).isTrue();
        assertThat(tx.changes()).isEmpty();
    }

    @Test
    void manyRowsInOneTransactionKeepTheirOrder() {
        int count = 5_000;
        assembler.accept(ordersRelation());
        assembler.accept(beginTx());
        for (int i = 0; i < count; i++) {
            assertThat(assembler.accept(insert(ORDERS, Integer.toString(i), "row " + i, null))).isNull();
        }
        Transaction tx = assembler.accept(commitTx());

        assertThat(tx.changes()).hasSize(count);
        for (int i = 0; i < count; i++) {
            assertThat(tx.changes().get(i).newRow().get("id", Integer.class)).isEqualTo(i);
        }
    }

    @Test
    void severalTablesInOneTransactionKeepTheCommitOrder() {
        Transaction tx = feed(ordersRelation(), customersRelation(), beginTx(),
                insert(CUSTOMERS, "1", "Ada"),
                insert(ORDERS, "10", "for Ada", "5.00"),
                updateWithOld(CUSTOMERS, tuple("1", "Ada"), tuple("1", "Ada L.")),
                deleteWithKey(ORDERS, "10", null, null),
                commitTx());

        assertThat(tx.changes()).extracting(RowChange::table, RowChange::kind).containsExactly(
                Tuple.tuple("customers", ChangeKind.INSERT),
                Tuple.tuple("orders", ChangeKind.INSERT),
                Tuple.tuple("customers", ChangeKind.UPDATE),
                Tuple.tuple("orders", ChangeKind.DELETE));
    }

    @Test
    void consecutiveTransactionsAreIndependent() {
        Transaction first = single(insert(ORDERS, "1", "a", "1"), message(true, 0x1010, "p", new byte[0]));
        Transaction second = feed(begin(0x2000, COMMIT_TIME, 502), insert(ORDERS, "2", "b", "2"),
                commit(0x2000, 0x2030, COMMIT_TIME));

        assertThat(first.changes()).hasSize(1);
        assertThat(second.xid()).isEqualTo(502);
        assertThat(second.changes()).hasSize(1);
        assertThat(second.changes().getFirst().newRow().text("id")).isEqualTo("2");
        assertThat(second.messages()).isEmpty();
    }

    @Test
    void inTransactionIsTrueBetweenBeginAndCommit() {
        assertThat(assembler.inTransaction()).isFalse();
        assembler.accept(beginTx());
        assertThat(assembler.inTransaction()).isTrue();
        assembler.accept(commitTx());
        assertThat(assembler.inTransaction()).isFalse();
    }

    @Test
    void changeForAnUnknownRelationIsRejectedAskingWhetherTheStreamStartedMidWay() {
        assembler.accept(beginTx());

        assertThatThrownBy(() -> assembler.accept(insert(4242, "1")))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("relation oid 4242 unknown: the server sends a Relation message before first"
                        + " use; was the stream started mid-way?");
    }

    @Test
    void changesOutsideATransactionAreRejected() {
        assembler.accept(ordersRelation());

        for (ByteBuffer change : List.of(insert(ORDERS, "1", "x", "1"), update(ORDERS, "1", "x", "1"),
                deleteWithKey(ORDERS, "1", null, null), truncate(0, ORDERS))) {
            assertThatThrownBy(() -> assembler.accept(change))
                    .isInstanceOf(DecodeException.class)
                    .hasMessageContaining("outside a transaction");
        }
    }

    @Test
    void commitOriginAndTransactionalMessageOutsideATransactionAreRejected() {
        assertThatThrownBy(() -> assembler.accept(commitTx()))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("Commit at 0/1000 received outside a transaction");
        assertThatThrownBy(() -> assembler.accept(origin(1, "upstream")))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("outside a transaction");
        assertThatThrownBy(() -> assembler.accept(message(true, 1, "p", new byte[0])))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("outside a transaction");
    }

    @Test
    void beginInsideATransactionIsRejectedAndKeepsTheOpenTransaction() {
        feed(ordersRelation(), beginTx(), insert(ORDERS, "1", "x", "1"));

        assertThatThrownBy(() -> assembler.accept(begin(0x2000, COMMIT_TIME, 502)))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("Begin of transaction 502 received while transaction 501");
        assertThat(assembler.accept(commitTx()).changes()).hasSize(1);
    }

    @Test
    void unknownMessageTypeIsRejected() {
        assertThatThrownBy(() -> assembler.accept(raw('Z')))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("Unknown pgoutput message type 0x5A ('Z')");
    }

    @Test
    void truncatedMessageIsRejectedAndLeavesTheStateAlone() {
        feed(ordersRelation(), beginTx());
        ByteBuffer insert = insert(ORDERS, "1", "x", "1");

        assertThatThrownBy(() -> assembler.accept(PgOutputMessages.truncated(insert, insert.remaining() - 1)))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("Insert message ('I') is truncated");
        assertThat(assembler.inTransaction()).isTrue();
        assertThat(assembler.accept(commitTx()).changes()).isEmpty();
    }

    @Test
    void streamMessageIsRejectedSayingStreamingMustNotBeEnabled() {
        assertThatThrownBy(() -> assembler.accept(raw('S', 0, 0, 0, 9, 1)))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("Stream Start")
                .hasMessageContaining("streaming of in-progress transactions must not be enabled");
    }

    @Test
    void resetDiscardsAHalfReadTransaction() {
        feed(ordersRelation(), beginTx(), origin(1, "upstream"), insert(ORDERS, "1", "lost", "1"),
                message(true, 0x1010, "p", new byte[0]));

        assembler.reset();

        assertThat(assembler.inTransaction()).isFalse();
        Transaction tx = feed(ordersRelation(), begin(0x2000, COMMIT_TIME, 502), insert(ORDERS, "2", "kept", "2"),
                commit(0x2000, 0x2030, COMMIT_TIME));
        assertThat(tx.changes()).extracting(change -> change.newRow().text("note")).containsExactly("kept");
        assertThat(tx.origin()).isNull();
        assertThat(tx.messages()).isEmpty();
    }

    @Test
    void resetForgetsCachedRelationsAndTypes() {
        int mood = 24601;
        feed(type(mood, "shop", "mood"), ordersRelation());

        assembler.reset();

        assembler.accept(beginTx());
        assertThatThrownBy(() -> assembler.accept(insert(ORDERS, "1", "x", "1")))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("relation oid 16384 unknown");
        Transaction tx = feed(relation(ORDERS, "public", "orders", 'd', key("id", INT8), col("mood", mood)),
                insert(ORDERS, "1", "happy"), commitTx());
        assertThat(tx.changes().getFirst().relation().columns().get(1).typeName()).isEqualTo("oid:24601");
    }

    @Test
    void theCallersBufferIsNotConsumed() {
        ByteBuffer relation = ordersRelation();
        int remaining = relation.remaining();

        assembler.accept(relation);

        assertThat(relation.remaining()).isEqualTo(remaining);
    }

    /** Keeps orders only, reduced to their id, grouped by their note; counts what it was offered, kept and dropped. */
    private static final class OrdersById implements ChangeFilter {
        int offered;
        long begun;
        final List<String> kept = new java.util.ArrayList<>();
        final List<String> dropped = new java.util.ArrayList<>();

        @Override
        public void kept(RowChange retained) {
            kept.add(retained.newRow().text("id"));
        }

        @Override
        public void dropped(RowChange retained) {
            dropped.add(retained.newRow().text("id"));
        }

        @Override
        public boolean watches(Relation relation) {
            return relation.table().equals("orders");
        }

        @Override
        public void begin(long xid) {
            begun = xid;
        }

        @Override
        public RowChange retain(RowChange change) {
            offered++;
            if (change.kind() == ChangeKind.INSERT && "skip".equals(change.newRow().text("note"))) {
                return null;
            }
            return change.newRow() == null ? change
                    : new RowChange(change.relation(), change.kind(), change.newRow().only(List.of("id", "note")),
                            change.oldRow(), change.oldRowIsKeyOnly());
        }

        @Override
        public Object group(RowChange retained) {
            return retained.newRow() == null ? null : retained.newRow().text("note");
        }
    }

    @Test
    void changesOfUnwatchedTablesAndChangesTheFilterDropsAreNotKept() {
        OrdersById filter = new OrdersById();
        TransactionAssembler filtered = new TransactionAssembler(filter, 100, 100);
        filtered.accept(ordersRelation());
        filtered.accept(customersRelation());
        filtered.accept(beginTx());
        filtered.accept(insert(CUSTOMERS, "1", "Ada"));
        filtered.accept(insert(ORDERS, "1", "keep", "1.00"));
        filtered.accept(insert(ORDERS, "2", "skip", "2.00"));
        Transaction tx = filtered.accept(commitTx());

        assertThat(filter.offered).as("unwatched tables are not even offered").isEqualTo(2);
        assertThat(filter.begun).isEqualTo(501);
        assertThat(tx.changes()).singleElement().satisfies(change -> {
            assertThat(change.newRow().get("id", Long.class)).isEqualTo(1L);
            assertThat(change.newRow().isNull("total")).as("reduced to what the filter keeps").isTrue();
        });
        assertThat(tx.overflow()).isNull();
    }

    @Test
    void aGroupPastItsLimitIsListedAsOverflowedInsteadOfKept() {
        TransactionAssembler limited = new TransactionAssembler(new OrdersById(), 2, 100);
        limited.accept(ordersRelation());
        limited.accept(beginTx());
        for (int i = 1; i <= 5; i++) {
            limited.accept(insert(ORDERS, String.valueOf(i), "big", "1.00"));
        }
        limited.accept(insert(ORDERS, "6", "small", "1.00"));
        Transaction tx = limited.accept(commitTx());

        assertThat(tx.changes()).extracting(c -> c.newRow().text("note")).containsExactly("big", "big", "small");
        assertThat(tx.overflow().groups()).containsExactly("big");
        assertThat(tx.overflow().relations()).isEmpty();
        assertThat(tx.overflow().dropped()).isEqualTo(3);
        assertThat(tx.isEmpty()).isFalse();
    }

    @Test
    void theFilterHearsWhichRetainedChangesAreKeptAndWhichAreDroppedForTheLimits() {
        OrdersById filter = new OrdersById();
        TransactionAssembler limited = new TransactionAssembler(filter, 2, 4);
        limited.accept(ordersRelation());
        limited.accept(beginTx());
        for (int i = 1; i <= 4; i++) {
            limited.accept(insert(ORDERS, String.valueOf(i), "big", "1.00"));
        }
        for (int i = 5; i <= 8; i++) {
            limited.accept(insert(ORDERS, String.valueOf(i), "note " + i, "1.00"));
        }
        Transaction tx = limited.accept(commitTx());

        assertThat(filter.kept).as("what the transaction carries").containsExactly("1", "2", "5", "6")
                .isEqualTo(tx.changes().stream().map(c -> c.newRow().text("id")).toList());
        assertThat(filter.dropped).as("past the group's and then the total limit").containsExactly("3", "4", "7", "8");
    }

    @Test
    void pastTheTotalLimitATablesFurtherChangesAreSummarisedByTable() {
        TransactionAssembler limited = new TransactionAssembler(new OrdersById(), 100, 3);
        limited.accept(ordersRelation());
        limited.accept(beginTx());
        for (int i = 1; i <= 10; i++) {
            limited.accept(insert(ORDERS, String.valueOf(i), "note " + i, "1.00"));
        }
        Transaction tx = limited.accept(commitTx());

        assertThat(tx.changes()).hasSize(3);
        assertThat(tx.overflow().relations()).extracting(Relation::table).containsExactly("orders");
        assertThat(tx.overflow().dropped()).isEqualTo(7);

        limited.accept(beginTx());
        limited.accept(insert(ORDERS, "11", "after", "1.00"));
        assertThat(limited.accept(commitTx()).overflow()).as("limits are per transaction").isNull();
    }
}
