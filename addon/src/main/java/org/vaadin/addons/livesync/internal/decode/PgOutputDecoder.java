package org.vaadin.addons.livesync.internal.decode;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

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

/**
 * Decodes one pgoutput message (the payload of one XLogData message) of logical replication
 * protocol version 1 in text mode into a {@link PgOutputMessage}.
 * <p>
 * Stateless and thread-safe: a pure function of its input. It reads the buffer's bytes from its
 * position to its limit through a {@linkplain ByteBuffer#duplicate() duplicate}, so the caller's
 * buffer position is left untouched and the bytes are not copied as a whole; only text values,
 * names and binary contents are copied out. Strings are decoded as UTF-8 (the replication
 * connection's client encoding); malformed sequences become U+FFFD rather than failing.
 * <p>
 * Streaming (protocol version 2+) and two-phase messages are rejected: this add-on never asks
 * for them, so seeing one means the replication was started with the wrong options.
 */
final class PgOutputDecoder {

    private static final long PG_EPOCH_SECOND = 946_684_800L; // 2000-01-01T00:00:00Z
    private static final long MICROS_PER_SECOND = 1_000_000L;

    private PgOutputDecoder() {
    }

    /**
     * Decodes one message.
     *
     * @param message the message bytes, from its position to its limit; not modified
     * @return the decoded message, never {@code null}
     * @throws DecodeException when the message is empty, malformed, truncated, longer than its
     *                         format, of an unknown type, or a streaming/two-phase message
     */
    static PgOutputMessage decode(ByteBuffer message) {
        ByteBuffer in = message.duplicate(); // big-endian, own position: the caller's stays put
        if (!in.hasRemaining()) {
            throw new DecodeException("Empty pgoutput message: expected at least the message type byte");
        }
        int start = in.position();
        byte type = in.get();
        try {
            PgOutputMessage decoded = switch (type) {
                case 'B' -> readBegin(in);
                case 'C' -> readCommit(in);
                case 'O' -> readOrigin(in);
                case 'R' -> readRelation(in);
                case 'Y' -> readType(in);
                case 'I' -> readInsert(in);
                case 'U' -> readUpdate(in);
                case 'D' -> readDelete(in);
                case 'T' -> readTruncate(in);
                case 'M' -> readLogicalMessage(in);
                case 'S', 'E', 'c', 'A' -> throw new DecodeException(describe(type)
                        + " received: streaming of in-progress transactions must not be enabled"
                        + " (use proto_version '1' without the 'streaming' option)");
                case 'b', 'P', 'K', 'r', 'p' -> throw new DecodeException(describe(type)
                        + " received: two-phase commit decoding must not be enabled (omit the 'two_phase' option)");
                default -> throw new DecodeException(String.format(
                        "Unknown pgoutput message type 0x%02X ('%s'): only protocol version 1 is supported",
                        type & 0xFF, printable(type)));
            };
            if (in.hasRemaining()) {
                throw new DecodeException(describe(type) + " has " + in.remaining()
                        + " unexpected trailing bytes after offset " + (in.position() - start)
                        + " of " + (in.limit() - start) + ": is the protocol version 1?");
            }
            return decoded;
        } catch (BufferUnderflowException e) {
            throw new DecodeException(describe(type) + " is truncated: needed more bytes at offset "
                    + (in.position() - start) + " of " + (in.limit() - start), e);
        } catch (MalformedMessage e) {
            throw new DecodeException(describe(type) + " is malformed at offset " + (in.position() - start)
                    + ": " + e.getMessage(), e);
        }
    }

    private static Begin readBegin(ByteBuffer in) {
        Lsn finalLsn = Lsn.ofLong(in.getLong());
        Instant commitTime = readTimestamp(in);
        long xid = Integer.toUnsignedLong(in.getInt());
        return new Begin(finalLsn, commitTime, xid);
    }

