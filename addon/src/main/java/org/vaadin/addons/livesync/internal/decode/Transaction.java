package org.vaadin.addons.livesync.internal.decode;

import java.io.Serializable;
import java.time.Instant;
import java.util.List;

/**
 * One committed transaction: its row changes in commit order. Immutable and thread-safe.
 *
 * @param xid        the transaction id
 * @param commitLsn  the LSN of the commit record
 * @param endLsn     the LSN just past the commit: acknowledge this once the transaction is handled
 * @param commitTime when it committed
 * @param origin     the replication origin's name, or {@code null} when it was written locally
 * @param changes    the row changes, in commit order
 * @param messages   transactional logical messages, in order
 * @param overflow   what was not kept because of the assembler's limits, or {@code null} when
 *                   everything its {@link ChangeFilter} wanted was kept
 */
public record Transaction(long xid, Lsn commitLsn, Lsn endLsn, Instant commitTime, String origin,
                          List<RowChange> changes, List<LogicalMessage> messages, Overflow overflow)
        implements Serializable {

    /** Copies the lists: a transaction is immutable. */
    public Transaction {
        changes = List.copyOf(changes);
        messages = List.copyOf(messages);
    }

    /**
     * A transaction that kept every change.
     *
     * @param xid the transaction id
     * @param commitLsn the position of the commit record
     * @param endLsn the position just after the transaction
     * @param commitTime when the transaction committed, on the server
     * @param origin the replication origin the transaction came from, or null
     * @param changes the row changes, in commit order
     * @param messages the logical decoding messages it carried
     */
    public Transaction(long xid, Lsn commitLsn, Lsn endLsn, Instant commitTime, String origin,
                       List<RowChange> changes, List<LogicalMessage> messages) {
        this(xid, commitLsn, endLsn, commitTime, origin, changes, messages, null);
    }

    /** {@return whether the transaction carries nothing for its consumer: no kept change and no overflow} */
    public boolean isEmpty() {
        return changes.isEmpty() && overflow == null;
    }
}
