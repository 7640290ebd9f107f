package org.vaadin.addons.livesync.internal.decode;

/** What a {@link RowChange} did to its table. An enum: thread-safe. */
public enum ChangeKind {
    /** A row was inserted. */
    INSERT,
    /** A row was updated. */
    UPDATE,
    /** A row was deleted. */
    DELETE,
    /** The table was truncated. */
    TRUNCATE
}
