package org.vaadin.addons.livesync.internal.dispatch;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

import org.vaadin.addons.livesync.ReloadCause;

/**
 * What changed for one subscription since it was last applied: rows to put (by id, the latest
 * state, each instance this subscription's own), ids to remove, ids to remove only if the view
 * holds them when the delta is applied ({@link #settleRemovals}), whether the whole list was
 * emptied first (TRUNCATE), or whether it must reload from scratch (a gap in the stream, or more
 * pending changes than are worth keeping). Several transactions' deltas merge into one, latest
 * wins, so a slow UI converges to the latest state with bounded memory.
 * <p>
 * Not thread-safe: built by the dispatcher under its mailbox lock, then handed whole to the UI
 * thread.
 *
 * @param <T> the entity type
 */
public final class Delta<T> {

    /**
     * What one transaction did to the number of rows of the subscription value, for a view that
     * keeps its count by the changes it receives.
     *
     * @param xid    the transaction (32 bits, as pgoutput sends it)
     * @param change rows added minus rows removed
     */
    public record CountStep(long xid, int change) {
    }

    /**
     * What the WAL told of a row's change (or the changes of one row merged into a delta), for a
     * lazy view that decides without a query whether it matters.
     *
     * @param entered  {@code TRUE} if the row is new to the subscription (inserted, or moved in from
     *                 another subscription value), {@code FALSE} if it was of the subscription value
     *                 before, {@code null} if that is not known
     * @param columns  which columns the update changed, as far as the WAL tells ({@link ColumnChanges})
     * @param firstXid the first transaction merged in that changed the row (32 bits, as pgoutput sends it)
     * @param lastXid  the last one
     */
    public record RowFacts(Boolean entered, ColumnChanges columns, long firstXid, long lastXid) {

        /** The facts of this change followed by {@code later}'s, of the same row. */
        RowFacts then(RowFacts later) {
            return new RowFacts(entered, columns.then(later.columns), firstXid, later.lastXid);
        }
    }

    private final Map<Object, T> puts = new LinkedHashMap<>();
    /** What the WAL told of the puts and removals (absent: nothing known, e.g. delivered late). */
    private final Map<Object, RowFacts> facts = new HashMap<>();
    private final Map<Object, Boolean> removals = new LinkedHashMap<>();
    /**
     * Rows to remove only if the view holds them when it applies the delta: a row it may be about to
     * show (it was loading) or one whose tenant was not known. Never handed to the view as such.
     */
    private final Map<Object, Boolean> removalsIfHeld = new LinkedHashMap<>();
    /** Rows marked as pending on the subscription for this delta's puts: settled once it is applied. */
    private final Map<Object, Integer> marks = new HashMap<>();
    private List<CountStep> countSteps = List.of();
    private boolean countUnknown;
    private boolean cleared;
    private boolean reload;
    private ReloadCause reloadCause;
    /** When the oldest transaction merged into it committed; null for a delta of no transaction (a gap's reload). */
    private Instant commitTime;
    /** The page cache's versions of the subscription's (type, value) once it was routed (the latest merged). */
    private PageCache.Stamp pageStamp;

    Delta() {
    }

    /** {@return whether the subscriber must reload everything through its loader; nothing else then counts} */
    public boolean reload() {
        return reload;
    }

    /** {@return whether every row was removed (TRUNCATE) before the {@link #puts()}} */
    public boolean cleared() {
        return cleared;
    }

    /** {@return rows inserted or updated, by id, in the order they first changed} */
    public Map<Object, T> puts() {
        return Collections.unmodifiableMap(puts);
    }

    /** {@return ids of rows deleted, or moved away from this subscription} */
    public java.util.Set<Object> removals() {
        return Collections.unmodifiableSet(removals.keySet());
    }

    /**
     * {@return for a view that keeps its count by the changes: what each transaction merged into it
     * did to the count, in commit order (empty for a reload)}
     */
    public List<CountStep> countSteps() {
        return Collections.unmodifiableList(countSteps);
    }

    /** {@return for a view that keeps its count by the changes: whether some change's effect on it is not known} */
    public boolean countUnknown() {
        return countUnknown;
    }

    /**
     * What the WAL told of the change of a row among {@link #puts()} or {@link #removals()}.
     *
     * @param id the row's id
     * @return its facts; {@code null} when nothing is known (merged from a change delivered late, say)
     */
    public RowFacts facts(Object id) {
        return facts.get(id);
    }

    /** {@return whether nothing is in it} */
    public boolean isEmpty() {
        return !reload && !cleared && puts.isEmpty() && removals.isEmpty() && removalsIfHeld.isEmpty()
                && countSteps.isEmpty() && !countUnknown;
    }

    /** How many row operations it holds: the measure for coalescing. */
    int size() {
        return puts.size() + removals.size() + removalsIfHeld.size();
    }

    void put(Object id, T entity) {
        put(id, entity, null);
    }

    /** Puts the row; {@code rowFacts}: what the WAL told of its change, null if nothing. */
    void put(Object id, T entity, RowFacts rowFacts) {
        Objects.requireNonNull(id, "id");
        if (!reload) {
            RowFacts before = facts.get(id);
            boolean wasPut = puts.containsKey(id);
            boolean wasRemoved = removals.remove(id) != null | removalsIfHeld.remove(id) != null;
            puts.put(id, entity);
            if (rowFacts == null || before == null && (wasPut || wasRemoved)) {
                facts.remove(id); // some change of it merged in is not known
            } else if (wasPut) {
                facts.put(id, before.then(rowFacts));
            } else if (wasRemoved) {
                // removed, then back: what it was before the first change is not known
                facts.put(id, new RowFacts(null, ColumnChanges.UNKNOWN, before.firstXid(), rowFacts.lastXid()));
            } else {
                facts.put(id, rowFacts);
            }
        }
    }

