package org.vaadin.addons.livesync;

import java.util.Objects;
import java.util.Set;

/**
 * Tells an {@link EntityListener} that events it selects were not delivered to it, at the place in
 * its sequence of events where they are missing. What it missed is best re-read from the database.
 * Immutable and thread-safe.
 *
 * @param reason      why they were not delivered
 * @param count       how many: exact for {@link Reason#QUEUE_FULL}; for {@link Reason#TOO_MANY_CHANGES}
 *                    the number of changes not read when the listener selects every change of every
 *                    type concerned, else {@code 0} (not known); for {@link Reason#KEY_UNKNOWN} the
 *                    number of changes of unknown value in the transaction(s); {@code 0} (not known)
 *                    for {@link Reason#STREAM_INTERRUPTED}
 * @param entityTypes the entity types of what was missed (for {@link Reason#STREAM_INTERRUPTED}
 *                    every type the listener selects)
 */
public record MissedEvents(Reason reason, long count, Set<Class<?>> entityTypes) {

    /** Why events were not delivered. */
    public enum Reason {
        /**
         * The listener fell behind: its queue was full (see {@link EntityEvents#withQueueSize}), and
         * {@code count} events that came meanwhile were dropped. Once its queue is full during a
         * transaction, the listener misses the rest of that transaction: one notice per gap.
         */
        QUEUE_FULL,
        /**
         * A transaction changed more rows of these types than LiveSync keeps for one transaction
         * ({@code livesync.delivery.max-pending} per table and subscription value, 100,000 in all); the rest
         * of its changes were not read.
         */
        TOO_MANY_CHANGES,
        /**
         * The replication stream was interrupted (reconnect, failover) or a transaction could not
         * be processed (logged): changes committed meanwhile may have no event.
         */
        STREAM_INTERRUPTED,
        /**
         * For a listener of one subscription value ({@link EntityEvents#forSubscriptionValue}):
         * {@code count} deletes (or, rarely, updates of a TOASTed key) whose subscription value the
         * WAL does not carry (REPLICA IDENTITY DEFAULT, the key column not in the replica identity),
         * of rows no view holds: they may have been of its value, or of any other, so they are not
         * delivered — the listener never learns another tenant's id. One notice per transaction,
         * merged with the next ones' while the listener has not reached it. Give the table REPLICA
         * IDENTITY FULL, or an identity index that contains the key column, and every delete names
         * its value.
         */
        KEY_UNKNOWN
    }

    /**
     * Copies the entity types; the reason, the set of types and its elements must not be null.
     *
     * @throws IllegalArgumentException when {@code count} is negative
     */
    public MissedEvents {
        Objects.requireNonNull(reason, "reason");
        entityTypes = Set.copyOf(entityTypes);
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative");
        }
    }
}
