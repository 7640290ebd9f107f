package org.vaadin.addons.livesync;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

import org.vaadin.addons.livesync.internal.events.EventBus;
import org.vaadin.addons.livesync.internal.events.EventSelection;
import org.vaadin.addons.livesync.internal.watch.WatchedEntity;

import com.vaadin.flow.shared.Registration;

/**
 * Chooses which {@link EntityEvent}s a listener receives, then registers it: all rows of a watched
 * type, one id, or one subscription value; some change types or all; with the loaded entity or
 * without. From {@link LiveSync#events(Class)}:
 * <pre>{@code
 * Registration registration = liveSync.events(Task.class)
 *         .ofKind(ChangeType.UPDATED, ChangeType.DELETED)
 *         .forId(42L)
 *         .withEntity()
 *         .listen(event -> audit.record(event.changeType(), event.entity()));
 * // later
 * registration.remove();
 * }</pre>
 * Which events reach a listener:
 * <ul>
 * <li>all rows (the default): every change of the type;</li>
 * <li>{@link #forId one id}: the changes of that row, and {@link ChangeType#TRUNCATED TRUNCATED};</li>
 * <li>{@link #forSubscriptionValue one subscription value}: the changes whose new or old key is known
 * to be that value, and {@code TRUNCATED}. Never another value's row, nor its id. A {@code DELETED}
 * whose old key the WAL lacks (REPLICA IDENTITY DEFAULT, the key column not in the replica identity)
 * reaches it when LiveSync knows the row was of its value: from a recent change of the row with its
 * key (its insert, an update; the last 10,000 such changes of types listened to by value), or
 * because a view holds the row under that value. Otherwise the row's value is unknown and the
 * listener is told instead, without the id:
 * {@link MissedEvents.Reason#KEY_UNKNOWN}, one notice per transaction with the number of such
 * deletes (logged at WARN for its first, then at DEBUG). An update that moves a row away from the
 * value reaches it only when the WAL carries the old key. So give the table of a type listened to by
 * value REPLICA IDENTITY FULL, or an identity index that contains the key column (LiveSync logs a
 * WARN when the first such listener of a table without registers).</li>
 * </ul>
 * Events of a transaction are delivered once it is visible to new queries, in commit order, on a
 * queue of the listener's own ({@link EntityListener}). (A transaction that does not become visible
 * at once — synchronous replication waiting for a standby — or whose rows cannot be loaded while the
 * database is away, is set aside and delivered once it can be, possibly after later ones; its
 * entities are then the rows as they are by then.) What a full queue drops is reported to
 * {@link EntityListener#onMissed} and {@link #onMissed(Consumer)}. Across a stream interruption
 * (reconnect, failover) events may be missing — the listener is told — and with a permanent slot a
 * transaction may come twice. Events go to trusted server code, not to a user: a listener of all
 * rows sees every tenant's changes.
 * <p>
 * Immutable: each method returns a new selection. Thread-safe.
 *
 * @param <T> the entity type ({@code Object} for {@link LiveSync#events()}, every watched type)
 */
public final class EntityEvents<T> {

    /** Events that may wait for one listener before further ones are dropped (and counted). */
    public static final int DEFAULT_QUEUE_SIZE = 1_000;

    private final EventBus bus;
    private final WatchedEntity<T> entity;
    private final Set<ChangeType> kinds;
    private final Object id;
    private final Object value;
    private final boolean withEntity;
    private final int queueSize;
    private final Consumer<MissedEvents> onMissed;

    private EntityEvents(EventBus bus, WatchedEntity<T> entity, Set<ChangeType> kinds, Object id, Object value,
                         boolean withEntity, int queueSize, Consumer<MissedEvents> onMissed) {
        this.bus = bus;
        this.entity = entity;
        this.kinds = kinds;
        this.id = id;
        this.value = value;
        this.withEntity = withEntity;
        this.queueSize = queueSize;
        this.onMissed = onMissed;
    }

    /** All events of one watched type ({@code entity}), or of every watched type ({@code null}). */
    static <T> EntityEvents<T> of(EventBus bus, WatchedEntity<T> entity) {
        return new EntityEvents<>(bus, entity, EnumSet.allOf(ChangeType.class), null, null, false,
                DEFAULT_QUEUE_SIZE, null);
    }

    /**
     * Only these change types (by default: all of them); replaces the types chosen before.
     *
     * @param kind a change type the listener receives
     * @param more further change types it receives
     * @return a selection of only these change types, otherwise as this one
     */
    public EntityEvents<T> ofKind(ChangeType kind, ChangeType... more) {
        return new EntityEvents<>(bus, entity, EnumSet.of(kind, more), id, value, withEntity, queueSize, onMissed);
    }

