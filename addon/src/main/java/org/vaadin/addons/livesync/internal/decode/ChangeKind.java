package org.vaadin.addons.livesync.internal.decode;

/** What a {@link RowChange} did to its table. An enum: thread-safe. */
public enum ChangeKind {
    INSERT, UPDATE, DELETE, TRUNCATE
}
