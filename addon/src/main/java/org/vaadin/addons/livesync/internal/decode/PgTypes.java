package org.vaadin.addons.livesync.internal.decode;

import static java.time.temporal.ChronoField.DAY_OF_MONTH;
import static java.time.temporal.ChronoField.ERA;
import static java.time.temporal.ChronoField.HOUR_OF_DAY;
import static java.time.temporal.ChronoField.MINUTE_OF_HOUR;
import static java.time.temporal.ChronoField.MONTH_OF_YEAR;
import static java.time.temporal.ChronoField.NANO_OF_SECOND;
import static java.time.temporal.ChronoField.SECOND_OF_MINUTE;
import static java.time.temporal.ChronoField.YEAR_OF_ERA;

import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.chrono.IsoChronology;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.format.SignStyle;
import java.time.temporal.TemporalAccessor;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * Conversions of PostgreSQL values from their text output form (as pgoutput sends them in text
 * mode, with the server's default {@code DateStyle} ISO and {@code bytea_output}) to Java types.
 * <p>
 * Date/time texts are read as PostgreSQL prints them: {@code 2026-11-21},
 * {@code 2026-11-21 10:15:30.123456}, {@code 2026-11-21 10:15:30+05:30} (offsets may also be
 * {@code +00} or carry seconds), years beyond 9999 and a trailing {@code BC}. The special values
 * {@code infinity} and {@code -infinity} have no {@code java.time} form and are rejected.
 * <p>
 * Stateless and thread-safe.
 */
final class PgTypes {

    private static final DateTimeFormatter TIME = new DateTimeFormatterBuilder()
            .appendValue(HOUR_OF_DAY, 2).appendLiteral(':')
            .appendValue(MINUTE_OF_HOUR, 2).appendLiteral(':')
            .appendValue(SECOND_OF_MINUTE, 2)
            .optionalStart().appendFraction(NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .optionalStart().appendOffset("+HH:mm:ss", "Z").optionalEnd()
            .toFormatter(Locale.ROOT)
            .withResolverStyle(ResolverStyle.STRICT);

    private static final DateTimeFormatter DATE_TIME = new DateTimeFormatterBuilder()
            .appendValue(YEAR_OF_ERA, 4, 9, SignStyle.NOT_NEGATIVE).appendLiteral('-')
            .appendValue(MONTH_OF_YEAR, 2).appendLiteral('-')
            .appendValue(DAY_OF_MONTH, 2)
            .optionalStart().appendLiteral(' ').append(TIME).optionalEnd()
            .optionalStart().appendLiteral(' ').appendText(ERA, Map.of(0L, "BC", 1L, "AD")).optionalEnd()
            .parseDefaulting(ERA, 1)
            .toFormatter(Locale.ROOT)
            .withChronology(IsoChronology.INSTANCE)
            .withResolverStyle(ResolverStyle.STRICT);

    /** Target type → conversion of the text; enums are handled apart. Keys are boxed types. */
    private static final Map<Class<?>, Function<String, Object>> CONVERTERS = Map.ofEntries(
            Map.entry(String.class, text -> text),
            Map.entry(Long.class, Long::valueOf),
            Map.entry(Integer.class, Integer::valueOf),
            Map.entry(Short.class, Short::valueOf),
            Map.entry(Boolean.class, PgTypes::parseBoolean),
            Map.entry(Double.class, Double::valueOf),
            Map.entry(Float.class, Float::valueOf),
            Map.entry(BigDecimal.class, BigDecimal::new),
            Map.entry(BigInteger.class, PgTypes::parseBigInteger),
            Map.entry(UUID.class, UUID::fromString),
            Map.entry(LocalDate.class, text -> LocalDate.from(DATE_TIME.parse(text))),
            Map.entry(LocalDateTime.class, text -> LocalDateTime.from(DATE_TIME.parse(text))),
            Map.entry(OffsetDateTime.class, text -> OffsetDateTime.from(DATE_TIME.parse(text))),
            Map.entry(Instant.class, text -> OffsetDateTime.from(DATE_TIME.parse(text)).toInstant()),
            Map.entry(LocalTime.class, text -> LocalTime.from(TIME.parse(text))),
            Map.entry(OffsetTime.class, text -> OffsetTime.from(TIME.parse(text))),
            Map.entry(byte[].class, PgTypes::parseBytea));

    private PgTypes() {
    }

    /**
     * Converts a value's text form to {@code type}: {@code String}, {@code Long}, {@code Integer},
     * {@code Short}, {@code Boolean}, {@code Double}, {@code Float} (or their primitive classes),
     * {@code BigDecimal}, {@code BigInteger}, {@code UUID}, {@code LocalDate},
     * {@code LocalDateTime}, {@code OffsetDateTime}, {@code Instant}, {@code LocalTime},
     * {@code OffsetTime}, {@code byte[]} (bytea, hex or escape format), any enum (by constant
     * name, then by its upper-case form) and {@code Object} (as {@link #typed}).
     * <p>
     * {@code LocalDateTime} and {@code LocalDate} of a {@code timestamptz} text keep the wall time
     * at the offset the server printed; {@code Instant} and {@code OffsetDateTime} need an offset
     * in the text, which a {@code timestamp} (without time zone) does not have.
     *
     * @throws IllegalArgumentException naming the column, its type and {@code type} when the text
     *                                  does not convert or the type is not supported
     */
    static <T> T convert(String text, Column column, Class<T> type) {
        Class<?> target = boxed(type);
        if (target == Object.class) {
            return cast(typed(text, column));
        }
        Function<String, Object> converter = CONVERTERS.get(target);
        if (converter == null && !target.isEnum()) {
            throw failure(column, type, "unsupported target type", null);
        }
        if (isInfinity(text) && isTemporal(target)) {
            throw failure(column, type, "'" + text + "' has no " + type.getSimpleName() + " form", null);
        }
        try {
            return cast(converter != null ? converter.apply(text) : parseEnum(text, target));
        } catch (RuntimeException e) {
            throw failure(column, type, e.getMessage(), e);
        }
    }

    /**
     * Converts a value's text form to the Java type that fits the column's type: {@code int2} and
     * {@code int4} → {@code Integer}, {@code int8} → {@code Long}, {@code bool} → {@code Boolean},
     * {@code numeric} → {@code BigDecimal}, {@code float4} → {@code Float}, {@code float8} →
     * {@code Double}, {@code uuid} → {@code UUID}, {@code date} → {@code LocalDate},
     * {@code timestamp} → {@code LocalDateTime}, {@code timestamptz} → {@code OffsetDateTime},
     * {@code time} → {@code LocalTime}, {@code bytea} → {@code byte[]}. Every other type (text,
     * json, arrays, ranges, enums, custom types...) stays the text, and so do the values that
     * the Java type cannot hold (numeric {@code NaN}, {@code infinity} dates and timestamps).
     * Never throws.
     */
    static Object typed(String text, Column column) {
        Class<?> target = switch (column.typeOid()) {
            case BuiltinTypes.INT2, BuiltinTypes.INT4 -> Integer.class;
            case BuiltinTypes.INT8 -> Long.class;
            case BuiltinTypes.BOOL -> Boolean.class;
            case BuiltinTypes.NUMERIC -> BigDecimal.class;
            case BuiltinTypes.FLOAT4 -> Float.class;
            case BuiltinTypes.FLOAT8 -> Double.class;
            case BuiltinTypes.UUID -> UUID.class;
            case BuiltinTypes.DATE -> LocalDate.class;
            case BuiltinTypes.TIMESTAMP -> LocalDateTime.class;
            case BuiltinTypes.TIMESTAMPTZ -> OffsetDateTime.class;
            case BuiltinTypes.TIME -> LocalTime.class;
            case BuiltinTypes.BYTEA -> byte[].class;
            default -> String.class;
        };
        if (target == String.class) {
            return text;
        }
        try {
            return convert(text, column, target);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    private static Boolean parseBoolean(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "t", "true", "y", "yes", "on", "1" -> Boolean.TRUE;
            case "f", "false", "n", "no", "off", "0" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("not a boolean: " + text);
        };
    }

    /** Integers, and numerics whose fraction is zero ({@code 12.00}). */
    private static BigInteger parseBigInteger(String text) {
        try {
            return new BigInteger(text);
        } catch (NumberFormatException e) {
            return new BigDecimal(text).toBigIntegerExact();
        }
    }

    /** bytea in hex ({@code \x0a0b}) or escape ({@code ab\001\\}) output format. */
    private static byte[] parseBytea(String text) {
        if (text.startsWith("\\x")) {
            return HexFormat.of().parseHex(text, 2, text.length());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        int i = 0;
        while (i < text.length()) {
            char c = text.charAt(i);
            if (c != '\\') {
                if (c > 0xFF) {
                    throw new IllegalArgumentException("not a bytea in escape format: character " + c);
                }
                out.write(c);
                i++;
            } else if (i + 1 < text.length() && text.charAt(i + 1) == '\\') {
                out.write('\\');
                i += 2;
            } else if (isOctal(text, i + 1, 3)) {
                out.write(Integer.parseInt(text, i + 1, i + 4, 8));
                i += 4;
            } else {
                throw new IllegalArgumentException("not a bytea in escape format: bad escape at " + i);
            }
        }
        return out.toByteArray();
    }

    private static boolean isOctal(String text, int from, int count) {
        if (from + count > text.length()) {
            return false;
        }
        for (int i = from; i < from + count; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '7') {
                return false;
            }
        }
        return text.charAt(from) <= '3';
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Object parseEnum(String text, Class<?> type) {
        Class<? extends Enum> enumType = (Class<? extends Enum>) type;
        try {
            return Enum.valueOf(enumType, text);
        } catch (IllegalArgumentException e) {
            return Enum.valueOf(enumType, text.toUpperCase(Locale.ROOT));
        }
    }

    private static boolean isInfinity(String text) {
        return text.equals("infinity") || text.equals("-infinity");
    }

    private static boolean isTemporal(Class<?> type) {
        return type == LocalDate.class || type == LocalDateTime.class || type == OffsetDateTime.class
                || type == Instant.class;
    }

    private static Class<?> boxed(Class<?> type) {
        if (!type.isPrimitive()) {
            return type;
        }
        if (type == long.class) {
            return Long.class;
        } else if (type == int.class) {
            return Integer.class;
        } else if (type == short.class) {
            return Short.class;
        } else if (type == boolean.class) {
            return Boolean.class;
        } else if (type == double.class) {
            return Double.class;
        } else if (type == float.class) {
            return Float.class;
        }
        return type; // byte, char, void: not supported, reported by convert
    }

    @SuppressWarnings("unchecked")
    private static <T> T cast(Object value) {
        return (T) value;
    }

    private static IllegalArgumentException failure(Column column, Class<?> type, String reason, Throwable cause) {
        return new IllegalArgumentException("Cannot convert column " + column.name() + " (" + column.typeName()
                + ") to " + type.getTypeName() + ": " + reason, cause);
    }
}