    /**
     * Only the row with this id (and truncates of its table).
     *
     * @param id the row's id, of the entity's id type
     * @return a selection of that row only, otherwise as this one
     * @throws IllegalArgumentException when the id is not of the entity's id type (e.g. an {@code Integer}
     *                                  for a {@code Long} id: pass {@code 42L})
     * @throws IllegalStateException    when the selection is of every type, or already chose a subscription value
     */
    public EntityEvents<T> forId(Object id) {
        Objects.requireNonNull(id, "id");
        WatchedEntity<T> of = oneType("an id", value == null ? null : "the subscription value " + value);
        requireType("The id", id, of, of.idAttribute(), of.idType());
        return new EntityEvents<>(bus, entity, kinds, id, null, withEntity, queueSize, onMissed);
    }

    /**
     * Only the rows whose subscription key is this value (see the class description for what the
     * WAL lets it know: a delete whose key the WAL lacks and of a row no view holds comes as a
     * {@link MissedEvents.Reason#KEY_UNKNOWN} notice, never with another value's id).
     *
     * @param value the subscription value (e.g. an organization's id), of the subscription key's type
     * @return a selection of that value's rows only, otherwise as this one
     * @throws IllegalArgumentException when the value is not of the subscription key's type
     * @throws IllegalStateException    when the selection is of every type, or already chose an id
     */
    public EntityEvents<T> forSubscriptionValue(Object value) {
        Objects.requireNonNull(value, "The subscription value must not be null");
        WatchedEntity<T> of = oneType("a subscription value", id == null ? null : "the id " + id);
        requireType("The subscription value", value, of, of.keyAttribute(), of.keyType());
        return new EntityEvents<>(bus, entity, kinds, null, value, withEntity, queueSize, onMissed);
    }

    /**
     * INSERTED and UPDATED events carry the entity ({@link EntityEvent#entity()}): a private copy of
     * the row as it is once the transaction is visible, loaded in the same one query per entity type
     * and transaction as the views' rows, however many listeners ask.
     *
     * @return a selection whose events carry the entity, otherwise as this one
     */
    public EntityEvents<T> withEntity() {
        return new EntityEvents<>(bus, entity, kinds, id, value, true, queueSize, onMissed);
    }

    /**
     * How many events may wait for the listener before further ones are dropped and counted
     * ({@link MissedEvents.Reason#QUEUE_FULL}); {@link #DEFAULT_QUEUE_SIZE} by default.
     *
     * @param size how many events may wait, at least 1
     * @return a selection with that queue size, otherwise as this one
     * @throws IllegalArgumentException when less than 1
     */
    public EntityEvents<T> withQueueSize(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("The queue size must be at least 1, was " + size);
        }
        return new EntityEvents<>(bus, entity, kinds, id, value, withEntity, size, onMissed);
    }

    /**
     * Also tells {@code handler} when events were missed (after the listener's own
     * {@link EntityListener#onMissed}), for listeners given as a lambda. Runs on the listener's thread.
     * Replaces the handler set before.
     *
     * @param handler receives each notice of missed events
     * @return a selection with that handler, otherwise as this one
     */
    public EntityEvents<T> onMissed(Consumer<MissedEvents> handler) {
        return new EntityEvents<>(bus, entity, kinds, id, value, withEntity, queueSize,
                Objects.requireNonNull(handler, "handler"));
    }

    /**
     * Registers {@code listener} for the selected events of transactions decoded from now on. The
     * returned registration's {@code remove()} stops delivery: no event is delivered after it
     * returns, except one being delivered at that moment. Idempotent.
     *
     * @param listener receives the selected events, on a {@code livesync-events-N} virtual thread
     * @return the registration; {@code remove()} it to stop the delivery
     * @throws IllegalStateException when LiveSync is stopped
     */
    public Registration listen(EntityListener<T> listener) {
        Objects.requireNonNull(listener, "listener");
        return bus.register(new EventSelection(entity, kinds, id, value, withEntity, queueSize), listener, onMissed);
    }

    /** The selection's one type, when it may choose {@code what}; {@code chosen} says what it follows already. */
    private WatchedEntity<T> oneType(String what, String chosen) {
        if (entity == null) {
            throw new IllegalStateException("A selection of every watched type cannot choose " + what
                    + ": choose the type first, e.g. liveSync.events(Task.class)");
        }
        if (chosen != null) {
            throw new IllegalStateException("This selection already follows " + chosen
                    + ": choose either one id or one subscription value");
        }
        return entity;
    }

    private static void requireType(String what, Object given, WatchedEntity<?> of, String attribute, Class<?> type) {
        if (!type.isInstance(given)) {
            throw new IllegalArgumentException(what + " " + given + " is a " + given.getClass().getSimpleName()
                    + ", but " + of.type().getSimpleName() + "." + attribute + " is a " + type.getSimpleName()
                    + ": pass a value of that type, or no event would ever match");
        }
    }

    @Override
    public String toString() {
        return "EntityEvents[" + new EventSelection(entity, kinds, id, value, withEntity, queueSize) + "]";
    }
}
