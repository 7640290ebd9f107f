package org.vaadin.addons.livesync.internal.dispatch;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

import org.vaadin.addons.livesync.internal.decode.ChangeFilter;
import org.vaadin.addons.livesync.internal.decode.ChangeKind;
import org.vaadin.addons.livesync.internal.decode.Relation;
import org.vaadin.addons.livesync.internal.decode.RowChange;
import org.vaadin.addons.livesync.internal.events.EventBus;
import org.vaadin.addons.livesync.internal.watch.EntityChange;
import org.vaadin.addons.livesync.internal.watch.WatchRegistry;
import org.vaadin.addons.livesync.internal.watch.WatchedEntity;

/**
 * The reader thread's decision, change by change, whether any open view or entity listener can need a change: changes
 * of unwatched tables and changes of tenants nobody has open are dropped as they are decoded, and
 * what is kept is reduced to the id and key columns (the views load the rows themselves). So a huge
 * transaction that concerns no open view costs no memory. It never drops what a view may need:
 * <ul>
 * <li>an insert or update is kept when its new or old subscription key has views, when a view
 * holds the row, or — if its old key is not in the WAL — when the row is on its way to a view or a
 * view of its type is loading (registered and not loaded yet, or running a load);</li>
 * <li>a delete likewise by its old key, the views holding the row, the row being on its way, or a
 * loading view;</li>
 * <li>an update or delete without its old key, while views keep a count by the changes (the first
 * such change makes them count again at each change: {@link CountRouter});</li>
 * <li>a truncate always;</li>
 * <li>any change an entity listener selects ({@link EventBus#concerns}).</li>
 * </ul>
 * A change of a {@link WatchedEntity#isGlobal() global} entity carries the constant key that all its
 * subscriptions register under, so it is kept whenever a view follows the entity's rows (or holds
 * the row).
 * A view registering while a dropped change's transaction is not yet visible is covered by the
 * {@link Fence}, which every transaction with a watched change enters before it is filtered.
 * Kept changes are grouped by (table, subscription value) when every view they may concern has
 * that value, else by (table, any value), so that the assembler's per-group limit turns a flood of
 * one tenant's changes into a reload of exactly that tenant's views.
 * <p>
 * Rows are counted as on their way to a view only for the changes the assembler keeps ({@link #kept}),
 * so what a transaction counts is bounded by the assembler's limits whatever its size; for the
 * changes it drops past a limit only their entity type is noted ({@link #dropped}), and until that
 * transaction is delivered a change of the type whose old key is not known is kept, as while a view
 * of the type loads (the views concerned reload, and the row may be in what they load). A transaction
 * that a resumed stream reads again is counted once per reading: each reading that kept a change
 * is {@linkplain #claim claimed} by the delivery thread in stream order, whether it is delivered or
 * skipped, and released when its rows reached their views.
 * <p>
 * Thread-safe: the reader thread filters; the delivery thread claims each transaction and releases
 * it when its rows have reached their views.
 */
final class InterestFilter implements ChangeFilter {

    /** A group of kept changes: one table, one subscription value (or {@link #ANY}). */
    record Group(String table, Object value) {
    }

    /** The value of a group whose changes may concern views of several values. */
    static final Object ANY = new Object() {
        @Override
        public String toString() {
            return "ANY";
        }
    };

    private record Row(Class<?> type, Object id) {
    }

    /** What one reading of a transaction counts: its kept rows, and the types of which it dropped changes. */
    private static final class Reading {
        final List<Row> rows = new ArrayList<>();
        final Set<Class<?>> overflowed = new HashSet<>(2);
    }

    private final WatchRegistry registry;
    private final Dispatcher dispatcher;
    private final Fence fence;
    private final EventBus events;
    /** Rows kept by transactions not yet delivered, with how many such changes are in flight. */
    private final Map<Row, Integer> inFlight = new ConcurrentHashMap<>();
    /** Entity types of which transactions not yet delivered dropped changes past a limit, with how many such. */
    private final Map<Class<?>, Integer> overflowing = new ConcurrentHashMap<>();
    /** xid → its readings not yet claimed, oldest first (each deque changed inside its entry's compute). */
    private final Map<Long, Deque<Reading>> unclaimed = new ConcurrentHashMap<>();
    /** Row changes of watched tables offered to {@link #retain}, kept or not. */
    private final LongAdder received = new LongAdder();
    /** Reader thread only: the transaction being filtered, its reading (null until it kept or dropped a change), and the last retained change's group and entity changes. */
    private long currentXid;
    private Reading current;
    private Object lastGroup;
    private List<EntityChange> lastChanges = List.of();

