package org.vaadin.addons.livesync.internal.decode;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One column's value as pgoutput sends it: SQL {@code NULL}, an unchanged TOASTed value whose
 * content the server did not send, the value's text form, or (binary mode only) its bytes.
 * <p>
 * An {@link #UNCHANGED} value is never null: it means "keep what you have", and consumers must not
 * blank the column. Immutable and thread-safe.
 */
public sealed interface Value extends Serializable {

    /** SQL {@code NULL}. */
    Value NULL = new Null();

    /** An unchanged TOASTed value: the server did not send it because the update left it untouched. */
    Value UNCHANGED = new Unchanged();

    /**
     * Creates a text value.
     *
     * @param text the value's text form
     * @return the value
     */
    static Value text(String text) {
        return new Text(text);
    }

    /** SQL {@code NULL}. */
    record Null() implements Value {
        @Override
        public String toString() {
            return "NULL";
        }
    }

    /** An unchanged TOASTed value (pgoutput's {@code 'u'}). */
    record Unchanged() implements Value {
        @Override
        public String toString() {
            return "UNCHANGED-TOAST";
        }
    }

    /**
     * A value in PostgreSQL's text output form.
     *
     * @param text the value's text form
     */
    record Text(String text) implements Value {
        @Override
        public String toString() {
            return text;
        }
    }

    /**
     * A value in binary form (only when binary transfer is requested).
     *
     * @param bytes the value's binary form
     */
    record Binary(byte[] bytes) implements Value {
        /** Equal when the bytes are (records compare arrays by identity otherwise). */
        @Override
        public boolean equals(Object o) {
            return o instanceof Binary other && Arrays.equals(other.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return "<" + bytes.length + " bytes>";
        }
    }
}