    void remove(Object id) {
        remove(id, null);
    }

    /** Removes the row; {@code removal}: the transactions that removed it, null if not known. */
    void remove(Object id, RowFacts removal) {
        if (!reload && id != null) {
            boolean wasPut = puts.remove(id) != null;
            removalsIfHeld.remove(id);
            removals.put(id, Boolean.TRUE);
            removedBy(id, removal, wasPut);
        }
    }

    /** Removes the row if the view holds it when it applies the delta (see {@link #settleRemovals}). */
    void removeIfHeld(Object id) {
        removeIfHeld(id, null);
    }

    /** As {@link #removeIfHeld(Object)}; {@code removal}: the transactions that removed it, null if not known. */
    void removeIfHeld(Object id, RowFacts removal) {
        if (!reload && id != null && !removals.containsKey(id)) {
            boolean wasPut = puts.remove(id) != null;
            removalsIfHeld.put(id, Boolean.TRUE);
            removedBy(id, removal, wasPut);
        }
    }

    /** The facts of a removal by transaction {@code xid} (32 bits, as pgoutput sends it). */
    static RowFacts removedIn(long xid) {
        return new RowFacts(Boolean.FALSE, ColumnChanges.UNKNOWN, xid, xid);
    }

    /** Records the transactions that removed the row (after the changes of it merged in before). */
    private void removedBy(Object id, RowFacts removal, boolean wasPut) {
        RowFacts before = facts.get(id);
        if (removal == null || before == null && wasPut) {
            facts.remove(id);
        } else if (before != null) {
            facts.put(id, new RowFacts(before.entered(), ColumnChanges.UNKNOWN, before.firstXid(), removal.lastXid()));
        } else {
            facts.put(id, removal);
        }
    }

    /**
     * UI thread, right before the view applies the delta (after any load it was running): the rows
     * to remove only if held become removals when {@code holds} says the view holds them, and are
     * dropped otherwise, unseen by the view.
     */
    void settleRemovals(Predicate<Object> holds) {
        removalsIfHeld.keySet().forEach(id -> {
            if (holds.test(id)) {
                removals.put(id, Boolean.TRUE);
            } else {
                facts.remove(id);
            }
        });
        removalsIfHeld.clear();
    }

    /** Records what transaction {@code xid} did to the subscription's row count. */
    void counted(long xid, int change) {
        if (!reload && change != 0) {
            if (countSteps.isEmpty()) {
                countSteps = new ArrayList<>(2);
            }
            countSteps.add(new CountStep(xid, change));
        }
    }

    /** Records that a change's effect on the subscription's row count is not known. */
    void markCountUnknown() {
        if (!reload) {
            countUnknown = true;
        }
    }

    void clear() {
        if (!reload) {
            puts.clear();
            removals.clear();
            removalsIfHeld.clear();
            facts.clear();
            cleared = true;
        }
    }

    /** Turns it into a reload; the first cause stays when it already was one. */
    void markReload(ReloadCause cause) {
        Objects.requireNonNull(cause, "cause");
        if (!reload) {
            reloadCause = cause;
        }
        reload = true;
        cleared = false;
        puts.clear();
        removals.clear();
        removalsIfHeld.clear();
        facts.clear();
        countSteps = List.of();
        countUnknown = false;
    }

    /** Records that a put of the row marked it pending on the subscription. */
    void mark(Object id) {
        marks.merge(id, 1, Integer::sum);
    }

    /** The pending marks this delta carries, to settle once it was applied (kept through merges and reloads). */
    Map<Object, Integer> marks() {
        return marks;
    }

    /** Why it is a reload; null when it is none. */
    ReloadCause reloadCause() {
        return reloadCause;
    }

    /** Records that it carries changes of a transaction committed at {@code time} (the oldest one counts). */
    void committedAt(Instant time) {
        if (time != null && (commitTime == null || time.isBefore(commitTime))) {
            commitTime = time;
        }
    }

    /** Records the page cache's versions of its (type, value) after routing it (the latest merged counts). */
    void routedAt(PageCache.Stamp stamp) {
        pageStamp = PageCache.Stamp.latest(pageStamp, stamp);
    }

    /**
     * The page cache's versions of the subscription's (type, value) once this delta was routed: a
     * page computed at or after them saw its changes. Null for a delta not routed by the dispatcher,
     * or of a subscription that did not ask for it ({@link Subscription#wantRowFacts}).
     *
     * @return the page cache's versions once it was routed, or null
     */
    public PageCache.Stamp pageStamp() {
        return pageStamp;
    }

    /** When the oldest transaction merged into it committed; null when it carries none. */
    Instant commitTime() {
        return commitTime;
    }

    /** Merges a later delta into this one. */
    void mergeLater(Delta<T> later) {
        later.marks.forEach((id, n) -> marks.merge(id, n, Integer::sum));
        committedAt(later.commitTime);
        routedAt(later.pageStamp);
        if (later.reload) {
            markReload(later.reloadCause);
            return;
        }
        if (later.cleared) {
            clear();
        }
        later.countSteps.forEach(step -> counted(step.xid(), step.change()));
        if (later.countUnknown) {
            markCountUnknown();
        }
        later.removals.keySet().forEach(id -> remove(id, later.facts.get(id)));
        later.removalsIfHeld.keySet().forEach(id -> removeIfHeld(id, later.facts.get(id)));
        later.puts.forEach((id, row) -> put(id, row, later.facts.get(id)));
    }

    @Override
    public String toString() {
        return reload ? "Delta[reload]" : "Delta[" + (cleared ? "cleared, " : "") + "puts " + puts.keySet()
                + ", removals " + removals.keySet() + ", if held " + removalsIfHeld.keySet() + "]";
    }
}
