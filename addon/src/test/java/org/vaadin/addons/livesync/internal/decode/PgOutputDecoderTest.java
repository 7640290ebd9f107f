package org.vaadin.addons.livesync.internal.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.vaadin.addons.livesync.internal.decode.PgOutputMessages.UNCHANGED;
import static org.vaadin.addons.livesync.internal.decode.PgOutputMessages.col;
import static org.vaadin.addons.livesync.internal.decode.PgOutputMessages.key;
import static org.vaadin.addons.livesync.internal.decode.PgOutputMessages.raw;
import static org.vaadin.addons.livesync.internal.decode.PgOutputMessages.truncated;
import static org.vaadin.addons.livesync.internal.decode.PgOutputMessages.tuple;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.vaadin.addons.livesync.internal.decode.PgOutputMessage.Begin;
import org.vaadin.addons.livesync.internal.decode.PgOutputMessage.Commit;
import org.vaadin.addons.livesync.internal.decode.PgOutputMessage.Delete;
import org.vaadin.addons.livesync.internal.decode.PgOutputMessage.Insert;
import org.vaadin.addons.livesync.internal.decode.PgOutputMessage.LogicalMessageRecord;
import org.vaadin.addons.livesync.internal.decode.PgOutputMessage.OldTuple;
import org.vaadin.addons.livesync.internal.decode.PgOutputMessage.Origin;
import org.vaadin.addons.livesync.internal.decode.PgOutputMessage.RelationColumn;
import org.vaadin.addons.livesync.internal.decode.PgOutputMessage.RelationMessage;
import org.vaadin.addons.livesync.internal.decode.PgOutputMessage.Truncate;
import org.vaadin.addons.livesync.internal.decode.PgOutputMessage.TypeMessage;
import org.vaadin.addons.livesync.internal.decode.PgOutputMessage.Update;

class PgOutputDecoderTest {

    private static final Instant COMMIT_TIME = Instant.parse("2026-11-21T10:15:30.123456Z");

    @Test
    void decodesBeginWithUnsignedXidAndMicrosecondCommitTime() {
        PgOutputMessage decoded = PgOutputDecoder.decode(
                PgOutputMessages.begin(0x16_B374D848L, COMMIT_TIME, 0xFFFF_FFF0L));

        assertThat(decoded).isEqualTo(new Begin(Lsn.valueOf("16/B374D848"), COMMIT_TIME, 4_294_967_280L));
    }

    @Test
    void decodesCommit() {
        PgOutputMessage decoded = PgOutputDecoder.decode(PgOutputMessages.commit(0x100, 0x130, COMMIT_TIME));

        assertThat(decoded).isEqualTo(new Commit(0, Lsn.ofLong(0x100), Lsn.ofLong(0x130), COMMIT_TIME));
    }

    @Test
    void decodesTimestampsBeforeTheYear2000() {
        Instant before = Instant.parse("1999-12-31T23:59:59.999999Z");

        Begin begin = (Begin) PgOutputDecoder.decode(PgOutputMessages.begin(1, before, 7));

        assertThat(begin.commitTime()).isEqualTo(before);
    }

    @Test
    void decodesOrigin() {
        assertThat(PgOutputDecoder.decode(PgOutputMessages.origin(0xABCDEFL, "node_a")))
                .isEqualTo(new Origin(Lsn.ofLong(0xABCDEFL), "node_a"));
    }

    @Test
    void decodesRelationWithKeyFlagsTypesAndModifiers() {
        ByteBuffer message = PgOutputMessages.relation(16384, "public", "orders", 'd',
                key("id", 20), col("name", 1043, 104), col("total", 1700, 655366));

        assertThat(PgOutputDecoder.decode(message)).isEqualTo(new RelationMessage(16384, "public", "orders",
                ReplicaIdentity.DEFAULT, List.of(
                        new RelationColumn(true, "id", 20, -1),
                        new RelationColumn(false, "name", 1043, 104),
                        new RelationColumn(false, "total", 1700, 655366))));
    }

