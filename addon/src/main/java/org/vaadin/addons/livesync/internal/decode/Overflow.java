package org.vaadin.addons.livesync.internal.decode;

import java.io.Serializable;
import java.util.Set;

/**
 * What a {@link Transaction} did not keep because it changed more than the assembler's limits
 * allow: its consumer must treat everything these changes could concern as changed (e.g. reload
 * it). Immutable and thread-safe.
 *
 * @param groups    the {@link ChangeFilter#group groups} whose changes past the per-group limit were
 *                  dropped
 * @param relations the tables whose changes past the total limit were dropped, whatever their group
 * @param dropped   how many changes were dropped for these limits
 */
public record Overflow(Set<Object> groups, Set<Relation> relations, long dropped) implements Serializable {

    /** Copies the sets: an overflow is immutable. */
    public Overflow {
        groups = Set.copyOf(groups);
        relations = Set.copyOf(relations);
    }
}
