package io.vigil.lib.clickhouse;

import java.math.BigInteger;
import java.util.List;

/**
 * One row of a SELECT's answer, read by column name: what {@link ClickHouseQueries#select} hands each mapper.
 * Numbers convert between widths (an exact conversion, or an exception); strings and arrays are returned as stored.
 */
public interface ClickHouseRow {

    /** The raw value: String, Long (Int*, UInt8-32, Date, DateTime), BigInteger (UInt64), Double, List or null. */
    Object get(String column);

    default String getString(String column) {
        Object v = get(column);
        return v == null ? null : v.toString();
    }

    default long getLong(String column) {
        Object v = get(column);
        return v instanceof BigInteger b ? b.longValueExact() : ((Number) v).longValue();
    }

    default int getInteger(String column) {
        return Math.toIntExact(getLong(column));
    }

    default double getDouble(String column) {
        return ((Number) get(column)).doubleValue();
    }

    default BigInteger getBigInteger(String column) {
        Object v = get(column);
        return v instanceof BigInteger b ? b : BigInteger.valueOf(((Number) v).longValue());
    }

    default String[] getStringArray(String column) {
        return ((List<?>) get(column)).stream().map(o -> o == null ? null : o.toString()).toArray(String[]::new);
    }
}
