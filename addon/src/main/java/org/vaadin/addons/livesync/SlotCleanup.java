package org.vaadin.addons.livesync;

import java.time.Duration;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Which permanent replication slots left behind by LiveSync nodes are dropped, and after how long
 * (see {@link CaptureSettings#withSlotCleanup}). A slot is dropped only when all of these hold: it
 * is a logical slot of the {@code pgoutput} plugin in LiveSync's database, it is not temporary, its
 * name starts with {@link #prefix()}, it is not the slot of the node that looks, no connection is
 * streaming from it, and it has not streamed (nor moved) for {@link #inactiveFor()}. A slot that a
 * node takes up again meanwhile is never dropped: the server refuses to drop a slot in use, and
 * LiveSync skips it. Each node checks about twice per {@code inactiveFor} (at most once a minute).
 * An immutable, thread-safe record.
 *
 * @param prefix      the start of the names of the slots that are ours (a-z, 0-9 and _, not empty);
 *                    null when the cleanup is off
 * @param inactiveFor how long a slot must have been idle before it is dropped
 */
public record SlotCleanup(@Nullable String prefix, Duration inactiveFor) {

    private static final Pattern PREFIX = Pattern.compile("[a-z0-9_]{1,62}");

    /** Slots named {@code livesync_…}, idle for 15 minutes. */
    public static final SlotCleanup DEFAULT = new SlotCleanup("livesync_", Duration.ofMinutes(15));

    /** No slot is ever dropped: slots of nodes that went away are for the operator to drop. */
    public static final SlotCleanup OFF = new SlotCleanup(null, Duration.ofMinutes(15));

    /**
     * Checks the values.
     *
     * @throws IllegalArgumentException when the prefix is empty or not a slot name's start, or the
     *     duration is not positive
     */
    public SlotCleanup {
        if (prefix != null && !PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("The prefix of the slots to clean up is 1 to 62 characters of a-z, 0-9"
                    + " and _ (an empty one would match every application's slots), got: '" + prefix + "'");
        }
        if (inactiveFor == null || inactiveFor.isNegative() || inactiveFor.isZero()) {
            throw new IllegalArgumentException("The time a slot must be idle before it is dropped must be positive, got "
                    + inactiveFor);
        }
    }

    /**
     * The slots whose names start with {@code prefix}, dropped once idle for {@code inactiveFor}.
     *
     * @param prefix      the start of our slots' names
     * @param inactiveFor how long a slot must have been idle before it is dropped
     * @return that cleanup
     */
    public static SlotCleanup of(String prefix, Duration inactiveFor) {
        return new SlotCleanup(prefix, inactiveFor);
    }

    /** {@return whether slots are cleaned up at all} */
    public boolean enabled() {
        return prefix != null;
    }

    @Override
    public String toString() {
        return enabled() ? "slot cleanup of " + prefix + "* idle for " + inactiveFor : "no slot cleanup";
    }
}
