package io.vigil.ingest.clickhouse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable byte buffer that writes ClickHouse RowBinary values (little-endian, LEB128 string lengths). */
public final class RowBinaryBuffer {

    private byte[] buf;
    private int size;

    public RowBinaryBuffer(int initialCapacity) {
        buf = new byte[Math.max(64, initialCapacity)];
    }

    public byte[] array() {
        return buf;
    }

    public int size() {
        return size;
    }

    private void ensure(int extra) {
        if (size + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
        }
    }

    public RowBinaryBuffer u8(int v) {
        ensure(1);
        buf[size++] = (byte) v;
        return this;
    }

    public RowBinaryBuffer u16(int v) {
        ensure(2);
        buf[size++] = (byte) v;
        buf[size++] = (byte) (v >>> 8);
        return this;
    }

    public RowBinaryBuffer u32(long v) {
        ensure(4);
        for (int i = 0; i < 4; i++) {
            buf[size++] = (byte) (v >>> (8 * i));
        }
        return this;
    }

    public RowBinaryBuffer u64(long v) {
        ensure(8);
        for (int i = 0; i < 8; i++) {
            buf[size++] = (byte) (v >>> (8 * i));
        }
        return this;
    }

    public RowBinaryBuffer varint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[size++] = (byte) v;
        return this;
    }

    /** A String column; ASCII text (the common case: flow history, community id) is written without a copy. */
    public RowBinaryBuffer string(String s) {
        int n = s.length();
        if (n < 128) {
            ensure(n + 1);
            int at = size + 1;
            for (int i = 0; i < n; i++) {
                char c = s.charAt(i);
                if (c >= 0x80) {
                    return bytes(s.getBytes(StandardCharsets.UTF_8));
                }
                buf[at + i] = (byte) c;
            }
            buf[size] = (byte) n;
            size = at + n;
            return this;
        }
        return bytes(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A String column from raw UTF-8 bytes. */
    public RowBinaryBuffer bytes(byte[] utf8) {
        varint(utf8.length);
        return raw(utf8, 0, utf8.length);
    }

    /** Bytes copied as they are (a FixedString body or a pre-encoded value). */
    public RowBinaryBuffer raw(byte[] b, int offset, int length) {
        ensure(length);
        System.arraycopy(b, offset, buf, size, length);
        size += length;
        return this;
    }

    /** Reserves {@code length} bytes and returns their offset, for callers that fill them in place. */
    public int reserve(int length) {
        ensure(length);
        int at = size;
        size += length;
        return at;
    }

    /** The RowBinary encoding of a String column value, for values written on every row. */
    public static byte[] encodedString(String s) {
        RowBinaryBuffer b = new RowBinaryBuffer(s.length() + 2);
        b.string(s);
        return Arrays.copyOf(b.buf, b.size);
    }
}
