package org.vaadin.addons.livesync.internal.decode;

/**
 * Decides, as a transaction is decoded, what of it is kept until its Commit: changes of tables
 * nobody watches and changes nobody can need are dropped at once, and what is kept may be reduced
 * (e.g. to the columns that route it). So a transaction's memory grows with what its consumer
 * needs, not with its size. {@link TransactionAssembler} calls it on the thread that reads the
 * stream, in stream order: implementations must be cheap, must never block, and must be safe to
 * call while other threads change what they consult.
 */
public interface ChangeFilter {

    /** Keeps every change whole, in one group: the assembler's behaviour without a filter. */
    ChangeFilter KEEP_ALL = new ChangeFilter() {
        @Override
        public boolean watches(Relation relation) {
            return true;
        }

        @Override
        public RowChange retain(RowChange change) {
            return change;
        }

        @Override
        public String toString() {
            return "ChangeFilter.KEEP_ALL";
        }
    };

    /**
     * Whether changes of this table can matter at all; asked when its Relation message arrives.
     * When false, every change of the table is dropped without further calls.
     *
     * @param relation the table's relation
     * @return whether changes of this table can matter at all; asked when its Relation message arrives
     */
    boolean watches(Relation relation);

    /**
     * The first change of a watched table in transaction {@code xid} is about to be offered; called
     * at most once per transaction, before {@link #retain}.
     *
     * @param xid the transaction id
     */
    default void begin(long xid) {
    }

    /**
     * Transaction {@code xid}, which {@link #begin} announced, will not be completed in this stream
     * (the connection broke in the middle of it; the server may send it again from its start).
     *
     * @param xid the transaction id
     */
    default void abandoned(long xid) {
    }

    /**
     * What to keep of one change of a watched table: the change itself, a reduced copy of it, or
     * {@code null} to drop it.
     *
     * @param change a decoded change of a watched table
     * @return what to keep of one change of a watched table: the change itself, a reduced copy of it, or {@code null}
     *     to drop it
     */
    RowChange retain(RowChange change);

    /**
     * The assembler keeps the change {@link #retain} returned last: it is part of the transaction
     * it hands over. Called right after {@link #retain} (and {@link #group}); a filter that tracks
     * what transactions carry records it here, so that what it records is bounded by the
     * assembler's limits.
     *
     * @param retained the change as the filter kept it
     */
    default void kept(RowChange retained) {
    }

    /**
     * The assembler drops the change {@link #retain} returned last, because the transaction went
     * past a limit: the transaction's {@link Overflow} lists its group or table instead. Called for
     * every such change (possibly millions): it must be cheap and must not keep the change.
     *
     * @param retained the change as the filter kept it
     */
    default void dropped(RowChange retained) {
    }

    /**
     * The group a kept change counts against (e.g. the tenant it routes to). When one transaction
     * keeps more than the assembler's per-group limit, the group's further changes are dropped and
     * the transaction lists the group as {@link Overflow#groups() overflowed} instead. {@code null}
     * (the default): the change counts only against the total limit. Groups are compared with
     * {@code equals}.
     *
     * @param retained the change as the filter kept it
     * @return the group a kept change counts against (e.g. the tenant it routes to)
     */
    default Object group(RowChange retained) {
        return null;
    }
}