    @Test
    void emptyNamespaceMeansPgCatalog() {
        RelationMessage relation = (RelationMessage) PgOutputDecoder.decode(
                PgOutputMessages.relation(1259, "", "pg_class", 'n'));
        TypeMessage type = (TypeMessage) PgOutputDecoder.decode(PgOutputMessages.type(99999, "", "mood"));

        assertThat(relation.namespace()).isEqualTo("pg_catalog");
        assertThat(relation.replicaIdentity()).isEqualTo(ReplicaIdentity.NOTHING);
        assertThat(relation.columns()).isEmpty();
        assertThat(type.namespace()).isEqualTo("pg_catalog");
    }

    @Test
    void decodesTypeMessage() {
        assertThat(PgOutputDecoder.decode(PgOutputMessages.type(24601, "shop", "mood")))
                .isEqualTo(new TypeMessage(24601, "shop", "mood"));
    }

    @Test
    void decodesInsertWithTextNullUnchangedAndBinaryValues() {
        ByteBuffer message = PgOutputMessages.insert(16384, "42", null, UNCHANGED, new byte[] {1, 0, 2}, "");

        assertThat(PgOutputDecoder.decode(message)).isEqualTo(new Insert(16384, List.of(
                Value.text("42"), Value.NULL, Value.UNCHANGED, new Value.Binary(new byte[] {1, 0, 2}),
                Value.text(""))));
    }

    @Test
    void decodesTextAndNamesAsUtf8() {
        String text = "Zürich – 東京 😀";

        Insert insert = (Insert) PgOutputDecoder.decode(PgOutputMessages.insert(1, text));
        RelationMessage relation = (RelationMessage) PgOutputDecoder.decode(
                PgOutputMessages.relation(1, "schéma", "tâble", 'f', col("naïve", 25)));

        assertThat(insert.newTuple()).containsExactly(Value.text(text));
        assertThat(relation.namespace()).isEqualTo("schéma");
        assertThat(relation.name()).isEqualTo("tâble");
        assertThat(relation.columns().getFirst().name()).isEqualTo("naïve");
    }

    @Test
    void decodesUpdateWithoutOldTuple() {
        assertThat(PgOutputDecoder.decode(PgOutputMessages.update(7, "1", "new")))
                .isEqualTo(new Update(7, null, List.of(Value.text("1"), Value.text("new"))));
    }

    @Test
    void decodesUpdateWithOldKey() {
        ByteBuffer message = PgOutputMessages.updateWithKey(7, tuple("1", null), tuple("2", "new"));

        assertThat(PgOutputDecoder.decode(message)).isEqualTo(new Update(7,
                new OldTuple(true, List.of(Value.text("1"), Value.NULL)), List.of(Value.text("2"), Value.text("new"))));
    }

    @Test
    void decodesUpdateWithFullOldRow() {
        ByteBuffer message = PgOutputMessages.updateWithOld(7, tuple("1", "old"), tuple("1", "new"));

        assertThat(PgOutputDecoder.decode(message)).isEqualTo(new Update(7,
                new OldTuple(false, List.of(Value.text("1"), Value.text("old"))),
                List.of(Value.text("1"), Value.text("new"))));
    }

    @Test
    void decodesDeleteWithOldKeyAndWithFullOldRow() {
        assertThat(PgOutputDecoder.decode(PgOutputMessages.deleteWithKey(7, "1", null)))
                .isEqualTo(new Delete(7, new OldTuple(true, List.of(Value.text("1"), Value.NULL))));
        assertThat(PgOutputDecoder.decode(PgOutputMessages.deleteWithOld(7, "1", "old")))
                .isEqualTo(new Delete(7, new OldTuple(false, List.of(Value.text("1"), Value.text("old")))));
    }

