package org.vaadin.addons.livesync.internal.watch;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Converts an id given as another Java type than the entity's (an {@code Integer} or a
 * {@code String} from a route parameter for a {@code Long} id, a {@code String} for a {@code UUID})
 * exactly, or refuses it with an {@link IllegalArgumentException} that says what was expected. A
 * conversion that could lose something (overflow, a fraction, text that is not in canonical form)
 * is refused rather than made: a wrong id must fail loudly, not match nothing. Stateless and
 * thread-safe.
 */
final class IdConversion {

    /** Whole numbers as text: an optional sign and decimal digits, nothing else. */
    private static final Pattern WHOLE = Pattern.compile("[+-]?\\d+");

    private IdConversion() {
    }

    /**
     * {@code id} as a value of {@code type}.
     *
     * @param entity the entity's simple name, for the message
     * @param type   the id's (boxed) Java type
     * @throws IllegalArgumentException if {@code id} is null or cannot be converted exactly
     */
    static Object convert(String entity, Class<?> type, Object id) {
        if (id != null && type.isInstance(id)) {
            return id;
        }
        String expected = entity + " ids are " + type.getSimpleName() + "; got ";
        if (id == null) {
            throw new IllegalArgumentException(expected + "null: pass the id of a row");
        }
        String got = expected + "the " + id.getClass().getSimpleName() + " "
                + (id instanceof String ? "\"" + id + "\"" : String.valueOf(id));
        if (isWholeNumberType(type)) {
            return toWholeNumber(type, wholeNumberOf(id, got), got);
        }
        if (type == BigDecimal.class && (id instanceof Number || id instanceof String)) {
            return decimalOf(id, got);
        }
        if (type == UUID.class && id instanceof String text) {
            return uuidOf(text, got);
        }
        throw new IllegalArgumentException(got + ", which cannot be converted without guessing: pass a "
                + type.getSimpleName());
    }

    private static boolean isWholeNumberType(Class<?> type) {
        return type == Long.class || type == Integer.class || type == Short.class || type == Byte.class
                || type == BigInteger.class;
    }

    /** The whole number {@code id} is exactly, refusing fractions, non-numbers and non-finite values. */
    private static BigInteger wholeNumberOf(Object id, String got) {
        if (id instanceof String text) {
            if (!WHOLE.matcher(text).matches()) {
                throw new IllegalArgumentException(got + ", which is not a whole number");
            }
            return new BigInteger(text);
        }
        if (id instanceof Long || id instanceof Integer || id instanceof Short || id instanceof Byte) {
            return BigInteger.valueOf(((Number) id).longValue());
        }
        if (id instanceof BigInteger big) {
            return big;
        }
        if (id instanceof Number number) {
            BigDecimal decimal = decimalOf(number, got);
            try {
                return decimal.toBigIntegerExact();
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException(got + ", which is not a whole number", e);
            }
        }
        throw new IllegalArgumentException(got + ", which is not a number");
    }

    private static Object toWholeNumber(Class<?> type, BigInteger value, String got) {
        try {
            if (type == Long.class) {
                return value.longValueExact();
            }
            if (type == Integer.class) {
                return value.intValueExact();
            }
            if (type == Short.class) {
                return value.shortValueExact();
            }
            if (type == Byte.class) {
                return value.byteValueExact();
            }
            return value;
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(got + ", which does not fit in a " + type.getSimpleName(), e);
        }
    }

    /** The decimal {@code id} is exactly (a double's exact binary value). */
    private static BigDecimal decimalOf(Object id, String got) {
        try {
            if (id instanceof BigDecimal decimal) {
                return decimal;
            }
            if (id instanceof Double || id instanceof Float) {
                double value = ((Number) id).doubleValue();
                if (!Double.isFinite(value)) {
                    throw new IllegalArgumentException(got + ", which is not a whole number");
                }
                return new BigDecimal(value);
            }
            if (id instanceof BigInteger big) {
                return new BigDecimal(big);
            }
            if (id instanceof Number number) {
                return new BigDecimal(number.toString());
            }
            return new BigDecimal((String) id);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(got + ", which is not a number", e);
        }
    }

    /** The UUID written as {@code text} in its canonical 8-4-4-4-12 hex form (either case). */
    private static UUID uuidOf(String text, String got) {
        try {
            UUID uuid = UUID.fromString(text);
            // fromString pads short groups ("1-1-1-1-1"): accept only what it gives back
            if (uuid.toString().equals(text.toLowerCase(Locale.ROOT))) {
                return uuid;
            }
        } catch (IllegalArgumentException e) {
            // refused below
        }
        throw new IllegalArgumentException(got + ", which is not a UUID (written like "
                + "123e4567-e89b-12d3-a456-426614174000)");
    }
}
