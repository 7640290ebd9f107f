package org.vaadin.addons.livesync.convergence;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * What the outside writers committed: each transaction's row operations, with the old and new
 * tenant of every row they touched (read under the row's lock) and a window of wall-clock time that
 * holds the transaction's commit time (taken before {@code commit()} was called and after it
 * returned; PostgreSQL runs on the same clock). The ground truth the entity listeners are checked
 * against. Thread-safe.
 */
final class WriteLog {

    enum Kind { INSERT, UPDATE, DELETE, TRUNCATE }

    /**
     * One row operation. {@code table} is the table's name without schema; {@code id} is null for a
     * truncate; tenants are null for a truncate and for the global table.
     */
    record Op(String table, Kind kind, Long id, Long oldTenant, Long newTenant) {
        @Override
        public String toString() {
            return kind + " " + table + (id == null ? "" : " id " + id)
                    + (kind == Kind.UPDATE ? " tenant " + oldTenant + " -> " + newTenant
                    : kind == Kind.INSERT ? " tenant " + newTenant : kind == Kind.DELETE ? " of tenant " + oldTenant : "");
        }
    }

    /** A committed transaction: its operations in order, and the window holding its commit time (microseconds, as PostgreSQL's). */
    record Txn(List<Op> ops, Instant committedAfter, Instant committedBefore) {
        Txn {
            ops = List.copyOf(ops);
            committedAfter = committedAfter.truncatedTo(ChronoUnit.MICROS);
            committedBefore = committedBefore.truncatedTo(ChronoUnit.MICROS).plus(1, ChronoUnit.MICROS);
        }
    }

    private final Queue<Txn> committed = new ConcurrentLinkedQueue<>();

    /** A writer's transaction committed between {@code after} and {@code before}. Any thread. */
    void committed(List<Op> ops, Instant after, Instant before) {
        if (!ops.isEmpty()) {
            committed.add(new Txn(ops, after, before));
        }
    }

    /** {@return every committed transaction so far} */
    List<Txn> transactions() {
        return List.copyOf(committed);
    }

    int size() {
        return committed.size();
    }
}
