package io.vigil.lib.clickhouse;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads ClickHouse's Native format as 18.16 writes it over HTTP (blocks of columns, no block info), for the column
 * types Vigil selects. client-v2 0.10.0's NativeFormatReader loses the last row of a block when the next block
 * follows (its schema reset clears the pending record), which made answers of more than one block come back with
 * null rows; this reader has no read-ahead state to lose.
 */
public final class NativeFormat {

    private NativeFormat() {
    }

    /** Every row of the answer, in the server's order. */
    public static List<ClickHouseRow> read(InputStream in) throws IOException {
        List<ClickHouseRow> rows = new ArrayList<>();
        forEach(in, rows::add);
        return rows;
    }

    /**
     * Hands over every row of the answer, in the server's order, one block at a time: only the current block is held,
     * so an answer larger than memory can be consumed as it arrives.
     */
    public static void forEach(InputStream in, Consumer<ClickHouseRow> each) throws IOException {
        Input input = new Input(in);
        while (true) {
            int first = input.in.read();
            if (first < 0) {
                return;
            }
            int columns = (int) input.varIntAfter(first);
            int count = (int) input.varInt();
            Map<String, Integer> index = new HashMap<>();
            Object[][] data = new Object[columns][];
            for (int c = 0; c < columns; c++) {
                index.put(input.string(), c);
                data[c] = values(input, input.string(), count);
            }
            for (int r = 0; r < count; r++) {
                int row = r;
                each.accept(column -> {
                    Integer c = index.get(column);
                    if (c == null) {
                        throw new IllegalArgumentException("no column '" + column + "' in the answer (has " + index.keySet() + ")");
                    }
                    return data[c][row];
                });
            }
        }
    }

    private static Object[] values(Input in, String type, int count) throws IOException {
        Object[] out = new Object[count];
        if (type.startsWith("Nullable(")) {
            byte[] nulls = in.bytes(count);
            Object[] inner = values(in, inner(type, "Nullable("), count);
            for (int i = 0; i < count; i++) {
                out[i] = nulls[i] != 0 ? null : inner[i];
            }
            return out;
        }
        if (type.startsWith("Array(")) {
            long[] ends = new long[count];
            for (int i = 0; i < count; i++) {
                ends[i] = in.fixed(8);
            }
            Object[] items = values(in, inner(type, "Array("), count == 0 ? 0 : Math.toIntExact(ends[count - 1]));
            int from = 0;
            for (int i = 0; i < count; i++) {
                out[i] = Collections.unmodifiableList(Arrays.asList(Arrays.copyOfRange(items, from, (int) ends[i])));
                from = (int) ends[i];
            }
            return out;
        }
        if (type.startsWith("FixedString(")) {
            int n = Integer.parseInt(inner(type, "FixedString("));
            for (int i = 0; i < count; i++) {
                out[i] = new String(in.bytes(n), StandardCharsets.UTF_8);
            }
            return out;
        }
        if (type.startsWith("LowCardinality(")) {
            throw new IOException("LowCardinality columns are not read by Vigil; select toString/CAST instead");
        }
        for (int i = 0; i < count; i++) {
            out[i] = switch (type) {
                case "String" -> new String(in.bytes((int) in.varInt()), StandardCharsets.UTF_8);
                case "UInt8", "Int8" -> type.charAt(0) == 'U' ? in.fixed(1) : (long) (byte) in.fixed(1);
                case "UInt16", "Date" -> in.fixed(2);
                case "Int16" -> (long) (short) in.fixed(2);
                case "UInt32", "DateTime" -> in.fixed(4);
                case "Int32" -> (long) (int) in.fixed(4);
                case "Int64" -> in.fixed(8);
                case "UInt64" -> {
                    long v = in.fixed(8);
                    yield v >= 0 ? BigInteger.valueOf(v) : BigInteger.valueOf(v).add(BigInteger.ONE.shiftLeft(64));
                }
                case "Float32" -> (double) Float.intBitsToFloat((int) in.fixed(4));
                case "Float64" -> Double.longBitsToDouble(in.fixed(8));
                default -> throw new IOException("column type " + type + " is not read by Vigil's Native reader");
            };
        }
        return out;
    }

    private static String inner(String type, String prefix) {
        return type.substring(prefix.length(), type.length() - 1);
    }

    /** Little-endian and LEB128 primitives over a stream, failing on a truncated answer. */
    private record Input(InputStream in) {

        int next() throws IOException {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("ClickHouse answer ended inside a block");
            }
            return b;
        }

        long varInt() throws IOException {
            return varIntAfter(next());
        }

        long varIntAfter(int first) throws IOException {
            long value = first & 0x7f;
            int shift = 7;
            int b = first;
            while ((b & 0x80) != 0) {
                b = next();
                value |= (long) (b & 0x7f) << shift;
                shift += 7;
            }
            return value;
        }

        long fixed(int size) throws IOException {
            long v = 0;
            for (int i = 0; i < size; i++) {
                v |= (long) next() << (8 * i);
            }
            return v;
        }

        byte[] bytes(int n) throws IOException {
            byte[] b = in.readNBytes(n);
            if (b.length != n) {
                throw new EOFException("ClickHouse answer ended inside a value");
            }
            return b;
        }

        String string() throws IOException {
            return new String(bytes((int) varInt()), StandardCharsets.UTF_8);
        }
    }
}
