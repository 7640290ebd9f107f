package org.vaadin.addons.livesync.internal.decode;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;

/**
 * Writes pgoutput messages (protocol version 1) byte by byte, as the server would, for tests.
 * <p>
 * Tuple values: {@code null} is sent as 'n', {@link #UNCHANGED} as 'u', a {@code String} as 't'
 * (UTF-8) and a {@code byte[]} as 'b'.
 */
final class PgOutputMessages {

    /** Marks an unchanged TOAST value ('u') in a tuple. */
    static final Object UNCHANGED = new Object() {
        @Override
        public String toString() {
            return "UNCHANGED";
        }
    };

    static final Instant PG_EPOCH = Instant.parse("2000-01-01T00:00:00Z");

    /** A column of a Relation message. */
    record Col(String name, int typeOid, int typeModifier, boolean key) {
    }

    private PgOutputMessages() {
    }

    static Col key(String name, int typeOid) {
        return new Col(name, typeOid, -1, true);
    }

    static Col col(String name, int typeOid) {
        return new Col(name, typeOid, -1, false);
    }

    static Col col(String name, int typeOid, int typeModifier) {
        return new Col(name, typeOid, typeModifier, false);
    }

    static Object[] tuple(Object... values) {
        return values;
    }

    static ByteBuffer begin(long finalLsn, Instant commitTime, long xid) {
        return new Writer('B').int64(finalLsn).timestamp(commitTime).int32((int) xid).done();
    }

    static ByteBuffer commit(long commitLsn, long endLsn, Instant commitTime) {
        return new Writer('C').int8(0).int64(commitLsn).int64(endLsn).timestamp(commitTime).done();
    }

    static ByteBuffer origin(long lsn, String name) {
        return new Writer('O').int64(lsn).string(name).done();
    }

    static ByteBuffer relation(int oid, String namespace, String name, char replicaIdentity, Col... columns) {
        Writer w = new Writer('R').int32(oid).string(namespace).string(name).int8(replicaIdentity)
                .int16(columns.length);
        for (Col column : columns) {
            w.int8(column.key() ? 1 : 0).string(column.name()).int32(column.typeOid()).int32(column.typeModifier());
        }
        return w.done();
    }

    static ByteBuffer type(int oid, String namespace, String name) {
        return new Writer('Y').int32(oid).string(namespace).string(name).done();
    }

    static ByteBuffer insert(int oid, Object... values) {
        return new Writer('I').int32(oid).int8('N').tupleData(values).done();
    }

    /** An update without old values (the key did not change, replica identity DEFAULT). */
    static ByteBuffer update(int oid, Object... newValues) {
        return new Writer('U').int32(oid).int8('N').tupleData(newValues).done();
    }

    /** An update with the old key ('K'): non-key columns of {@code oldKey} should be {@code null}. */
    static ByteBuffer updateWithKey(int oid, Object[] oldKey, Object[] newValues) {
        return new Writer('U').int32(oid).int8('K').tupleData(oldKey).int8('N').tupleData(newValues).done();
    }

    /** An update with the full old row ('O', replica identity FULL). */
    static ByteBuffer updateWithOld(int oid, Object[] oldValues, Object[] newValues) {
        return new Writer('U').int32(oid).int8('O').tupleData(oldValues).int8('N').tupleData(newValues).done();
    }

    static ByteBuffer deleteWithKey(int oid, Object... oldKey) {
        return new Writer('D').int32(oid).int8('K').tupleData(oldKey).done();
    }

    static ByteBuffer deleteWithOld(int oid, Object... oldValues) {
        return new Writer('D').int32(oid).int8('O').tupleData(oldValues).done();
    }

    static ByteBuffer truncate(int options, int... oids) {
        Writer w = new Writer('T').int32(oids.length).int8(options);
        for (int oid : oids) {
            w.int32(oid);
        }
        return w.done();
    }

    static ByteBuffer message(boolean transactional, long lsn, String prefix, byte[] content) {
        return new Writer('M').int8(transactional ? 1 : 0).int64(lsn).string(prefix).int32(content.length)
                .bytes(content).done();
    }

    /** Any bytes, for malformed and unsupported messages. */
    static ByteBuffer raw(int... bytes) {
        byte[] array = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            array[i] = (byte) bytes[i];
        }
        return ByteBuffer.wrap(array);
    }

    /** The first {@code length} bytes of {@code message}. */
    static ByteBuffer truncated(ByteBuffer message, int length) {
        ByteBuffer copy = message.duplicate();
        copy.limit(copy.position() + length);
        return copy;
    }

    static long micros(Instant instant) {
        Duration sinceEpoch = Duration.between(PG_EPOCH, instant);
        return Math.addExact(Math.multiplyExact(sinceEpoch.getSeconds(), 1_000_000L), sinceEpoch.getNano() / 1_000);
    }

    /** Appends big-endian fields after the message type byte. */
    static final class Writer {

        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final DataOutputStream out = new DataOutputStream(bytes);

        Writer(char type) {
            int8(type);
        }

        Writer int8(int value) {
            return write(() -> out.writeByte(value));
        }

        Writer int16(int value) {
            return write(() -> out.writeShort(value));
        }

        Writer int32(int value) {
            return write(() -> out.writeInt(value));
        }

        Writer int64(long value) {
            return write(() -> out.writeLong(value));
        }

        Writer timestamp(Instant instant) {
            return int64(micros(instant));
        }

        Writer string(String value) {
            return bytes(value.getBytes(StandardCharsets.UTF_8)).int8(0);
        }

        Writer bytes(byte[] value) {
            return write(() -> out.write(value));
        }

        Writer tupleData(Object... values) {
            int16(values.length);
            for (Object value : values) {
                if (value == null) {
                    int8('n');
                } else if (value == UNCHANGED) {
                    int8('u');
                } else if (value instanceof String text) {
                    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
                    int8('t').int32(utf8.length).bytes(utf8);
                } else if (value instanceof byte[] binary) {
                    int8('b').int32(binary.length).bytes(binary);
                } else {
                    throw new IllegalArgumentException("Unsupported tuple value " + value);
                }
            }
            return this;
        }

        ByteBuffer done() {
            return ByteBuffer.wrap(bytes.toByteArray());
        }

        private Writer write(IoAction action) {
            try {
                action.run();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws IOException;
    }
}
