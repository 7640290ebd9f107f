package org.vaadin.addons.livesync;

/**
 * What happened to the row of an {@link EntityEvent}. An enum: thread-safe.
 */
public enum ChangeType {
    /** A row was inserted. */
    INSERTED,
    /**
     * A row was updated (also one that moved to another subscription key). An update that changes
     * the row's id is a {@link #DELETED} of the old id followed by an {@code UPDATED} of the new one.
     */
    UPDATED,
    /** A row was deleted. */
    DELETED,
    /**
     * The entity's table was truncated: every row is gone. Such an event has no id and no keys,
     * and reaches every listener of the type that selects this kind (those of one id or one
     * subscription value too: their rows are gone as well).
     */
    TRUNCATED
}
