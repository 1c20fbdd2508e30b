package io.vigil.lib.clickhouse;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeFormatTest {

    /**
     * A real answer of ClickHouse 18.16 (scripts/stack), three blocks (max_block_size=1000), to:
     * SELECT number, toString(number) AS s, toInt32(number) - 5 AS i, toUInt64(number) * 10000000000000 AS big,
     * [toString(number), 'x'] AS arr, if(number % 2 = 0, NULL, number) AS n, toFixedString('ab', 2) AS fs,
     * toFloat64(number) / 4 AS f, toDateTime(1700000000 + number) AS dt, toInt8(-1) AS neg
     * FROM system.numbers LIMIT 2500 FORMAT Native
     */
    private static byte[] answer() throws Exception {
        try (InputStream in = NativeFormatTest.class.getResourceAsStream("/native/numbers-2500-blocks-of-1000.native")) {
            return in.readAllBytes();
        }
    }

    @Test
    void everyRowOfEveryBlockIsReadWithItsValues() throws Exception {
        List<ClickHouseRow> rows = NativeFormat.read(new ByteArrayInputStream(answer()));
        assertEquals(2500, rows.size());
        for (int n = 0; n < rows.size(); n++) {
            ClickHouseRow r = rows.get(n);
            assertEquals(n, r.getLong("number"), "row " + n);
            assertEquals(String.valueOf(n), r.getString("s"));
            assertEquals(n - 5, r.getInteger("i"));
            assertEquals(BigInteger.valueOf(n).multiply(BigInteger.valueOf(10_000_000_000_000L)), r.getBigInteger("big"));
            assertArrayEquals(new String[] {String.valueOf(n), "x"}, r.getStringArray("arr"));
            if (n % 2 == 0) {
                assertNull(r.get("n"));
            } else {
                assertEquals(n, r.getLong("n"));
            }
            assertEquals("ab", r.getString("fs"));
            assertEquals(n / 4.0, r.getDouble("f"));
            assertEquals(1_700_000_000L + n, r.getLong("dt"));
            assertEquals(-1, r.getInteger("neg"));
        }
    }

    @Test
    void theRowsAtBlockBoundariesAreThere() throws Exception {
        List<ClickHouseRow> rows = NativeFormat.read(new ByteArrayInputStream(answer()));
        for (int n : new int[] {998, 999, 1000, 1001, 1999, 2000, 2499}) {
            assertEquals(String.valueOf(n), rows.get(n).getString("s"));
        }
    }

    @Test
    void anEmptyAnswerHasNoRows() throws Exception {
        assertTrue(NativeFormat.read(new ByteArrayInputStream(new byte[0])).isEmpty());
    }

    @Test
    void aTruncatedAnswerFailsInsteadOfLosingRows() throws Exception {
        byte[] all = answer();
        byte[] cut = Arrays.copyOf(all, all.length - 7);
        assertThrows(EOFException.class, () -> NativeFormat.read(new ByteArrayInputStream(cut)));
    }

    @Test
    void anUnknownColumnIsNamedInTheError() throws Exception {
        ClickHouseRow row = NativeFormat.read(new ByteArrayInputStream(answer())).get(0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> row.get("nope"));
        assertTrue(e.getMessage().contains("nope"), e.getMessage());
    }
}
