package org.vaadin.addons.livesync.internal.decode;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

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
 * Turns the stream of pgoutput messages of one replication connection into committed
 * {@link Transaction}s.
 * <p>
 * Feed every XLogData payload, in order, to {@link #accept(ByteBuffer)}; it returns the
 * transaction when the message is its Commit. In between it collects the transaction's row
 * changes that its {@link ChangeFilter} keeps (without a filter, all of them): changes of tables the
 * filter does not watch, and changes it drops, take no memory past their decoding. A transaction
 * keeps at most {@code maxPerGroup} changes of one {@link ChangeFilter#group group} and at most
 * {@code maxTotal} in all; what it drops beyond is summarised in its {@link Overflow}, so one
 * transaction's memory is bounded whatever its size. The filter hears which of the changes it
 * retained are kept ({@link ChangeFilter#kept}) and which are dropped for the limits
 * ({@link ChangeFilter#dropped}), so that what it records per transaction is bounded too. It also keeps what the server sends only once
 * per session: the {@link Relation}s by OID (a later
 * Relation message for the same OID, e.g. after {@code ALTER TABLE}, replaces the cached one for
 * the changes that follow) and the names of non-built-in types from Type messages (resolved into
 * {@link Column#typeName()} when a Relation message arrives). After a reconnect the server
 * describes everything again, so call {@link #reset()}.
 * <p>
 * Logical messages ({@code pg_logical_emit_message}) written transactionally become
 * {@link Transaction#messages()}. Non-transactional ones arrive on their own, outside any
 * Begin/Commit, carry no rows and are ignored.
 * <p>
 * A message that fails to decode or does not fit the state (a change outside a transaction, a
 * change for a table never described, a second Begin) throws {@link DecodeException} and leaves
 * the state as it was; the stream is then out of step and the caller should reconnect and
 * {@link #reset()}.
 * <p>
 * <b>Not thread-safe</b>: meant to be owned and used by the one thread that reads the
 * replication stream. The {@link Transaction}s it returns are immutable and may be handed to
 * other threads.
 */
public final class TransactionAssembler {

    private final Map<Integer, Relation> relations = new HashMap<>();
    private final Set<Integer> watched = new HashSet<>();
    private final Map<Integer, String> typeNames = new HashMap<>();
    private final ChangeFilter filter;
    private final int maxPerGroup;
    private final int maxTotal;

    /** The open transaction's Begin, {@code null} when not in a transaction. */
    private Begin begin;
    private String origin;
    private List<RowChange> changes = new ArrayList<>();
    private List<LogicalMessage> messages = new ArrayList<>();
    private boolean filterBegun;
    private final Map<Object, Integer> groupCounts = new HashMap<>();
    private final Set<Object> overflowedGroups = new HashSet<>();
    private final Set<Relation> overflowedRelations = new HashSet<>();
    private long droppedForLimits;

    /** Creates an assembler that keeps every change, without limits, and knows no relations yet. */
    public TransactionAssembler() {
        this(ChangeFilter.KEEP_ALL, Integer.MAX_VALUE, Integer.MAX_VALUE);
    }

    /**
     * Creates an assembler that keeps what {@code filter} keeps, at most {@code maxPerGroup} changes
     * of one group and {@code maxTotal} changes in all per transaction.
     *
     * @param filter decides what of each change is kept
     * @param maxPerGroup how many changes of one group are kept before the group overflows
     * @param maxTotal how many changes of one transaction are kept in all before it overflows
     * @throws IllegalArgumentException if a limit is below 1
     */
    public TransactionAssembler(ChangeFilter filter, int maxPerGroup, int maxTotal) {
        if (maxPerGroup < 1 || maxTotal < 1) {
            throw new IllegalArgumentException("The limits of a transaction's kept changes must be at least 1");
        }
        this.filter = Objects.requireNonNull(filter, "filter");
        this.maxPerGroup = maxPerGroup;
        this.maxTotal = maxTotal;
    }

    /**
     * Feeds one pgoutput message.
     *
     * @param message one XLogData payload, from its position to its limit; not modified, and not
     *                referenced after this call returns (the caller may reuse it)
     * @return the completed Transaction when the message is a Commit, otherwise {@code null}
     * @throws DecodeException when the message is malformed, of a kind not supported (streaming,
     *                         two-phase), or does not fit the current state
     */
    public Transaction accept(ByteBuffer message) {
        return switch (PgOutputDecoder.decode(message)) {
            case Begin m -> handleBegin(m);
            case Commit m -> handleCommit(m);
            case Origin m -> handleOrigin(m);
            case RelationMessage m -> handleRelation(m);
            case TypeMessage m -> handleType(m);
            case Insert m -> handleInsert(m);
            case Update m -> handleUpdate(m);
            case Delete m -> handleDelete(m);
            case Truncate m -> handleTruncate(m);
            case LogicalMessageRecord m -> handleLogicalMessage(m);
        };
    }

    /** {@return whether a Begin was seen without its Commit yet} */
    public boolean inTransaction() {
        return begin != null;
    }

    /** Forgets a half-read transaction and every cached relation and type (after a reconnect). */
    public void reset() {
        if (begin != null && filterBegun) {
            filter.abandoned(begin.xid());
        }
        clearTransaction();
        relations.clear();
        watched.clear();
        typeNames.clear();
    }

    private Transaction handleBegin(Begin m) {
        if (begin != null) {
            throw new DecodeException("Begin of transaction " + m.xid() + " received while transaction "
                    + begin.xid() + " (begun at " + begin.finalLsn() + ") has not committed yet");
        }
        begin = m;
        return null;
    }

    private Transaction handleCommit(Commit m) {
        if (begin == null) { // not through requireTransaction: no message built on this hot path
            requireTransaction("Commit at " + m.commitLsn());
        }
        Overflow overflow = droppedForLimits == 0 ? null
                : new Overflow(overflowedGroups, overflowedRelations, droppedForLimits);
        Transaction transaction = new Transaction(begin.xid(), m.commitLsn(), m.endLsn(), m.commitTime(), origin,
                changes, messages, overflow);
        clearTransaction();
        return transaction;
    }

    private Transaction handleOrigin(Origin m) {
        requireTransaction("Origin '" + m.name() + "'");
        origin = m.name();
        return null;
    }

    private Transaction handleRelation(RelationMessage m) {
        List<Column> columns = new ArrayList<>(m.columns().size());
        for (RelationColumn column : m.columns()) {
            columns.add(new Column(column.name(), column.typeOid(), typeName(column.typeOid()), column.typeModifier(),
                    column.key()));
        }
        Relation relation = new Relation(m.oid(), m.namespace(), m.name(), m.replicaIdentity(), columns);
        relations.put(m.oid(), relation);
        if (filter.watches(relation)) {
            watched.add(m.oid());
        } else {
            watched.remove(m.oid());
        }
        return null;
    }

    private Transaction handleType(TypeMessage m) {
        typeNames.put(m.oid(), m.name());
        return null;
    }

    private Transaction handleInsert(Insert m) {
        Relation relation = relationForChange("Insert", m.relationOid());
        keep(new RowChange(relation, ChangeKind.INSERT, row(relation, m.newTuple(), "Insert"), null, false));
        return null;
    }

    private Transaction handleUpdate(Update m) {
        Relation relation = relationForChange("Update", m.relationOid());
        Row newRow = row(relation, m.newTuple(), "Update");
        OldTuple old = m.oldTuple();
        Row oldRow = old == null ? null : row(relation, old.values(), "Update (old values)");
        keep(new RowChange(relation, ChangeKind.UPDATE, newRow, oldRow, old != null && old.keyOnly()));
        return null;
    }

    private Transaction handleDelete(Delete m) {
        Relation relation = relationForChange("Delete", m.relationOid());
        OldTuple old = m.oldTuple();
        Row oldRow = row(relation, old.values(), "Delete");
        keep(new RowChange(relation, ChangeKind.DELETE, null, oldRow, old.keyOnly()));
        return null;
    }

    private Transaction handleTruncate(Truncate m) {
        requireTransaction("Truncate");
        List<Relation> truncated = new ArrayList<>(m.relationOids().size());
        for (int oid : m.relationOids()) {
            truncated.add(knownRelation("Truncate", oid));
        }
        for (Relation relation : truncated) {
            keep(RowChange.truncate(relation));
        }
        return null;
    }

    private Transaction handleLogicalMessage(LogicalMessageRecord m) {
        LogicalMessage message = m.message();
        if (!message.transactional()) {
            return null; // sent on its own, outside Begin/Commit: no rows, nothing to assemble
        }
        requireTransaction("Transactional logical message with prefix '" + message.prefix() + "'");
        messages.add(message);
        return null;
    }

    /** Offers a decoded change to the filter and keeps what it keeps, within the limits. */
    private void keep(RowChange change) {
        if (!watched.contains(change.relation().oid())) {
            return;
        }
        if (!filterBegun) {
            filterBegun = true;
            filter.begin(begin.xid());
        }
        RowChange retained = filter.retain(change);
        if (retained == null) {
            return;
        }
        if (!overflowedRelations.isEmpty() && overflowedRelations.contains(retained.relation())
                || changes.size() >= maxTotal) {
            overflowedRelations.add(retained.relation());
            drop(retained);
            return;
        }
        Object group = filter.group(retained);
        if (group != null) {
            if (overflowedGroups.contains(group)) {
                drop(retained);
                return;
            }
            if (groupCounts.merge(group, 1, Integer::sum) > maxPerGroup) {
                overflowedGroups.add(group);
                drop(retained);
                return;
            }
        }
        changes.add(retained);
        filter.kept(retained);
    }

    private void drop(RowChange retained) {
        droppedForLimits++;
        filter.dropped(retained);
    }

    private Relation relationForChange(String what, int oid) {
        requireTransaction(what);
        return knownRelation(what, oid);
    }

    private Relation knownRelation(String what, int oid) {
        Relation relation = relations.get(oid);
        if (relation == null) {
            throw new DecodeException(what + ": relation oid " + Integer.toUnsignedString(oid) + " unknown: the server"
                    + " sends a Relation message before first use; was the stream started mid-way?");
        }
        return relation;
    }

    private void requireTransaction(String what) {
        if (begin == null) {
            throw new DecodeException(what + " received outside a transaction (no Begin before it)");
        }
    }

    private static Row row(Relation relation, List<Value> values, String what) {
        if (values.size() != relation.columns().size()) {
            throw new DecodeException(what + " for " + relation.qualifiedName() + " carries " + values.size()
                    + " values but its Relation message described " + relation.columns().size() + " columns");
        }
        return new Row(relation, values);
    }

    private String typeName(int oid) {
        String name = typeNames.get(oid);
        if (name == null) {
            name = BuiltinTypes.name(oid);
        }
        return name != null ? name : "oid:" + Integer.toUnsignedString(oid);
    }

    private void clearTransaction() {
        begin = null;
        origin = null;
        changes = new ArrayList<>();
        messages = new ArrayList<>();
        filterBegun = false;
        groupCounts.clear();
        overflowedGroups.clear();
        overflowedRelations.clear();
        droppedForLimits = 0;
    }
}
