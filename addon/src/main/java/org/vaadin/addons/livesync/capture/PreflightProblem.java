package org.vaadin.addons.livesync.capture;

/**
 * One reason why live sync cannot start, with what to do about it.
 * Immutable and thread-safe (a record of immutable values).
 *
 * @param kind    which check failed
 * @param message what is wrong, in a sentence
 * @param fix     what to do, often the exact SQL to run
 */
public record PreflightProblem(Kind kind, String message, String fix) {

    /** The checks the preflight runs, in order. */
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
        /** Every replication slot is in use. */
        SLOTS_EXHAUSTED,
        /** Every WAL sender is in use. */
        WAL_SENDERS_EXHAUSTED,
        /** {@code pg_hba.conf} has no entry allowing this replication connection. */
        REPLICATION_CONNECTION_REFUSED
    }

    @Override
    public String toString() {
        return message + " Fix: " + fix;
    }
}
