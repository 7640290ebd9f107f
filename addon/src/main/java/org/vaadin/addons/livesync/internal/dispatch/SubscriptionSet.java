package org.vaadin.addons.livesync.internal.dispatch;

import java.util.AbstractCollection;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The subscriptions under one key of a dispatcher index (a subscription value, a held row, a UI),
 * cheap while few: up to {@value #SMALL} members an array replaced on every change (4 bytes a member),
 * above that a concurrent set changed in place (a node of about 40 bytes a member). An index
 * entry is shared by the views of one tenant, so most entries are small.
 * <p>
 * Thread-safety: changed only through {@link #with} and {@link #without} inside a
 * {@code ConcurrentHashMap.compute} of the entry that holds it, which serializes the changes of one
 * entry; read from any thread without locking — a small set is an immutable snapshot, a large one
 * iterates weakly consistently, as {@code ConcurrentHashMap}'s sets do.
 */
final class SubscriptionSet extends AbstractCollection<Subscription<?>> {

    /** Members kept in an array at most: a change copies at most this many references. */
    static final int SMALL = 64;

    private final Subscription<?>[] small;
    private final Set<Subscription<?>> large;

    private SubscriptionSet(Subscription<?>[] small, Set<Subscription<?>> large) {
        this.small = small;
        this.large = large;
    }

    /** {@return a set of one} */
    static SubscriptionSet of(Subscription<?> subscription) {
        return new SubscriptionSet(new Subscription<?>[] {subscription}, null);
    }

    /** {@code set} with {@code subscription}: {@link #of} for a null set. Inside the entry's compute. */
    static SubscriptionSet with(SubscriptionSet set, Subscription<?> subscription) {
        return set == null ? of(subscription) : set.with(subscription);
    }

    /** {@return this set with {@code subscription}: this one when large or already a member} */
    SubscriptionSet with(Subscription<?> subscription) {
        if (large != null) {
            large.add(subscription);
            return this;
        }
        if (indexOf(subscription) >= 0) {
            return this;
        }
        if (small.length == SMALL) {
            Set<Subscription<?>> grown = ConcurrentHashMap.newKeySet(SMALL * 2);
            grown.addAll(Arrays.asList(small));
            grown.add(subscription);
            return new SubscriptionSet(null, grown);
        }
        Subscription<?>[] more = Arrays.copyOf(small, small.length + 1);
        more[small.length] = subscription;
        return new SubscriptionSet(more, null);
    }

    /** {@return this set without {@code subscription}, or null when that leaves it empty} */
    SubscriptionSet without(Subscription<?> subscription) {
        if (large != null) {
            large.remove(subscription);
            return large.isEmpty() ? null : this;
        }
        int at = indexOf(subscription);
        if (at < 0) {
            return this;
        }
        if (small.length == 1) {
            return null;
        }
        Subscription<?>[] fewer = new Subscription<?>[small.length - 1];
        System.arraycopy(small, 0, fewer, 0, at);
        System.arraycopy(small, at + 1, fewer, at, fewer.length - at);
        return new SubscriptionSet(fewer, null);
    }

    @Override
    public Iterator<Subscription<?>> iterator() {
        return large != null ? large.iterator() : Arrays.<Subscription<?>>asList(small).iterator();
    }

    @Override
    public int size() {
        return large != null ? large.size() : small.length;
    }

    @Override
    public boolean contains(Object o) {
        return large != null ? large.contains(o) : indexOf(o) >= 0;
    }

    private int indexOf(Object subscription) {
        for (int i = 0; i < small.length; i++) {
            if (small[i] == subscription) {
                return i;
            }
        }
        return -1;
    }
}
