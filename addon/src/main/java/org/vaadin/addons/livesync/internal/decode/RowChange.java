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
 * @param changed        for an UPDATE whose rows were reduced to the columns routing reads (see
 *                       {@link Row#only}): the columns the update changed among those the WAL
 *                       told (every column with a whole old row, else the key's), computed from the
 *                       rows as decoded — their old values stay in {@code oldRow}; {@code null} when
 *                       the rows were not reduced (what changed is read from them)
 */
public record RowChange(Relation relation, ChangeKind kind, Row newRow, Row oldRow, boolean oldRowIsKeyOnly,
                        java.util.Set<String> changed) implements Serializable {

    /**
     * A change whose rows are as decoded.
     *
     * @param relation        the table
     * @param kind            what happened
     * @param newRow          the row after an INSERT or UPDATE
     * @param oldRow          the row before an UPDATE or DELETE, when the WAL has it
     * @param oldRowIsKeyOnly whether {@code oldRow} holds only the replica identity's key columns
     */
    public RowChange(Relation relation, ChangeKind kind, Row newRow, Row oldRow, boolean oldRowIsKeyOnly) {
        this(relation, kind, newRow, oldRow, oldRowIsKeyOnly, null);
    }

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
