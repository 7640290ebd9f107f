package org.vaadin.addons.livesync.internal.dispatch;

import java.util.ArrayList;
import java.util.List;

/**
 * A set of row ids in one array (open addressing, linear probing): 4 to 8 bytes a member where a
 * {@code HashSet} spends about 40, for the rows each view holds. No table until the first member;
 * the table doubles at three quarters full and is dropped when the set becomes empty. Ids are
 * non-null and compared with {@code equals}, like a {@code HashSet}'s.
 * <p>
 * Not thread-safe: its owner ({@link Subscription}) guards it.
 */
final class IdSet {

    private static final int FIRST_CAPACITY = 4;
    private Object[] table;
    private int size;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    boolean contains(Object id) {
        return table != null && table[slot(table, id)] != null;
    }

    /** {@return whether it was added (false if already there)} */
    boolean add(Object id) {
        if (table == null) {
            table = new Object[FIRST_CAPACITY];
        }
        int at = slot(table, id);
        if (table[at] != null) {
            return false;
        }
        table[at] = id;
        if (++size * 4 > table.length * 3) {
            grow();
        }
        return true;
    }

    /** {@return whether it was there} */
    boolean remove(Object id) {
        if (table == null) {
            return false;
        }
        int mask = table.length - 1;
        int at = slot(table, id);
        if (table[at] == null) {
            return false;
        }
        table[at] = null;
        // shift back the members that probed past the freed slot, so that every probe still finds them
        for (int next = (at + 1) & mask; table[next] != null; next = (next + 1) & mask) {
            int home = home(table[next], mask);
            if (((next - home) & mask) >= ((next - at) & mask)) {
                table[at] = table[next];
                table[next] = null;
                at = next;
            }
        }
        if (--size == 0) {
            table = null;
        }
        return true;
    }

    /** {@return the members, in no particular order} */
    List<Object> toList() {
        List<Object> members = new ArrayList<>(size);
        if (table != null) {
            for (Object id : table) {
                if (id != null) {
                    members.add(id);
                }
            }
        }
        return members;
    }

    void clear() {
        table = null;
        size = 0;
    }

    private void grow() {
        Object[] old = table;
        table = new Object[old.length * 2];
        for (Object id : old) {
            if (id != null) {
                table[slot(table, id)] = id;
            }
        }
    }

    /** The slot holding {@code id}, or the free slot where it would go. */
    private static int slot(Object[] table, Object id) {
        int mask = table.length - 1;
        int at = home(id, mask);
        while (table[at] != null && !table[at].equals(id)) {
            at = (at + 1) & mask;
        }
        return at;
    }

    private static int home(Object id, int mask) {
        int h = id.hashCode();
        return (h ^ (h >>> 16)) * 0x9E3779B9 >>> 7 & mask;
    }
}