    InterestFilter(WatchRegistry registry, Dispatcher dispatcher, Fence fence, EventBus events) {
        this.registry = registry;
        this.dispatcher = dispatcher;
        this.fence = fence;
        this.events = events;
    }

    @Override
    public boolean watches(Relation relation) {
        return registry.watches(relation);
    }

    @Override
    public void begin(long xid) {
        currentXid = xid;
        current = null;
        fence.add(xid);
    }

    @Override
    public RowChange retain(RowChange change) {
        received.increment();
        List<EntityChange> changes;
        try {
            changes = registry.changesOf(change);
        } catch (IllegalArgumentException e) {
            lastGroup = null;
            lastChanges = List.of();
            return change; // kept whole: the delivery thread reports what cannot be read
        }
        boolean wanted = false;
        for (EntityChange entityChange : changes) {
            wanted |= concerns(entityChange) || events.concerns(entityChange);
        }
        if (!wanted) {
            return null;
        }
        lastGroup = change.kind() == ChangeKind.TRUNCATE ? null : new Group(change.relation().qualifiedName(),
                changes.size() == 1 ? valueOf(changes.get(0)) : ANY);
        lastChanges = changes;
        return change.kind() == ChangeKind.TRUNCATE ? change : reduce(change, changes);
    }

    /** The group of the change {@link #retain} kept last (the assembler asks right after). */
    @Override
    public Object group(RowChange retained) {
        return lastGroup;
    }

    /** The assembler keeps the change: its rows are on their way to a view until its transaction is released. */
    @Override
    public void kept(RowChange retained) {
        Reading reading = reading();
        for (EntityChange entityChange : lastChanges) {
            countInFlight(reading, entityChange.type(), entityChange.id());
            countInFlight(reading, entityChange.type(), entityChange.oldId());
        }
    }

    /** The assembler drops the change past a limit: only its types are noted, once per transaction. */
    @Override
    public void dropped(RowChange retained) {
        Reading reading = reading();
        for (EntityChange entityChange : lastChanges) {
            if (reading.overflowed.add(entityChange.type())) {
                overflowing.merge(entityChange.type(), 1, Integer::sum);
            }
        }
    }

    /** Reader thread: this reading of the current transaction will not be completed; what it counted is released. */
    @Override
    public void abandoned(long xid) {
        Reading reading = current;
        current = null;
        if (reading != null && xid == currentXid) {
            unclaimed.computeIfPresent(xid, (x, readings) -> {
                readings.removeLastOccurrence(reading);
                return readings.isEmpty() ? null : readings;
            });
            release(reading);
        }
    }

    /**
     * Delivery thread, for each transaction that kept or dropped a change (one that is not
     * {@linkplain org.vaadin.addons.livesync.internal.decode.Transaction#isEmpty() empty}), in
     * stream order, whether it is delivered or skipped: takes what its reading counts, and returns
     * what releases it, to run once its rows reached their views (or never will). Runs nothing more
     * than once.
     *
     * @param xid the transaction's id
     * @return releases what the transaction counts (idempotent)
     */
    Runnable claim(long xid) {
        Reading[] claimed = new Reading[1];
        unclaimed.computeIfPresent(xid, (x, readings) -> {
            claimed[0] = readings.pollFirst();
            return readings.isEmpty() ? null : readings;
        });
        Reading reading = claimed[0];
        if (reading == null) {
            return () -> { };
        }
        AtomicBoolean released = new AtomicBoolean();
        return () -> {
            if (released.compareAndSet(false, true)) {
                release(reading);
            }
        };
    }

    private void release(Reading reading) {
        for (Row row : reading.rows) {
            inFlight.computeIfPresent(row, (r, n) -> n > 1 ? n - 1 : null);
        }
        for (Class<?> type : reading.overflowed) {
            overflowing.computeIfPresent(type, (t, n) -> n > 1 ? n - 1 : null);
        }
    }

    /** The current transaction's reading, made and indexed when it keeps or drops its first change. */
    private Reading reading() {
        if (current == null) {
            Reading reading = new Reading();
            unclaimed.compute(currentXid, (x, readings) -> {
                Deque<Reading> list = readings != null ? readings : new ArrayDeque<>(1);
                list.addLast(reading);
                return list;
            });
            current = reading;
        }
        return current;
    }