    private static Commit readCommit(ByteBuffer in) {
        int flags = in.get() & 0xFF;
        Lsn commitLsn = Lsn.ofLong(in.getLong());
        Lsn endLsn = Lsn.ofLong(in.getLong());
        Instant commitTime = readTimestamp(in);
        return new Commit(flags, commitLsn, endLsn, commitTime);
    }

    private static Origin readOrigin(ByteBuffer in) {
        Lsn lsn = Lsn.ofLong(in.getLong());
        return new Origin(lsn, readString(in));
    }

    private static RelationMessage readRelation(ByteBuffer in) {
        int oid = in.getInt();
        String namespace = readNamespace(in);
        String name = readString(in);
        char identityCode = (char) (in.get() & 0xFF);
        ReplicaIdentity identity;
        try {
            identity = ReplicaIdentity.ofCode(identityCode);
        } catch (DecodeException e) {
            throw new MalformedMessage("unknown replica identity '" + identityCode + "'");
        }
        int count = readCount(in.getShort(), "column count");
        List<RelationColumn> columns = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            boolean key = (in.get() & 1) != 0;
            String columnName = readString(in);
            int typeOid = in.getInt();
            int typeModifier = in.getInt();
            columns.add(new RelationColumn(key, columnName, typeOid, typeModifier));
        }
        return new RelationMessage(oid, namespace, name, identity, columns);
    }

    private static TypeMessage readType(ByteBuffer in) {
        int oid = in.getInt();
        String namespace = readNamespace(in);
        return new TypeMessage(oid, namespace, readString(in));
    }

    private static Insert readInsert(ByteBuffer in) {
        int oid = in.getInt();
        expectTupleKind(in, 'N');
        return new Insert(oid, readTupleData(in));
    }

    private static Update readUpdate(ByteBuffer in) {
        int oid = in.getInt();
        byte kind = in.get();
        OldTuple oldTuple = null;
        if (kind == 'K' || kind == 'O') {
            oldTuple = new OldTuple(kind == 'K', readTupleData(in));
            kind = in.get();
        }
        if (kind != 'N') {
            throw new MalformedMessage("expected 'K', 'O' or 'N' but found " + describeByte(kind));
        }
        return new Update(oid, oldTuple, readTupleData(in));
    }

    private static Delete readDelete(ByteBuffer in) {
        int oid = in.getInt();
        byte kind = in.get();
        if (kind != 'K' && kind != 'O') {
            throw new MalformedMessage("expected 'K' or 'O' but found " + describeByte(kind));
        }
        return new Delete(oid, new OldTuple(kind == 'K', readTupleData(in)));
    }

    private static Truncate readTruncate(ByteBuffer in) {
        int count = in.getInt();
        if (count < 0) {
            throw new MalformedMessage("negative relation count " + count);
        }
        int options = in.get() & 0xFF;
        if ((long) count * Integer.BYTES > in.remaining()) {
            throw new BufferUnderflowException();
        }
        List<Integer> oids = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            oids.add(in.getInt());
        }
        return new Truncate(options, oids);
    }

    private static LogicalMessageRecord readLogicalMessage(ByteBuffer in) {
        boolean transactional = (in.get() & 1) != 0;
        Lsn lsn = Lsn.ofLong(in.getLong());
        String prefix = readString(in);
        byte[] content = readBytes(in, in.getInt(), "content length");
        return new LogicalMessageRecord(new LogicalMessage(transactional, lsn, prefix, content));
    }

    /** TupleData: Int16 column count, then per column 'n', 'u', 't' + Int32 length + bytes, or 'b' likewise. */
    private static List<Value> readTupleData(ByteBuffer in) {
        int count = readCount(in.getShort(), "tuple column count");
        List<Value> values = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte kind = in.get();
            values.add(switch (kind) {
                case 'n' -> Value.NULL;
                case 'u' -> Value.UNCHANGED;
                case 't' -> Value.text(readText(in, in.getInt()));
                case 'b' -> new Value.Binary(readBytes(in, in.getInt(), "binary value length"));
                default -> throw new MalformedMessage("column " + i + " of tuple data has unknown kind "
                        + describeByte(kind) + " (expected 'n', 'u', 't' or 'b')");
            });
        }
        return values;
    }

    private static void expectTupleKind(ByteBuffer in, char expected) {
        byte kind = in.get();
        if (kind != expected) {
            throw new MalformedMessage("expected '" + expected + "' but found " + describeByte(kind));
        }
    }

    private static int readCount(short raw, String what) {
        if (raw < 0) {
            throw new MalformedMessage("negative " + what + " " + raw);
        }
        return raw;
    }

    /** Int64 microseconds since 2000-01-01 00:00 UTC. */
    private static Instant readTimestamp(ByteBuffer in) {
        long micros = in.getLong();
        long seconds = Math.floorDiv(micros, MICROS_PER_SECOND);
        long nanos = Math.floorMod(micros, MICROS_PER_SECOND) * 1_000L;
        return Instant.ofEpochSecond(PG_EPOCH_SECOND + seconds, nanos);
    }

    private static String readNamespace(ByteBuffer in) {
        String namespace = readString(in);
        return namespace.isEmpty() ? "pg_catalog" : namespace;
    }

    /** A NUL-terminated UTF-8 string; the position ends past the NUL. */
    private static String readString(ByteBuffer in) {
        int from = in.position();
        int limit = in.limit();
        for (int i = from; i < limit; i++) {
            if (in.get(i) == 0) {
                String text = decodeUtf8(in, from, i - from);
                in.position(i + 1);
                return text;
            }
        }
        throw new MalformedMessage("string starting here has no NUL terminator before the end of the message");
    }

    private static String readText(ByteBuffer in, int length) {
        checkLength(in, length, "text value length");
        String text = decodeUtf8(in, in.position(), length);
        in.position(in.position() + length);
        return text;
    }

    private static byte[] readBytes(ByteBuffer in, int length, String what) {
        checkLength(in, length, what);
        byte[] bytes = new byte[length];
        in.get(bytes);
        return bytes;
    }

    private static void checkLength(ByteBuffer in, int length, String what) {
        if (length < 0) {
            throw new MalformedMessage("negative " + what + " " + length);
        }
        if (length > in.remaining()) {
            throw new BufferUnderflowException();
        }
    }

    /** Decodes {@code length} bytes at absolute index {@code from} without moving the position. */
    private static String decodeUtf8(ByteBuffer in, int from, int length) {
        if (in.hasArray()) {
            return new String(in.array(), in.arrayOffset() + from, length, StandardCharsets.UTF_8);
        }
        byte[] bytes = new byte[length];
        in.get(from, bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static String describe(byte type) {
        String name = switch (type) {
            case 'B' -> "Begin";
            case 'C' -> "Commit";
            case 'O' -> "Origin";
            case 'R' -> "Relation";
            case 'Y' -> "Type";
            case 'I' -> "Insert";
            case 'U' -> "Update";
            case 'D' -> "Delete";
            case 'T' -> "Truncate";
            case 'M' -> "Message";
            case 'S' -> "Stream Start";
            case 'E' -> "Stream Stop";
            case 'c' -> "Stream Commit";
            case 'A' -> "Stream Abort";
            case 'b' -> "Begin Prepare";
            case 'P' -> "Prepare";
            case 'K' -> "Commit Prepared";
            case 'r' -> "Rollback Prepared";
            case 'p' -> "Stream Prepare";
            default -> "Unknown";
        };
        return "pgoutput " + name + " message ('" + printable(type) + "')";
    }

    private static String describeByte(byte b) {
        return String.format("0x%02X ('%s')", b & 0xFF, printable(b));
    }

    private static String printable(byte b) {
        int c = b & 0xFF;
        return c >= 0x20 && c < 0x7F ? String.valueOf((char) c) : "\\u" + String.format("%04x", c);
    }

    /** A format violation found while reading; {@link #decode} turns it into a {@link DecodeException}. */
    private static final class MalformedMessage extends RuntimeException {

        private static final long serialVersionUID = 1L;

        MalformedMessage(String message) {
            super(message, null, false, false);
        }
    }
}
