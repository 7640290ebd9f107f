package org.vaadin.addons.livesync.decode;

/** What a {@link RowChange} did to its table. An enum: thread-safe. */
public enum ChangeKind {
    INSERT, UPDATE, DELETE, TRUNCATE
}
