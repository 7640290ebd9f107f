package org.vaadin.addons.livesync.internal.decode;

import java.time.Instant;
import java.util.List;

/**
 * One decoded pgoutput message (logical replication protocol version 1, text mode), exactly as
 * the server sent it: no relation lookups, no state. {@link PgOutputDecoder} produces these;
 * {@link TransactionAssembler} turns them into {@link Transaction}s.
 * <p>
 * Every implementation is an immutable record and thread-safe.
 *
 * @see <a href="https://www.postgresql.org/docs/current/protocol-logicalrep-message-formats.html">Logical
 *      Replication Message Formats</a>
 */
sealed interface PgOutputMessage {

    /**
     * 'B': the start of a transaction.
     *
     * @param finalLsn   the LSN of the transaction's commit record
     * @param commitTime when it committed
     * @param xid        the transaction id (unsigned 32-bit)
     */
    record Begin(Lsn finalLsn, Instant commitTime, long xid) implements PgOutputMessage {
    }

    /**
     * 'C': the end of a transaction.
     *
     * @param flags      currently unused by the server (0)
     * @param commitLsn  the LSN of the commit record
     * @param endLsn     the LSN just past the commit record
     * @param commitTime when it committed
     */
    record Commit(int flags, Lsn commitLsn, Lsn endLsn, Instant commitTime) implements PgOutputMessage {
    }

    /**
     * 'O': the transaction was replicated into this server from another one.
     *
     * @param lsn  the commit LSN on the origin server
     * @param name the replication origin's name
     */
    record Origin(Lsn lsn, String name) implements PgOutputMessage {
    }

    /**
     * 'R': describes a table before its first change in this session, and again after its shape
     * changed.
     *
     * @param oid             the table's OID
     * @param namespace       its schema; {@code "pg_catalog"} when the server sent the empty string
     * @param name            its name
     * @param replicaIdentity its replica identity setting
     * @param columns         its published columns, in tuple order
     */
    record RelationMessage(int oid, String namespace, String name, ReplicaIdentity replicaIdentity,
                           List<RelationColumn> columns) implements PgOutputMessage {

        public RelationMessage {
            columns = List.copyOf(columns);
        }
    }

    /**
     * One column of a {@link RelationMessage}.
     *
     * @param key          whether it is part of the replica identity key (flag 1)
     * @param name         its name
     * @param typeOid      its data type's OID
     * @param typeModifier its type modifier, -1 when none
     */
    record RelationColumn(boolean key, String name, int typeOid, int typeModifier) {
    }

    /**
     * 'Y': describes a non-built-in data type before a Relation message uses it.
     *
     * @param oid       the type's OID
     * @param namespace its schema; {@code "pg_catalog"} when the server sent the empty string
     * @param name      its name
     */
    record TypeMessage(int oid, String namespace, String name) implements PgOutputMessage {
    }

    /**
     * 'I': a row was inserted.
     *
     * @param relationOid the table's OID
     * @param newTuple    the new row's values
     */
    record Insert(int relationOid, List<Value> newTuple) implements PgOutputMessage {

        public Insert {
            newTuple = List.copyOf(newTuple);
        }
    }

    /**
     * 'U': a row was updated.
     *
     * @param relationOid the table's OID
     * @param oldTuple    the old values ('K' or 'O'), or {@code null} when the server sent none
     * @param newTuple    the new row's values
     */
    record Update(int relationOid, OldTuple oldTuple, List<Value> newTuple) implements PgOutputMessage {

        public Update {
            newTuple = List.copyOf(newTuple);
        }
    }

    /**
     * 'D': a row was deleted.
     *
     * @param relationOid the table's OID
     * @param oldTuple    the old values ('K' or 'O')
     */
    record Delete(int relationOid, OldTuple oldTuple) implements PgOutputMessage {
    }

    /**
     * The old values of an {@link Update} or {@link Delete}.
     *
     * @param keyOnly whether only the replica identity's key columns carry values ('K'); the other
     *                columns are then {@link Value#NULL}. {@code false} for a full old row ('O').
     * @param values  one value per column
     */
    record OldTuple(boolean keyOnly, List<Value> values) {

        public OldTuple {
            values = List.copyOf(values);
        }
    }

    /**
     * 'T': tables were truncated.
     *
     * @param options      bit 1: CASCADE, bit 2: RESTART IDENTITY
     * @param relationOids the truncated tables' OIDs
     */
    record Truncate(int options, List<Integer> relationOids) implements PgOutputMessage {

        /** Option bit: {@code TRUNCATE ... CASCADE}. */
        static final int CASCADE = 1;
        /** Option bit: {@code TRUNCATE ... RESTART IDENTITY}. */
        static final int RESTART_IDENTITY = 2;

        public Truncate {
            relationOids = List.copyOf(relationOids);
        }

        boolean cascade() {
            return (options & CASCADE) != 0;
        }

        boolean restartIdentity() {
            return (options & RESTART_IDENTITY) != 0;
        }
    }

    /**
     * 'M': a message written with {@code pg_logical_emit_message}.
     *
     * @param message the message (flag 1 = transactional)
     */
    record LogicalMessageRecord(LogicalMessage message) implements PgOutputMessage {
    }
}
