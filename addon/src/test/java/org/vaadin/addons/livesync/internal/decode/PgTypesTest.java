package org.vaadin.addons.livesync.internal.decode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class PgTypesTest {

    private static final Column INT2 = column("small", 21, "int2");
    private static final Column INT4 = column("count", 23, "int4");
    private static final Column INT8 = column("id", 20, "int8");
    private static final Column TEXT = column("note", 25, "text");
    private static final Column BOOL = column("active", 16, "bool");
    private static final Column NUMERIC = column("total", 1700, "numeric");
    private static final Column FLOAT4 = column("ratio", 700, "float4");
    private static final Column FLOAT8 = column("score", 701, "float8");
    private static final Column UUID_COLUMN = column("ref", 2950, "uuid");
    private static final Column DATE = column("day", 1082, "date");
    private static final Column TIME = column("at", 1083, "time");
    private static final Column TIMETZ = column("attz", 1266, "timetz");
    private static final Column TIMESTAMP = column("created", 1114, "timestamp");
    private static final Column TIMESTAMPTZ = column("updated", 1184, "timestamptz");
    private static final Column BYTEA = column("data", 17, "bytea");
    private static final Column JSONB = column("doc", 3802, "jsonb");
    private static final Column MOOD = column("mood", 24601, "mood");

    enum Mood { HAPPY, sad }

    private static Column column(String name, int oid, String typeName) {
        return new Column(name, oid, typeName, -1, false);
    }

    @Test
    void convertsToStringAndNumbers() {
        assertThat(PgTypes.convert("hello", TEXT, String.class)).isEqualTo("hello");
        assertThat(PgTypes.convert("9223372036854775807", INT8, Long.class)).isEqualTo(Long.MAX_VALUE);
        assertThat(PgTypes.convert("-42", INT4, Integer.class)).isEqualTo(-42);
        assertThat(PgTypes.convert("-32768", INT2, Short.class)).isEqualTo((short) -32768);
        assertThat(PgTypes.convert("1.5", FLOAT8, Double.class)).isEqualTo(1.5);
        assertThat(PgTypes.convert("0.25", FLOAT4, Float.class)).isEqualTo(0.25f);
        assertThat(PgTypes.convert("NaN", FLOAT8, Double.class)).isNaN();
        assertThat(PgTypes.convert("-Infinity", FLOAT8, Double.class)).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(PgTypes.convert("12345678901234567890.000000001", NUMERIC, BigDecimal.class))
                .isEqualTo(new BigDecimal("12345678901234567890.000000001"));
        assertThat(PgTypes.convert("123456789012345678901234567890", NUMERIC, BigInteger.class))
                .isEqualTo(new BigInteger("123456789012345678901234567890"));
        assertThat(PgTypes.convert("12.00", NUMERIC, BigInteger.class)).isEqualTo(BigInteger.valueOf(12));
    }

    @Test
    void convertsToPrimitiveClasses() {
        long id = PgTypes.convert("7", INT8, long.class);
        int count = PgTypes.convert("8", INT4, int.class);
        boolean active = PgTypes.convert("t", BOOL, boolean.class);
        double score = PgTypes.convert("2.5", FLOAT8, double.class);

        assertThat(id).isEqualTo(7L);
        assertThat(count).isEqualTo(8);
        assertThat(active).isTrue();
        assertThat(score).isEqualTo(2.5);
        assertThat(PgTypes.convert("3", INT2, short.class)).isEqualTo((short) 3);
        assertThat(PgTypes.convert("3.5", FLOAT4, float.class)).isEqualTo(3.5f);
    }

    @Test
    void convertsBooleansInShortAndLongForm() {
        assertThat(PgTypes.convert("t", BOOL, Boolean.class)).isTrue();
        assertThat(PgTypes.convert("f", BOOL, Boolean.class)).isFalse();
        assertThat(PgTypes.convert("true", BOOL, Boolean.class)).isTrue();
        assertThat(PgTypes.convert("false", BOOL, Boolean.class)).isFalse();
        assertThatThrownBy(() -> PgTypes.convert("maybe", BOOL, Boolean.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Cannot convert column active (bool) to java.lang.Boolean");
    }

    @Test
    void convertsUuid() {
        UUID uuid = UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11");

        assertThat(PgTypes.convert("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", UUID_COLUMN, UUID.class)).isEqualTo(uuid);
    }

    @Test
    void convertsDatesAndTimes() {
        assertThat(PgTypes.convert("2026-11-21", DATE, LocalDate.class)).isEqualTo(LocalDate.of(2026, 11, 21));
        assertThat(PgTypes.convert("10:15:30", TIME, LocalTime.class)).isEqualTo(LocalTime.of(10, 15, 30));
        assertThat(PgTypes.convert("10:15:30.5", TIME, LocalTime.class))
                .isEqualTo(LocalTime.of(10, 15, 30, 500_000_000));
        assertThat(PgTypes.convert("10:15:30+02", TIMETZ, OffsetTime.class))
                .isEqualTo(OffsetTime.of(10, 15, 30, 0, ZoneOffset.ofHours(2)));
        assertThat(PgTypes.convert("2026-11-21 10:15:30", TIMESTAMP, LocalDateTime.class))
                .isEqualTo(LocalDateTime.of(2026, 11, 21, 10, 15, 30));
        assertThat(PgTypes.convert("2026-11-21 10:15:30.123456", TIMESTAMP, LocalDateTime.class))
                .isEqualTo(LocalDateTime.of(2026, 11, 21, 10, 15, 30, 123_456_000));
    }

    @Test
    void convertsTimestampsWithTheOffsetFormsThePostgresPrints() {
        assertThat(PgTypes.convert("2026-11-21 10:15:30.123456+00", TIMESTAMPTZ, OffsetDateTime.class))
                .isEqualTo(OffsetDateTime.of(2026, 11, 21, 10, 15, 30, 123_456_000, ZoneOffset.UTC));
        assertThat(PgTypes.convert("2026-11-21 10:15:30+05:30", TIMESTAMPTZ, OffsetDateTime.class))
                .isEqualTo(OffsetDateTime.of(2026, 11, 21, 10, 15, 30, 0, ZoneOffset.ofHoursMinutes(5, 30)));
        assertThat(PgTypes.convert("1890-01-01 00:00:00+00:53:28", TIMESTAMPTZ, OffsetDateTime.class))
                .isEqualTo(OffsetDateTime.of(1890, 1, 1, 0, 0, 0, 0, ZoneOffset.ofHoursMinutesSeconds(0, 53, 28)));
        assertThat(PgTypes.convert("2026-11-21 10:15:30-03", TIMESTAMPTZ, Instant.class))
                .isEqualTo(Instant.parse("2026-11-21T13:15:30Z"));
        assertThat(PgTypes.convert("2026-11-21 10:15:30.123456+00", TIMESTAMPTZ, Instant.class))
                .isEqualTo(Instant.parse("2026-11-21T10:15:30.123456Z"));
    }

    @Test
    void localDateTimeOfATimestamptzKeepsTheWallTimeThatWasPrinted() {
        assertThat(PgTypes.convert("2026-11-21 10:15:30+05:30", TIMESTAMPTZ, LocalDateTime.class))
                .isEqualTo(LocalDateTime.of(2026, 11, 21, 10, 15, 30));
    }

    @Test
    void convertsYearsBeyond9999AndBeforeChrist() {
        assertThat(PgTypes.convert("12026-01-02", DATE, LocalDate.class)).isEqualTo(LocalDate.of(12026, 1, 2));
        assertThat(PgTypes.convert("0044-03-15 BC", DATE, LocalDate.class)).isEqualTo(LocalDate.of(-43, 3, 15));
        assertThat(PgTypes.convert("0001-01-01 00:00:00+00 BC", TIMESTAMPTZ, OffsetDateTime.class))
                .isEqualTo(OffsetDateTime.of(0, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC));
    }

    @Test
    void infinityIsRejectedClearly() {
        assertThatThrownBy(() -> PgTypes.convert("infinity", TIMESTAMPTZ, Instant.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Cannot convert column updated (timestamptz) to java.time.Instant:"
                        + " 'infinity' has no Instant form");
        assertThatThrownBy(() -> PgTypes.convert("-infinity", DATE, LocalDate.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'-infinity' has no LocalDate form");
    }

    @Test
    void timestampWithoutOffsetIsNotAnInstant() {
        assertThatThrownBy(() -> PgTypes.convert("2026-11-21 10:15:30", TIMESTAMP, Instant.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Cannot convert column created (timestamp) to java.time.Instant");
    }

    @Test
    void invalidDatesAndTimesAreRejected() {
        assertThatThrownBy(() -> PgTypes.convert("2026-02-30", DATE, LocalDate.class))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PgTypes.convert("24:00:00", TIME, LocalTime.class))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> PgTypes.convert("2026-11-21T10:15:30", TIMESTAMP, LocalDateTime.class))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void convertsByteaInHexAndEscapeFormat() {
        assertThat(PgTypes.convert("\\x0a0b", BYTEA, byte[].class)).containsExactly(0x0a, 0x0b);
        assertThat(PgTypes.convert("\\x", BYTEA, byte[].class)).isEmpty();
        assertThat(PgTypes.convert("\\xDEADbeef", BYTEA, byte[].class))
                .containsExactly(0xDE, 0xAD, 0xBE, 0xEF);
        assertThat(PgTypes.convert("ab\\000\\\\\\377", BYTEA, byte[].class))
                .containsExactly('a', 'b', 0, '\\', 0xFF);
        assertThatThrownBy(() -> PgTypes.convert("\\x0g", BYTEA, byte[].class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Cannot convert column data (bytea) to byte[]");
    }

    @Test
    void convertsEnumsByNameThenByUpperCaseName() {
        assertThat(PgTypes.convert("HAPPY", MOOD, Mood.class)).isEqualTo(Mood.HAPPY);
        assertThat(PgTypes.convert("happy", MOOD, Mood.class)).isEqualTo(Mood.HAPPY);
        assertThat(PgTypes.convert("sad", MOOD, Mood.class)).isEqualTo(Mood.sad);
        assertThatThrownBy(() -> PgTypes.convert("angry", MOOD, Mood.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Cannot convert column mood (mood) to " + Mood.class.getTypeName());
    }

    @Test
    void failedConversionNamesTheColumnItsTypeAndTheTargetType() {
        assertThatThrownBy(() -> PgTypes.convert("abc", INT8, Long.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Cannot convert column id (int8) to java.lang.Long:")
                .hasCauseInstanceOf(NumberFormatException.class);
        assertThatThrownBy(() -> PgTypes.convert("3000000000", INT8, Integer.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Cannot convert column id (int8) to java.lang.Integer:");
        assertThatThrownBy(() -> PgTypes.convert("NaN", NUMERIC, BigDecimal.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("Cannot convert column total (numeric) to java.math.BigDecimal:");
    }

    @Test
    void unsupportedTargetTypeIsRejected() {
        assertThatThrownBy(() -> PgTypes.convert("x", TEXT, List.class))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Cannot convert column note (text) to java.util.List: unsupported target type");
    }

    @Test
    void objectTargetGivesTheTypedValue() {
        assertThat(PgTypes.convert("5", INT8, Object.class)).isEqualTo(5L);
    }

    @Test
    void typedPicksTheNaturalJavaType() {
        assertThat(PgTypes.typed("1", INT2)).isEqualTo(1);
        assertThat(PgTypes.typed("2", INT4)).isEqualTo(2);
        assertThat(PgTypes.typed("3", INT8)).isEqualTo(3L);
        assertThat(PgTypes.typed("t", BOOL)).isEqualTo(Boolean.TRUE);
        assertThat(PgTypes.typed("1.10", NUMERIC)).isEqualTo(new BigDecimal("1.10"));
        assertThat(PgTypes.typed("0.5", FLOAT4)).isEqualTo(0.5f);
        assertThat(PgTypes.typed("0.5", FLOAT8)).isEqualTo(0.5d);
        assertThat(PgTypes.typed("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", UUID_COLUMN))
                .isEqualTo(UUID.fromString("a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"));
        assertThat(PgTypes.typed("2026-11-21", DATE)).isEqualTo(LocalDate.of(2026, 11, 21));
        assertThat(PgTypes.typed("2026-11-21 10:15:30", TIMESTAMP))
                .isEqualTo(LocalDateTime.of(2026, 11, 21, 10, 15, 30));
        assertThat(PgTypes.typed("2026-11-21 10:15:30+00", TIMESTAMPTZ))
                .isEqualTo(OffsetDateTime.of(2026, 11, 21, 10, 15, 30, 0, ZoneOffset.UTC));
        assertThat(PgTypes.typed("10:15:30", TIME)).isEqualTo(LocalTime.of(10, 15, 30));
        assertThat(PgTypes.typed("\\x01ff", BYTEA)).isEqualTo(new byte[] {1, (byte) 0xFF});
    }

    @Test
    void typedKeepsTextForTypesWithoutANaturalJavaType() {
        assertThat(PgTypes.typed("{\"a\": 1}", JSONB)).isEqualTo("{\"a\": 1}");
        assertThat(PgTypes.typed("happy", MOOD)).isEqualTo("happy");
        assertThat(PgTypes.typed("{1,2,3}", column("ids", 1007, "_int4"))).isEqualTo("{1,2,3}");
        assertThat(PgTypes.typed("[1,10)", column("span", 3904, "int4range"))).isEqualTo("[1,10)");
        assertThat(PgTypes.typed("10:15:30+02", TIMETZ)).isEqualTo("10:15:30+02");
        assertThat(PgTypes.typed("x", column("odd", 987654, "oid:987654"))).isEqualTo("x");
    }

    @Test
    void typedKeepsTextForValuesTheJavaTypeCannotHold() {
        assertThat(PgTypes.typed("NaN", NUMERIC)).isEqualTo("NaN");
        assertThat(PgTypes.typed("infinity", TIMESTAMPTZ)).isEqualTo("infinity");
        assertThat(PgTypes.typed("-infinity", DATE)).isEqualTo("-infinity");
    }

    @Test
    void rowGetAndTypedUseTheConversions() {
        Relation relation = new Relation(1, "public", "t", ReplicaIdentity.DEFAULT, List.of(
                new Column("id", 20, "int8", -1, true), new Column("updated", 1184, "timestamptz", -1, false)));
        Row row = new Row(relation, List.of(Value.text("7"), Value.text("2026-11-21 10:15:30+00")));

        assertThat(row.get("id", Long.class)).isEqualTo(7L);
        assertThat(row.get("updated", Instant.class)).isEqualTo(Instant.parse("2026-11-21T10:15:30Z"));
        assertThat(row.typed("id")).isEqualTo(7L);
        assertThat(row.typed("updated")).isInstanceOf(OffsetDateTime.class);
    }
}
