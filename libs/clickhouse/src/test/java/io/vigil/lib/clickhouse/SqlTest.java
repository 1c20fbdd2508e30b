package io.vigil.lib.clickhouse;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SqlTest {

    @Test
    void quotesEscapeBackslashesAndQuotes() {
        assertEquals("'it\\'s a \\\\ path'", Sql.quote("it's a \\ path"));
    }

    @Test
    void tenantIdsAreSlugsAndNothingElseReachesSql() {
        assertEquals("'a1'", Sql.tenant("a1"));
        assertTrue(Sql.isTenantId("bench-9a101a-8900"));
        assertFalse(Sql.isTenantId("a1' OR 1=1 --"));
        assertFalse(Sql.isTenantId("x".repeat(65)));
        assertThrows(IllegalArgumentException.class, () -> Sql.tenant("a1'"));
    }

    @Test
    void addressesAreStoredIpv4MappedAndWrittenTheWayClickHouseReadsThem() {
        assertEquals("IPv6StringToNum('::ffff:10.1.0.5')", Sql.address("10.1.0.5"));
        assertEquals("IPv6StringToNum('fd00:a1::7')", Sql.address("fd00:a1::7"));
        assertEquals("00000000000000000000FFFF0A010005", Sql.addressHex("10.1.0.5"));
        assertEquals("00000000000000000000FFFF0A010005", Sql.addressHex("::ffff:10.1.0.5"));
        assertEquals("FD0000A1000000000000000000000007", Sql.addressHex("fd00:a1::7"));
        assertEquals("'\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\xFF\\xFF\\x0A\\x01\\x00\\x05'", Sql.addressBytes("10.1.0.5"));
        assertThrows(IllegalArgumentException.class, () -> Sql.addressBytes("10.1.0.5'; DROP"));
        assertEquals("10.1.0.5", Sql.unmapped("::ffff:10.1.0.5"));
        assertEquals("fd00:a1::7", Sql.unmapped("fd00:a1::7"));
        assertThrows(IllegalArgumentException.class, () -> Sql.address("example.com"));
        assertThrows(IllegalArgumentException.class, () -> Sql.addressHex("10.1.0.5'; DROP"));
    }
}