    @Test
    void decodesTruncateWithOptionsAndSeveralRelations() {
        Truncate truncate = (Truncate) PgOutputDecoder.decode(
                PgOutputMessages.truncate(Truncate.CASCADE | Truncate.RESTART_IDENTITY, 10, 11, 12));

        assertThat(truncate.relationOids()).containsExactly(10, 11, 12);
        assertThat(truncate.cascade()).isTrue();
        assertThat(truncate.restartIdentity()).isTrue();
        assertThat(((Truncate) PgOutputDecoder.decode(PgOutputMessages.truncate(0, 10))).cascade()).isFalse();
    }

    @Test
    void decodesTransactionalAndNonTransactionalLogicalMessages() {
        byte[] content = {'h', 'i', 0, (byte) 0xFF};

        LogicalMessageRecord transactional = (LogicalMessageRecord) PgOutputDecoder.decode(
                PgOutputMessages.message(true, 0x200, "livesync", content));
        LogicalMessageRecord plain = (LogicalMessageRecord) PgOutputDecoder.decode(
                PgOutputMessages.message(false, 0x300, "", new byte[0]));

        assertThat(transactional.message()).isEqualTo(new LogicalMessage(true, Lsn.ofLong(0x200), "livesync", content));
        assertThat(plain.message()).isEqualTo(new LogicalMessage(false, Lsn.ofLong(0x300), "", new byte[0]));
    }

    @Test
    void readsFromPositionToLimitAndLeavesTheCallersBufferAlone() {
        byte[] message = PgOutputMessages.insert(5, "x").array();
        byte[] framed = new byte[message.length + 20];
        System.arraycopy(message, 0, framed, 7, message.length);
        ByteBuffer wrapped = ByteBuffer.wrap(framed, 7, message.length); // as pgjdbc hands out XLogData
        ByteBuffer sliced = ByteBuffer.wrap(framed).position(7).slice().limit(message.length); // non-zero arrayOffset
        ByteBuffer direct = ByteBuffer.allocateDirect(message.length).put(message).flip();

        for (ByteBuffer buffer : List.of(wrapped, sliced, direct)) {
            int position = buffer.position();
            assertThat(PgOutputDecoder.decode(buffer)).isEqualTo(new Insert(5, List.of(Value.text("x"))));
            assertThat(buffer.position()).isEqualTo(position);
        }
    }

    @Test
    void emptyMessageIsRejected() {
        assertThatThrownBy(() -> PgOutputDecoder.decode(ByteBuffer.allocate(0)))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("Empty pgoutput message");
    }

    @Test
    void unknownMessageTypeIsRejectedNamingTheByteInHexAndAsCharacter() {
        assertThatThrownBy(() -> PgOutputDecoder.decode(raw('Z', 1, 2, 3)))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("Unknown pgoutput message type 0x5A ('Z')");
        assertThatThrownBy(() -> PgOutputDecoder.decode(raw(0x00)))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("0x00");
    }

    @ParameterizedTest
    @ValueSource(chars = {'S', 'E', 'c', 'A'})
    void streamingMessagesAreRejectedSayingStreamingMustNotBeEnabled(char type) {
        assertThatThrownBy(() -> PgOutputDecoder.decode(raw(type, 0, 0, 0, 1)))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("Stream")
                .hasMessageContaining("('" + type + "')")
                .hasMessageContaining("streaming of in-progress transactions must not be enabled");
    }

    @ParameterizedTest
    @ValueSource(chars = {'b', 'P', 'K', 'r', 'p'})
    void twoPhaseMessagesAreRejectedSayingTwoPhaseMustNotBeEnabled(char type) {
        assertThatThrownBy(() -> PgOutputDecoder.decode(raw(type, 0, 0, 0, 1)))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("('" + type + "')")
                .hasMessageContaining("two-phase commit decoding must not be enabled");
    }