    /** Row changes of watched tables received since start (a truncate once per table), kept or not. */
    long received() {
        return received.sum();
    }

    /**
     * What the filter holds for transactions not yet delivered: rows counted in flight, entity
     * types noted as overflowing, and transactions read but not yet claimed. Zero once every
     * transaction read was delivered or skipped.
     */
    int entries() {
        return inFlight.size() + overflowing.size() + unclaimed.size();
    }

    private boolean concerns(EntityChange change) {
        Class<?> type = change.type();
        return switch (change.kind()) {
            case TRUNCATE -> true;
            case INSERT, UPDATE -> !change.newKeyKnown()
                    || dispatcher.hasSubscribers(type, change.newKey())
                    || !change.oldKeyKnown() && change.kind() == ChangeKind.UPDATE && dispatcher.keepsCounts(type)
                    || change.oldKeyKnown() && dispatcher.hasSubscribers(type, change.oldKey())
                    || mayBeShown(type, change.id(), !change.oldKeyKnown() && change.kind() == ChangeKind.UPDATE)
                    || mayBeShown(type, change.oldId(), false);
            case DELETE -> change.oldKeyKnown() && dispatcher.hasSubscribers(type, change.oldKey())
                    || !change.oldKeyKnown() && dispatcher.keepsCounts(type)
                    || mayBeShown(type, change.id(), !change.oldKeyKnown());
        };
    }

    /** Whether a view may show the row: a view is loading, it is on its way to one, or held by one (checked in that order). */
    private boolean mayBeShown(Class<?> type, Object id, boolean orLoading) {
        if (id == null) {
            return false;
        }
        // loading before held: a view holds what it loaded before it stops loading; in flight before
        // held: the delivery thread marks the row held before it stops counting it in flight
        return orLoading && (dispatcher.isLoading(type) || overflowing.containsKey(type))
                || inFlight.containsKey(new Row(type, id)) || dispatcher.isHeld(type, id);
    }

    /** The one subscription value every view this change may concern has, or {@link #ANY}. */
    private Object valueOf(EntityChange change) {
        Class<?> type = change.type();
        Set<Object> values = new HashSet<>();
        if (change.newKeyKnown()) {
            values.add(change.newKey());
        }
        if (change.oldKeyKnown()) {
            values.add(change.oldKey());
        } else if (change.kind() != ChangeKind.INSERT) {
            if (dispatcher.isLoading(type) || overflowing.containsKey(type)
                    || change.id() != null && inFlight.containsKey(new Row(type, change.id()))) {
                return ANY;
            }
            if (change.id() != null) {
                dispatcher.addHolderValues(type, change.id(), values);
            }
        }
        return values.size() == 1 ? values.iterator().next() : ANY;
    }

    private void countInFlight(Reading reading, Class<?> type, Object id) {
        if (id != null) {
            Row row = new Row(type, id);
            inFlight.merge(row, 1, Integer::sum);
            reading.rows.add(row);
        }
    }

    /** The change with only the columns routing reads: the id and key columns of the entities watching it. */
    private static RowChange reduce(RowChange change, List<EntityChange> changes) {
        List<String> columns = new ArrayList<>(2 * changes.size());
        for (EntityChange entityChange : changes) {
            WatchedEntity<?> entity = entityChange.entity();
            columns.add(entity.idColumn());
            if (!entity.isGlobal()) {
                columns.add(entity.keyColumn());
            }
        }
        java.util.Set<String> changed = null;
        List<String> oldColumns = columns;
        if (change.kind() == ChangeKind.UPDATE && change.changed() == null) {
            // what the update changed is read from the whole rows, before they are reduced; the old values
            // of those columns stay, so that a lazy view can tell whether the old row matched its filter
            changed = ColumnChanges.changedColumns(change);
            if (changed != null && !changed.isEmpty() && change.oldRow() != null) {
                oldColumns = new ArrayList<>(columns);
                oldColumns.addAll(changed);
            }
        }
        return new RowChange(change.relation(), change.kind(),
                change.newRow() == null ? null : change.newRow().only(columns),
                change.oldRow() == null ? null : change.oldRow().only(oldColumns), change.oldRowIsKeyOnly(),
                changed != null ? changed : change.changed());
    }
}
