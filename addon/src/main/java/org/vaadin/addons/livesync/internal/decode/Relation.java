package org.vaadin.addons.livesync.internal.decode;

import java.io.Serializable;
import java.util.List;

/**
 * A table as the server described it in its last Relation message: the shape every row of it in
 * later messages has. Immutable and thread-safe.
 *
 * @param oid             the table's OID
 * @param schema          the schema (namespace) name
 * @param table           the table's name
 * @param replicaIdentity which old values updates and deletes carry
 * @param columns         the columns, in the order tuple data lists them
 */
public record Relation(int oid, String schema, String table, ReplicaIdentity replicaIdentity, List<Column> columns)
        implements Serializable {

    /** Copies the columns: a relation is immutable. */
    public Relation {
        columns = List.copyOf(columns);
    }

    /**
     * Returns the index of the named column, or -1. Names compare exactly (as stored, unquoted).
     *
     * @param name the column's name, as stored
     * @return the index of the named column, or -1
     */
    public int columnIndex(String name) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }

    /** {@return {@code schema.table}, unquoted} */
    public String qualifiedName() {
        return schema + "." + table;
    }
}
