package org.vaadin.addons.livesync.internal.decode;

import java.io.Serializable;

/**
 * A column of a {@link Relation}, as the Relation message describes it.
 * Immutable and thread-safe (a record of immutable values).
 *
 * @param name         the column's name, unquoted
 * @param typeOid      the data type's OID
 * @param typeName     the data type's name: from a Type message for custom types, from the
 *                     built-in table otherwise, {@code "oid:<n>"} when neither knows it
 * @param typeModifier the type modifier ({@code atttypmod}), -1 when none
 * @param partOfKey    whether the column is part of the replica identity key
 */
public record Column(String name, int typeOid, String typeName, int typeModifier, boolean partOfKey)
        implements Serializable {
}
