package org.vaadin.addons.livesync.internal.dispatch;

import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.hibernate.exception.JDBCConnectionException;
import org.vaadin.addons.livesync.internal.watch.WatchedEntity;

/**
 * Loads the changed rows of a transaction through the {@link EntityFetcher}, in bounded batches,
 * without letting one bad row spoil the rest: when a batch fails for a reason of its rows (not of
 * the connection), it is split until the rows that cannot be read are found; those are left out
 * (their views do not show them) and reported once. A failure of the database itself is thrown as
 * {@link Unavailable}, for the caller to try the transaction again later. Delivery thread only.
 */
final class RowLoader {

    /** Rows per query: bounds one query's size and what a failing batch costs to split. */
    static final int BATCH = 1_000;

    /**
     * Times a transaction whose rows' query the schema refused (a column or table renamed or dropped
     * under the running application) is tried again before its rows are reported as unloadable: a
     * migration that renames and renames back, or swaps a table, is over within that.
     */
    static final int SCHEMA_ATTEMPTS = 4;

    /** The database could not be asked; the transaction's rows are to be loaded again later. */
    static final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unavailable(Throwable cause) {
            super(cause);
        }
    }

    private final EntityFetcher fetcher;
    private final BadRows badRows;
    private long queries;

    RowLoader(EntityFetcher fetcher, BadRows badRows) {
        this.fetcher = fetcher;
        this.badRows = badRows;
    }

    /** Queries issued so far. */
    long queries() {
        return queries;
    }

    /**
     * The rows of {@code ids} that exist and can be read, by id. {@code views} says how many views
     * wait for them (for the report of a bad row).
     *
     * @throws Unavailable when the database cannot be reached
     */
    <T> Map<Object, T> load(WatchedEntity<T> entity, Set<Object> ids, int views) {
        return load(entity, ids, views, SCHEMA_ATTEMPTS);
    }

    /**
     * As {@link #load(WatchedEntity, Set, int)}, for the {@code attempt}-th try of a transaction:
     * until {@link #SCHEMA_ATTEMPTS}, a query the schema refuses is thrown as {@link Unavailable} (the
     * schema may be changing back), after it the rows that cannot be read are left out and reported.
     */
    <T> Map<Object, T> load(WatchedEntity<T> entity, Set<Object> ids, int views, int attempt) {
        Map<Object, T> found = new HashMap<>();
        List<Object> all = new ArrayList<>(ids);
        for (int from = 0; from < all.size(); from += BATCH) {
            found.putAll(loadBatch(entity, all.subList(from, Math.min(all.size(), from + BATCH)), views,
                    attempt < SCHEMA_ATTEMPTS));
        }
        return found;
    }

    private <T> Map<Object, T> loadBatch(WatchedEntity<T> entity, List<Object> ids, int views, boolean schemaMayReturn) {
        try {
            queries++;
            Map<Object, T> found = fetcher.fetch(entity, ids);
            badRows.readable(entity.type().getSimpleName(), found.keySet());
            return found;
        } catch (RuntimeException e) {
            if (isUnavailable(e) || schemaMayReturn && isSchemaRefusal(e)) {
                throw new Unavailable(e);
            }
            if (ids.size() == 1) {
                badRows.unloadable(entity.type().getSimpleName(), entity.qualifiedTable(), ids.get(0), views, e);
                return Map.of();
            }
            Map<Object, T> found = new HashMap<>(loadBatch(entity, ids.subList(0, ids.size() / 2), views, false));
            found.putAll(loadBatch(entity, ids.subList(ids.size() / 2, ids.size()), views, false));
            return found;
        }
    }

    /**
     * Whether the query itself was refused by the schema (SQLSTATE 42P01 undefined table, 42703
     * undefined column): no row of the batch can be read, whichever they are, until the schema is
     * back — not a fault of some rows.
     */
    static boolean isSchemaRefusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql && ("42703".equals(sql.getSQLState()) || "42P01".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    /** Whether the failure is the database's or the connection's, not the rows'. */
    static boolean isUnavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof JDBCConnectionException || t instanceof SQLTransientException
                    || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
        }
        return false;
    }
}
