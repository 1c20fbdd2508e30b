package io.vigil.ingest.clickhouse;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class RowBinaryBufferTest {

    private static byte[] bytes(RowBinaryBuffer b) {
        return Arrays.copyOf(b.array(), b.size());
    }

    @Test
    void writesLittleEndianIntegers() {
        assertArrayEquals(new byte[]{0x34, 0x12}, bytes(new RowBinaryBuffer(1).u16(0x1234)));
        assertArrayEquals(new byte[]{0x78, 0x56, 0x34, 0x12}, bytes(new RowBinaryBuffer(1).u32(0x12345678L)));
        assertArrayEquals(new byte[]{1, 0, 0, 0, 0, 0, 0, (byte) 0x80}, bytes(new RowBinaryBuffer(1).u64(0x8000000000000001L)));
    }

    @Test
    void prefixesStringsWithTheirLeb128Length() {
        assertArrayEquals(new byte[]{2, 'a', 'b'}, bytes(new RowBinaryBuffer(1).string("ab")));
        byte[] long300 = bytes(new RowBinaryBuffer(1).string("x".repeat(300)));
        assertArrayEquals(new byte[]{(byte) 0xAC, 0x02}, Arrays.copyOf(long300, 2));
        assertEquals(302, long300.length);
    }

    @Test
    void writesNonAsciiTextAsUtf8() {
        assertArrayEquals(new byte[]{1, 'a', 3, 'x', (byte) 0xC3, (byte) 0xA9},
                bytes(new RowBinaryBuffer(1).string("a").string("xé")));
        byte[] ascii127 = bytes(new RowBinaryBuffer(1).string("y".repeat(127)));
        assertEquals(127, ascii127[0]);
        assertEquals(128, ascii127.length);
    }
}
