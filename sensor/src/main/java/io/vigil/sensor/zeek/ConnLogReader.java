package io.vigil.sensor.zeek;

import io.vigil.sensor.meter.MeteredFlow;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import java.util.zip.GZIPInputStream;

/**
 * Reads one Zeek conn log, plain or gzip-compressed, in either of Zeek's formats: TSV (the ASCII writer's
 * {@code #fields} header, columns in any order, several header blocks as in concatenated logs) or JSON lines. Each
 * record becomes a flow through {@link ConnMapper}; a record that cannot be one is counted in {@link Rejects} with its
 * line number, and reading goes on.
 */
final class ConnLogReader implements Closeable {

    /** What one read delivered. {@code error} is set when the file stopped early (damaged gzip, I/O error, a header
     * that is no conn log's); the flows before it were delivered. Times are µs; first/last are MAX/MIN when empty. */
    record Result(long records, long flows, long missedBytes, long firstStart, long lastEnd, String error) {
    }

    private static final int BLOCK = 1 << 20;
    /** A longer line is no Zeek record (a binary file, a missing newline): skipped as malformed. */
    static final int MAX_LINE = 1 << 20;
    private static final byte[] UNSET = {'-'};
    private static final byte[] EMPTY = "(empty)".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final String name;
    private final Rejects rejects;
    private final CountingStream counted;
    private final InputStream in;
    private final ConnMapper mapper = new ConnMapper();
    private final ConnRecord record = new ConnRecord();
    private long records;

    // The TSV header in force: column -> field (null: not read), and its markers.
    private ConnField[] columns;
    private byte separator = '\t';
    private byte[] unset = UNSET;
    private byte[] empty = EMPTY;

    ConnLogReader(Path file, Rejects rejects) throws IOException {
        this.name = file.toString();
        this.rejects = rejects;
        this.counted = new CountingStream(Files.newInputStream(file));
        BufferedInputStream b = new BufferedInputStream(counted, 1 << 16);
        b.mark(2);
        int m1 = b.read();
        int m2 = b.read();
        b.reset();
        this.in = m1 == 0x1f && m2 == 0x8b ? new GZIPInputStream(b, 1 << 16) : b;
    }

    /** Bytes of the file read so far (compressed bytes for a .gz), for progress. */
    long bytesRead() {
        return counted.count;
    }

    /** Records (data lines) read so far. */
    long records() {
        return records;
    }

    /** Reads to the end, handing each flow to {@code sink}; stops after the flow for which it returns false. */
    Result read(Predicate<MeteredFlow> sink) {
        byte[] buf = new byte[BLOCK];
        int start = 0;
        int limit = 0;
        int scan = 0;
        long line = 0;
        records = 0;
        long flows = 0;
        long missed = 0;
        long first = Long.MAX_VALUE;
        long last = Long.MIN_VALUE;
        boolean skipping = false;
        boolean eof = false;
        String error = null;
        try {
            while (true) {
                int nl = -1;
                for (int i = scan; i < limit; i++) {
                    if (buf[i] == '\n') {
                        nl = i;
                        break;
                    }
                }
                if (nl < 0) {
                    if (!eof) {
                        if (start > 0) {
                            System.arraycopy(buf, start, buf, 0, limit - start);
                            limit -= start;
                            start = 0;
                        }
                        if (limit == buf.length) {
                            if (buf.length < MAX_LINE + 1) {
                                buf = java.util.Arrays.copyOf(buf, Math.min(buf.length * 2, MAX_LINE + 1));
                            } else {
                                // Too long for a record: drop what we hold and skip to the next newline.
                                if (!skipping) {
                                    line++;
                                    records++;
                                    rejects.add(name, line, Rejects.Reason.MALFORMED, "line longer than "
                                            + MAX_LINE / (1 << 20) + " MiB");
                                }
                                skipping = true;
                                limit = 0;
                            }
                        }
                        scan = limit;
                        int n = in.read(buf, limit, buf.length - limit);
                        if (n < 0) {
                            eof = true;
                        } else {
                            limit += n;
                        }
                        continue;
                    }
                    if (start == limit) {
                        break;
                    }
                    nl = limit;
                }
                int end = nl > start && buf[nl - 1] == '\r' ? nl - 1 : nl;
                if (skipping) {
                    skipping = false;
                } else {
                    line++;
                    if (end > start) {
                        byte c = buf[start];
                        if (c == '#') {
                            error = header(buf, start, end);
                            if (error != null) {
                                break;
                            }
                        } else {
                            records++;
                            boolean parsed = c == '{' ? json(buf, start, end, line) : tsv(buf, start, end, line);
                            MeteredFlow f = parsed ? mapper.map(record) : null;
                            if (f != null) {
                                flows++;
                                if (mapper.missedBytes) {
                                    missed++;
                                }
                                first = Math.min(first, f.startMicros());
                                last = Math.max(last, f.endMicros());
                                if (!sink.test(f)) {
                                    break;
                                }
                            } else if (parsed) {
                                rejects.add(name, line, mapper.reason, mapper.detail);
                            }
                        }
                    }
                }
                start = nl + 1;
                scan = start;
                if (start > limit) {
                    break;
                }
            }
        } catch (IOException e) {
            error = "stopped after line " + line + ": " + (e.getMessage() == null ? e.toString() : e.getMessage());
        }
        return new Result(records, flows, missed, first, last, error);
    }

