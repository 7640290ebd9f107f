package org.vaadin.addons.livesync.internal.events;

import java.util.Objects;
import java.util.Set;

import org.vaadin.addons.livesync.ChangeType;
import org.vaadin.addons.livesync.internal.watch.WatchedEntity;

/**
 * Which events one listener receives. Immutable and thread-safe; validated by
 * {@link org.vaadin.addons.livesync.EntityEvents}, which builds it.
 *
 * @param entity     the entity type, or {@code null} for every watched type
 * @param kinds      the change types it receives (not empty)
 * @param id         the one row id it follows, or {@code null} for all rows
 * @param value      the one subscription value it follows, or {@code null} for all values
 * @param withEntity whether its INSERTED and UPDATED events carry the loaded entity
 * @param queueSize  how many events may wait for it before further ones are dropped (and counted)
 */
public record EventSelection(WatchedEntity<?> entity, Set<ChangeType> kinds, Object id, Object value,
                             boolean withEntity, int queueSize) {

    /**
     * Copies the change types and checks that the fields fit together.
     *
     * @throws IllegalArgumentException when no change type is chosen, an id or a value is chosen
     *                                  without an entity type, both an id and a value are chosen, or
     *                                  the queue size is less than 1
     */
    public EventSelection {
        kinds = Set.copyOf(Objects.requireNonNull(kinds, "kinds"));
        if (kinds.isEmpty()) {
            throw new IllegalArgumentException("Select at least one change type");
        }
        if (entity == null && (id != null || value != null)) {
            throw new IllegalArgumentException("Only a selection of one entity type can choose an id or a value");
        }
        if (id != null && value != null) {
            throw new IllegalArgumentException("Choose either one id or one subscription value, not both");
        }
        if (queueSize < 1) {
            throw new IllegalArgumentException("The queue size must be at least 1, was " + queueSize);
        }
    }

    /** {@return whether it takes every change of its type(s): every change type, no one id or value} */
    boolean takesEveryChange() {
        return id == null && value == null && kinds.size() == ChangeType.values().length;
    }

    boolean accepts(ChangeType kind) {
        return kinds.contains(kind);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(entity == null ? "every type" : entity.type().getSimpleName());
        if (kinds.size() < ChangeType.values().length) {
            s.append(' ').append(kinds);
        }
        if (id != null) {
            s.append(", id ").append(id);
        }
        if (value != null) {
            s.append(", subscription value ").append(value);
        }
        return s.append(withEntity ? ", with entity" : "").toString();
    }
}
