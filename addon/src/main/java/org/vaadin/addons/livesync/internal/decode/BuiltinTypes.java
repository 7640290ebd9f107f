package org.vaadin.addons.livesync.internal.decode;

import java.util.Map;

/**
 * Names and OIDs of PostgreSQL's built-in data types: the OIDs are fixed in the server's catalog
 * ({@code pg_type.dat}) and the same on every server, so pgoutput never sends Type messages for
 * them. Stateless and thread-safe.
 */
final class BuiltinTypes {

    static final int BOOL = 16;
    static final int BYTEA = 17;
    static final int CHAR = 18;
    static final int NAME = 19;
    static final int INT8 = 20;
    static final int INT2 = 21;
    static final int INT4 = 23;
    static final int TEXT = 25;
    static final int OID = 26;
    static final int JSON = 114;
    static final int XML = 142;
    static final int FLOAT4 = 700;
    static final int FLOAT8 = 701;
    static final int MONEY = 790;
    static final int BPCHAR = 1042;
    static final int VARCHAR = 1043;
    static final int DATE = 1082;
    static final int TIME = 1083;
    static final int TIMESTAMP = 1114;
    static final int TIMESTAMPTZ = 1184;
    static final int INTERVAL = 1186;
    static final int TIMETZ = 1266;
    static final int BIT = 1560;
    static final int VARBIT = 1562;
    static final int NUMERIC = 1700;
    static final int UUID = 2950;
    static final int JSONB = 3802;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(BOOL, "bool"),
            Map.entry(BYTEA, "bytea"),
            Map.entry(CHAR, "char"),
            Map.entry(NAME, "name"),
            Map.entry(INT8, "int8"),
            Map.entry(INT2, "int2"),
            Map.entry(INT4, "int4"),
            Map.entry(TEXT, "text"),
            Map.entry(OID, "oid"),
            Map.entry(JSON, "json"),
            Map.entry(XML, "xml"),
            Map.entry(FLOAT4, "float4"),
            Map.entry(FLOAT8, "float8"),
            Map.entry(MONEY, "money"),
            Map.entry(BPCHAR, "bpchar"),
            Map.entry(VARCHAR, "varchar"),
            Map.entry(DATE, "date"),
            Map.entry(TIME, "time"),
            Map.entry(TIMESTAMP, "timestamp"),
            Map.entry(TIMESTAMPTZ, "timestamptz"),
            Map.entry(INTERVAL, "interval"),
            Map.entry(TIMETZ, "timetz"),
            Map.entry(BIT, "bit"),
            Map.entry(VARBIT, "varbit"),
            Map.entry(NUMERIC, "numeric"),
            Map.entry(UUID, "uuid"),
            Map.entry(JSONB, "jsonb"),
            // arrays
            Map.entry(1000, "_bool"),
            Map.entry(1007, "_int4"),
            Map.entry(1009, "_text"),
            Map.entry(1015, "_varchar"),
            Map.entry(1016, "_int8"),
            Map.entry(1022, "_float8"),
            Map.entry(1231, "_numeric"),
            Map.entry(2951, "_uuid"),
            Map.entry(3807, "_jsonb"),
            // ranges
            Map.entry(3904, "int4range"),
            Map.entry(3906, "numrange"),
            Map.entry(3908, "tsrange"),
            Map.entry(3910, "tstzrange"),
            Map.entry(3912, "daterange"),
            Map.entry(3926, "int8range"));

    private BuiltinTypes() {
    }

    /** The built-in type's name, or {@code null} when the OID is not in the table. */
    static String name(int oid) {
        return NAMES.get(oid);
    }
}
