package org.vaadin.addons.livesync.internal.decode;

import java.io.Serial;
import java.io.Serializable;

import org.postgresql.replication.LogSequenceNumber;

/**
 * A position in PostgreSQL's write-ahead log, such as a transaction's commit LSN.
 * <p>
 * Immutable and thread-safe. Ordered as the server orders positions (unsigned 64-bit). The text
 * form is the server's own, {@code "16/B374D848"}.
 */
public final class Lsn implements Comparable<Lsn>, Serializable {

    @Serial
    private static final long serialVersionUID = 1L;

    /** The invalid position {@code 0/0}: "none yet". */
    public static final Lsn INVALID = new Lsn(0);

    private final long value;

    private Lsn(long value) {
        this.value = value;
    }

    /**
     * Returns the LSN with the given 64-bit value.
     *
     * @param value the 64-bit position
     * @return the LSN with the given 64-bit value
     */
    public static Lsn ofLong(long value) {
        return value == 0 ? INVALID : new Lsn(value);
    }

    /**
     * Parses the server's text form {@code "X/Y"} (two hexadecimal halves).
     *
     * @param text the text form, e.g. {@code "0/16B3748"}
     * @return the position
     * @throws IllegalArgumentException if {@code text} is not of that form
     */
    public static Lsn valueOf(String text) {
        int slash = text.indexOf('/');
        if (slash < 0 || !isHexHalf(text, 0, slash) || !isHexHalf(text, slash + 1, text.length())) {
            throw new IllegalArgumentException("Not an LSN (expected the form 16/B374D848): " + text);
        }
        long high = Long.parseLong(text, 0, slash, 16);
        long low = Long.parseLong(text, slash + 1, text.length(), 16);
        return ofLong(high << 32 | low);
    }

    /** One to eight hex digits, no sign: each half of the text form is 32 bits. */
    private static boolean isHexHalf(String text, int from, int to) {
        if (to - from < 1 || to - from > 8) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (Character.digit(text.charAt(i), 16) < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Converts pgjdbc's LSN.
     *
     * @param lsn pgjdbc's LSN
     * @return the same position
     */
    public static Lsn of(LogSequenceNumber lsn) {
        return ofLong(lsn.asLong());
    }

    /** {@return the 64-bit value} */
    public long asLong() {
        return value;
    }

    /** {@return this LSN as pgjdbc's type} */
    public LogSequenceNumber toPg() {
        return LogSequenceNumber.valueOf(value);
    }

    /** {@return whether this is a real position, not {@link #INVALID}} */
    public boolean isValid() {
        return value != 0;
    }

    /**
     * Whether this position comes after {@code other}.
     *
     * @param other the position to compare with
     * @return whether this position comes after {@code other}
     */
    public boolean isAfter(Lsn other) {
        return compareTo(other) > 0;
    }

    /**
     * The later of the two positions.
     *
     * @param a one position
     * @param b the other position
     * @return the later of the two positions
     */
    public static Lsn max(Lsn a, Lsn b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    @Override
    public int compareTo(Lsn other) {
        return Long.compareUnsigned(value, other.value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Lsn other && other.value == value;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(value);
    }

    @Override
    public String toString() {
        return Long.toHexString(value >>> 32).toUpperCase() + "/" + Long.toHexString(value & 0xFFFFFFFFL).toUpperCase();
    }
}
