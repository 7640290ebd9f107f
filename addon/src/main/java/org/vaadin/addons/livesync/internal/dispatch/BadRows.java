package org.vaadin.addons.livesync.internal.dispatch;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rows that cannot be read (their values do not fit the entity mapping, e.g. an enum constant
 * another program wrote; or an id or key that does not convert): each is reported once, at WARN,
 * with what to fix, and again only after it was readable in between. Bounded: remembers the last
 * {@value #REMEMBERED} such rows. Thread-safe.
 */
final class BadRows {

    private static final Logger LOG = LoggerFactory.getLogger(BadRows.class);
    static final int REMEMBERED = 1_000;

    /** How many rows are remembered as reported: read without the lock on the hot path. */
    private volatile int count;
    private final Map<Object, Boolean> reported = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Object, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    };

    /** A row of {@code entity} could not be loaded; the views it concerns do not show it. */
    void unloadable(String entity, String table, Object id, int views, Throwable cause) {
        if (first(entity + "#" + id)) {
            LOG.warn("LiveSync cannot load {} {} (table {}): {}. The row is not shown in the {} view(s) it concerns "
                            + "until it can be read; other rows and views are not affected. Fix the row's data or the "
                            + "entity's mapping (e.g. a value another program wrote that an @Enumerated enum lacks).",
                    entity, id, table, rootMessage(cause), views);
        }
    }

    /** A change of {@code table} could not be read as a change of a watched entity and is skipped. */
    void unreadable(String table, Throwable cause) {
        String message = rootMessage(cause);
        if (first(table + ":" + message)) {
            LOG.warn("LiveSync skips a change of {} it cannot read: {}. Views showing the row keep their version of it; "
                    + "check that the @Watched id and subscription key attributes fit the column types.", table, message);
        }
    }

    /** The rows loaded fine: a later failure of one is reported again. */
    void readable(String entity, java.util.Collection<?> ids) {
        if (count == 0) {
            return;
        }
        synchronized (reported) {
            for (Object id : ids) {
                reported.remove(entity + "#" + id);
            }
            count = reported.size();
        }
    }

    private boolean first(Object key) {
        synchronized (reported) {
            boolean first = reported.put(key, Boolean.TRUE) == null;
            count = reported.size();
            return first;
        }
    }

    static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return Objects.requireNonNullElse(root.getMessage(), root.getClass().getName());
    }
}
