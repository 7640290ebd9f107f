package org.vaadin.addons.livesync;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One committed change of a {@link Watched} entity's row, for code that is not a view: a service,
 * a scheduled job, a Spring bean ({@link LiveSync#events(Class)}). It says what happened, to which
 * row, and which subscription keys the row had before and has after as far as the database's WAL
 * tells; the entity itself only when the listener asked for it ({@link EntityEvents#withEntity()}).
 * <p>
 * What the WAL tells depends on the table's {@code REPLICA IDENTITY}. Under {@code FULL} the old
 * key is always known. Under {@code DEFAULT} it is known only when the key column is part of the
 * replica identity: a {@link ChangeType#DELETED DELETED} event then carries no key at all, and an
 * {@link ChangeType#UPDATED UPDATED} one only the new key. A key that is not known is {@code null}
 * with its {@code ...Known} flag {@code false}; a known SQL {@code NULL} is {@code null} with the
 * flag {@code true}.
 * <p>
 * Delivered once the transaction is visible to new queries, so a listener may load the row itself.
 * Immutable and thread-safe as long as the entity is not shared (each listener gets its own copy).
 *
 * @param entityType  the entity class
 * @param changeType  what happened
 * @param id          the row's id (the entity's id type, see {@link #id(Class)}): after the change for
 *                    INSERTED and UPDATED, before it for DELETED; {@code null} for TRUNCATED and for
 *                    a DELETED whose id column the WAL does not carry (an id that is not the primary key)
 * @param oldKey      the subscription key before the change, when {@code oldKeyKnown}
 * @param oldKeyKnown whether {@code oldKey} is known: only for UPDATED and DELETED, when the WAL
 *                    carries the old key (REPLICA IDENTITY FULL, or the key in the replica identity)
 * @param newKey      the subscription key after the change, when {@code newKeyKnown}
 * @param newKeyKnown whether {@code newKey} is known: for INSERTED and UPDATED (unless the key is an
 *                    unchanged TOASTed value); never for DELETED and TRUNCATED
 * @param commitTime  when the transaction committed
 * @param entity      the row as it is once the transaction is visible, as a private copy (its own
 *                    instance and associations, shared with no other listener or view): present
 *                    only when the listener asked for it, for INSERTED and UPDATED, and when the row
 *                    still exists then, can be read, and — for a listener of one subscription value
 *                    — still has that key. A later transaction may have changed it already: the
 *                    entity is what the database holds when it is loaded, the keys are this change's.
 * @param <T>         the entity type
 */
public record EntityEvent<T>(Class<T> entityType, ChangeType changeType, Object id,
                             Object oldKey, boolean oldKeyKnown, Object newKey, boolean newKeyKnown,
                             Instant commitTime, Optional<T> entity) {

    /**
     * Creates an event; LiveSync is the usual source (tests of a listener may make their own).
     *
     * @throws IllegalArgumentException when the values contradict each other (a key that is not known
     *                                  with a value, a TRUNCATED with an id, an entity of another type)
     */
    public EntityEvent {
        Objects.requireNonNull(entityType, "entityType");
        Objects.requireNonNull(changeType, "changeType");
        Objects.requireNonNull(commitTime, "commitTime");
        Objects.requireNonNull(entity, "entity (Optional.empty() for none)");
        if (!oldKeyKnown && oldKey != null || !newKeyKnown && newKey != null) {
            throw new IllegalArgumentException("A key that is not known has no value");
        }
        if (changeType == ChangeType.TRUNCATED && (id != null || oldKeyKnown || newKeyKnown)) {
            throw new IllegalArgumentException("A TRUNCATED event has no id and no keys");
        }
        if (entity.isPresent() && !entityType.isInstance(entity.get())) {
            throw new IllegalArgumentException("The entity is a " + entity.get().getClass().getName() + ", not a "
                    + entityType.getName());
        }
    }

    /**
     * The id as the entity's id type, e.g. {@code event.id(Long.class)}; {@code null} when the event
     * has none.
     *
     * @param <I> the entity's id type
     * @param idType the class of the entity's id, e.g. {@code Long.class}
     * @return the row's id cast to {@code idType}, or {@code null} when the event has none (a TRUNCATED,
     *     or a DELETED whose id column the WAL does not carry)
     * @throws ClassCastException when the id is not of {@code idType}
     */
    public <I> I id(Class<I> idType) {
        return idType.cast(id);
    }

    /** {@return whether both keys are known and differ: the row moved from one subscription value to another} */
    public boolean keyChanged() {
        return oldKeyKnown && newKeyKnown && !Objects.equals(oldKey, newKey);
    }

    @Override
    public String toString() {
        return "EntityEvent[" + changeType + " " + entityType.getSimpleName() + (id == null ? "" : " " + id)
                + (oldKeyKnown ? ", old key " + oldKey : "") + (newKeyKnown ? ", new key " + newKey : "")
                + ", committed " + commitTime + entity.map(e -> ", with entity").orElse("") + "]";
    }
}