    /** A {@code #} line. Returns an error that ends the file, or null. */
    private String header(byte[] b, int from, int to) {
        String text = new String(b, from, to - from, java.nio.charset.StandardCharsets.UTF_8);
        if (text.startsWith("#separator ")) {
            String v = text.substring("#separator ".length());
            byte[] s = unescape(v);
            if (s.length != 1) {
                return "#separator '" + v + "' is not one character";
            }
            separator = s[0];
            return null;
        }
        String[] parts = text.split(java.util.regex.Pattern.quote(String.valueOf((char) separator)), -1);
        switch (parts[0]) {
            case "#unset_field" -> unset = parts.length > 1 ? unescape(parts[1]) : UNSET;
            case "#empty_field" -> empty = parts.length > 1 ? unescape(parts[1]) : EMPTY;
            case "#path" -> {
                if (parts.length > 1 && !parts[1].equals("conn")) {
                    return "a Zeek " + parts[1] + " log, not a conn log";
                }
            }
            case "#fields" -> {
                columns = new ConnField[parts.length - 1];
                for (int i = 1; i < parts.length; i++) {
                    byte[] n = parts[i].getBytes(java.nio.charset.StandardCharsets.UTF_8);
                    columns[i - 1] = n.length == 0 ? null : ConnField.named(n, 0, n.length);
                }
                for (ConnField f : ConnField.REQUIRED) {
                    if (!java.util.Arrays.asList(columns).contains(f)) {
                        return "#fields has no " + f.zeekName + " column: not a conn log";
                    }
                }
            }
            default -> {
                // #set_separator, #open, #close, #types: nothing the mapping needs
            }
        }
        return null;
    }

