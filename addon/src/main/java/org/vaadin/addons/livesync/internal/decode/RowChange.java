package org.vaadin.addons.livesync.internal.decode;

import java.io.Serializable;

/**
 * One row changed by a transaction, or one table truncated.
 * Immutable and thread-safe (a record of immutable values).
 *
 * @param relation       the table
 * @param kind           what happened
 * @param newRow         the row after an INSERT or UPDATE; {@code null} for DELETE and TRUNCATE
 * @param oldRow         the row before an UPDATE or DELETE, when the WAL has it: always for FULL
 *                       replica identity, for DEFAULT/INDEX only the key columns (see
 *                       {@code oldRowIsKeyOnly}) and for UPDATE only when they changed;
 *                       {@code null} otherwise
 * @param oldRowIsKeyOnly whether {@code oldRow} holds only the replica identity's key columns
 *                       (the other columns are {@link Value#NULL} there and mean "not sent")
 */
public record RowChange(Relation relation, ChangeKind kind, Row newRow, Row oldRow, boolean oldRowIsKeyOnly)
        implements Serializable {

    /**
     * A TRUNCATE of {@code relation}.
     *
     * @param relation the table's relation
     * @return a TRUNCATE of {@code relation}
     */
    public static RowChange truncate(Relation relation) {
        return new RowChange(relation, ChangeKind.TRUNCATE, null, null, false);
    }

    /** {@return the table's name, without schema} */
    public String table() {
        return relation.table();
    }
}
