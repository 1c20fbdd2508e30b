package io.vigil.sensor.zeek;

import java.util.Arrays;

/**
 * One conn.log record as ranges of a line buffer, one per {@link ConnField}: the parsers fill it without copying, and
 * the mapping reads only what it needs. A field that is absent or unset has no range; an empty one an empty range.
 */
final class ConnRecord {

    private static final int FIELDS = ConnField.values().length;

    byte[] buf;
    final int[] from = new int[FIELDS];
    final int[] to = new int[FIELDS];

    void clear(byte[] line) {
        buf = line;
        Arrays.fill(from, -1);
    }

    void set(ConnField f, int start, int end) {
        from[f.ordinal()] = start;
        to[f.ordinal()] = end;
    }

    boolean has(ConnField f) {
        return from[f.ordinal()] >= 0;
    }

    int from(ConnField f) {
        return from[f.ordinal()];
    }

    int to(ConnField f) {
        return to[f.ordinal()];
    }

    /** The field as ASCII text, "" when empty, null when absent. */
    String text(ConnField f) {
        int a = from[f.ordinal()];
        if (a < 0) {
            return null;
        }
        int b = to[f.ordinal()];
        char[] c = new char[b - a];
        for (int i = a; i < b; i++) {
            c[i - a] = (char) (buf[i] & 0xff);
        }
        return new String(c);
    }

    /** True if the field holds exactly this ASCII text. */
    boolean is(ConnField f, String text) {
        int a = from[f.ordinal()];
        if (a < 0 || to[f.ordinal()] - a != text.length()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (buf[a + i] != text.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