    /** Zeek writes non-printable header characters as \xNN. */
    private static byte[] unescape(String v) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == '\\' && i + 3 < v.length() && v.charAt(i + 1) == 'x') {
                out.write(Integer.parseInt(v.substring(i + 2, i + 4), 16));
                i += 3;
            } else {
                out.write(c);
            }
        }
        return out.toByteArray();
    }

    private boolean tsv(byte[] b, int from, int to, long line) {
        if (columns == null) {
            rejects.add(name, line, Rejects.Reason.NO_HEADER, null);
            return false;
        }
        record.clear(b);
        int column = 0;
        int start = from;
        for (int i = from; i <= to; i++) {
            if (i == to || b[i] == separator) {
                if (column < columns.length) {
                    ConnField f = columns[column];
                    if (f != null && !same(b, start, i, unset)) {
                        if (same(b, start, i, empty)) {
                            record.set(f, start, start);
                        } else {
                            record.set(f, start, i);
                        }
                    }
                }
                column++;
                start = i + 1;
            }
        }
        if (column != columns.length) {
            rejects.add(name, line, Rejects.Reason.MALFORMED, column + " columns where #fields names "
                    + columns.length);
            return false;
        }
        return true;
    }

    private static boolean same(byte[] b, int from, int to, byte[] marker) {
        return to - from == marker.length && java.util.Arrays.equals(b, from, to, marker, 0, marker.length);
    }

    /**
     * One Zeek JSON object: a flat object of strings, numbers, booleans and arrays (sets and vectors). Nested values
     * are skipped whole. Returns false (and counts the line) when it is no such object.
     */
    private boolean json(byte[] b, int from, int to, long line) {
        record.clear(b);
        int i = skipSpace(b, from + 1, to);
        if (i < to && b[i] == '}') {
            return true;
        }
        while (i < to) {
            if (b[i] != '"') {
                return malformedJson(line, i - from);
            }
            int keyEnd = stringEnd(b, i + 1, to);
            if (keyEnd < 0) {
                return malformedJson(line, i - from);
            }
            ConnField f = ConnField.named(b, i + 1, keyEnd);
            i = skipSpace(b, keyEnd + 1, to);
            if (i >= to || b[i] != ':') {
                return malformedJson(line, i - from);
            }
            i = skipSpace(b, i + 1, to);
            if (i >= to) {
                return malformedJson(line, i - from);
            }
            int valueEnd;
            if (b[i] == '"') {
                valueEnd = stringEnd(b, i + 1, to);
                if (valueEnd < 0) {
                    return malformedJson(line, i - from);
                }
                if (f != null) {
                    record.set(f, i + 1, valueEnd);
                }
                valueEnd++;
            } else if (b[i] == '[' || b[i] == '{') {
                valueEnd = nestedEnd(b, i, to);
                if (valueEnd < 0) {
                    return malformedJson(line, i - from);
                }
            } else {
                valueEnd = i;
                while (valueEnd < to && b[valueEnd] != ',' && b[valueEnd] != '}' && b[valueEnd] != ' ') {
                    valueEnd++;
                }
                if (f != null && !(valueEnd - i == 4 && b[i] == 'n')) {
                    record.set(f, i, valueEnd);
                }
            }
            i = skipSpace(b, valueEnd, to);
            if (i < to && b[i] == ',') {
                i = skipSpace(b, i + 1, to);
            } else if (i < to && b[i] == '}') {
                return true;
            } else {
                return malformedJson(line, i - from);
            }
        }
        return malformedJson(line, to - from);
    }

    private boolean malformedJson(long line, int column) {
        rejects.add(name, line, Rejects.Reason.MALFORMED, "not a flat JSON object (at character " + (column + 1) + ")");
        return false;
    }

    private static int skipSpace(byte[] b, int i, int to) {
        while (i < to && (b[i] == ' ' || b[i] == '\t')) {
            i++;
        }
        return i;
    }

    /** Index of the closing quote of a string whose contents start at {@code i}, or -1. */
    private static int stringEnd(byte[] b, int i, int to) {
        for (; i < to; i++) {
            if (b[i] == '\\') {
                i++;
            } else if (b[i] == '"') {
                return i;
            }
        }
        return -1;
    }

    /** Index just past the array or object that starts at {@code i}, or -1. */
    private static int nestedEnd(byte[] b, int i, int to) {
        int depth = 0;
        for (; i < to; i++) {
            byte c = b[i];
            if (c == '"') {
                i = stringEnd(b, i + 1, to);
                if (i < 0) {
                    return -1;
                }
            } else if (c == '[' || c == '{') {
                depth++;
            } else if (c == ']' || c == '}') {
                if (--depth == 0) {
                    return i + 1;
                }
            }
        }
        return -1;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /** Counts the bytes read from the file itself, below any decompression. */
    private static final class CountingStream extends FilterInputStream {
        long count;

        CountingStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int c = super.read();
            if (c >= 0) {
                count++;
            }
            return c;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }
}
