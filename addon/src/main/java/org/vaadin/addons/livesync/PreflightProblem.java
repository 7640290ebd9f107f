package org.vaadin.addons.livesync;

import java.io.Serializable;

import org.vaadin.addons.livesync.internal.capture.ReplicationListener;

/**
 * One reason why live sync cannot start — or, as a {@linkplain ReplicationListener#warnings()
 * warning}, why it runs impaired — with what to do about it.
 * Immutable, thread-safe and serializable (a record of immutable values).
 *
 * @param kind    which check failed
 * @param message what is wrong, in a sentence
 * @param fix     what to do, often the exact SQL to run
 */
public record PreflightProblem(Kind kind, String message, String fix) implements Serializable {

    /** The checks the preflight runs, in order, then what the listener finds while running. */
    public enum Kind {
        /** The database cannot be reached or refuses the login. */
        DATABASE_UNREACHABLE,
        /** The server is older than PostgreSQL 14. */
        SERVER_TOO_OLD,
        /** {@code wal_level} is not {@code logical}. */
        WAL_LEVEL_NOT_LOGICAL,
        /** The role lacks the REPLICATION privilege. */
        NO_REPLICATION_PRIVILEGE,
        /** The publication does not exist. */
        PUBLICATION_MISSING,
        /** The publication lacks tables that watched entities use. */
        TABLES_NOT_PUBLISHED,
        /**
         * A watched table is partitioned and the publication does not set
         * {@code publish_via_partition_root}: its changes would arrive under the partitions' names.
         */
        PARTITIONED_TABLE_NOT_PUBLISHED_VIA_ROOT,
        /** Every replication slot is in use. */
        SLOTS_EXHAUSTED,
        /** Every WAL sender is in use. */
        WAL_SENDERS_EXHAUSTED,
        /** {@code pg_hba.conf} has no entry allowing this replication connection. */
        REPLICATION_CONNECTION_REFUSED,
        /**
         * The slot is streamed by another connection that is not this listener's own: likely another
         * node configured with the same slot name.
         */
        SLOT_IN_USE,
        /** A warning: the heartbeat cannot be written, so stall detection is off. */
        HEARTBEAT_FAILING,
        /**
         * A warning: the slot is permanent and {@code max_slot_wal_keep_size} is unlimited, so a node
         * that is down (or far behind) makes the primary retain WAL without bound.
         */
        SLOT_RETENTION_UNBOUNDED,
        /**
         * A warning: the slot is on a standby whose {@code hot_standby_feedback} is off, so the
         * primary may remove catalog rows the slot still needs, and the slot is then invalidated.
         */
        STANDBY_FEEDBACK_OFF
    }

    @Override
    public String toString() {
        return message + " Fix: " + fix;
    }
}