    @Test
    void everyTruncationOfAMessageIsRejectedSayingWhichMessageAndWhere() {
        ByteBuffer update = PgOutputMessages.updateWithOld(7, tuple("1", "old"), tuple("1", "new"));
        int length = update.remaining();

        for (int cut = 1; cut < length; cut++) {
            ByteBuffer shortened = truncated(update, cut);
            assertThatThrownBy(() -> PgOutputDecoder.decode(shortened))
                    .as("cut at %d of %d", cut, length)
                    .isInstanceOf(DecodeException.class)
                    .hasMessageStartingWith("pgoutput Update message ('U')")
                    .hasMessageContaining(" of " + cut);
        }
    }

    @Test
    void truncatedMessageSaysItIsTruncatedAndAtWhichOffset() {
        ByteBuffer begin = truncated(PgOutputMessages.begin(1, COMMIT_TIME, 2), 10);

        assertThatThrownBy(() -> PgOutputDecoder.decode(begin))
                .isInstanceOf(DecodeException.class)
                .hasMessage("pgoutput Begin message ('B') is truncated: needed more bytes at offset 9 of 10");
    }

    @Test
    void textLongerThanTheMessageIsRejectedAsTruncated() {
        ByteBuffer insert = new PgOutputMessages.Writer('I').int32(1).int8('N').int16(1)
                .int8('t').int32(1000).bytes("abc".getBytes(StandardCharsets.UTF_8)).done();

        assertThatThrownBy(() -> PgOutputDecoder.decode(insert))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("Insert message ('I') is truncated");
    }

    @Test
    void trailingBytesAreRejected() {
        ByteBuffer commit = new PgOutputMessages.Writer('C').int8(0).int64(1).int64(2).int64(3).int8(9).done();

        assertThatThrownBy(() -> PgOutputDecoder.decode(commit))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("Commit message ('C') has 1 unexpected trailing bytes after offset 26 of 27");
    }

    @Test
    void unknownTupleValueKindIsRejected() {
        ByteBuffer insert = new PgOutputMessages.Writer('I').int32(1).int8('N').int16(1).int8('x').done();

        assertThatThrownBy(() -> PgOutputDecoder.decode(insert))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("Insert message ('I') is malformed")
                .hasMessageContaining("unknown kind 0x78 ('x')");
    }

    @Test
    void stringWithoutTerminatorIsRejected() {
        ByteBuffer origin = new PgOutputMessages.Writer('O').int64(1)
                .bytes("no-nul".getBytes(StandardCharsets.UTF_8)).done();

        assertThatThrownBy(() -> PgOutputDecoder.decode(origin))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("Origin message ('O') is malformed at offset 9")
                .hasMessageContaining("no NUL terminator");
    }

    @Test
    void negativeLengthIsRejected() {
        ByteBuffer message = new PgOutputMessages.Writer('M').int8(1).int64(1).string("p").int32(-5).done();

        assertThatThrownBy(() -> PgOutputDecoder.decode(message))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("Message message ('M') is malformed")
                .hasMessageContaining("negative content length -5");
    }

    @Test
    void unknownReplicaIdentityIsRejected() {
        ByteBuffer relation = PgOutputMessages.relation(1, "public", "t", 'q');

        assertThatThrownBy(() -> PgOutputDecoder.decode(relation))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("Relation message ('R') is malformed")
                .hasMessageContaining("unknown replica identity 'q'");
    }

    @Test
    void updateWithoutNewTupleMarkerIsRejected() {
        ByteBuffer update = new PgOutputMessages.Writer('U').int32(1).int8('X').done();
        ByteBuffer delete = new PgOutputMessages.Writer('D').int32(1).int8('N').int16(0).done();

        assertThatThrownBy(() -> PgOutputDecoder.decode(update))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("expected 'K', 'O' or 'N' but found 0x58 ('X')");
        assertThatThrownBy(() -> PgOutputDecoder.decode(delete))
                .isInstanceOf(DecodeException.class)
                .hasMessageContaining("expected 'K' or 'O' but found 0x4E ('N')");
    }
}
