package io.vigil.sensor.zeek;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

/**
 * Tells what {@code replay}'s arguments are, from their content (no flag, no file name rule): capture files, or Zeek
 * conn logs (TSV or JSON, plain or gzip), a directory standing for every conn log below it (Zeek's and Security
 * Onion's rotated archives). Conn logs are put in time order.
 */
public final class ConnLogs {

    /** What a file holds. */
    public enum Kind {
        CAPTURE,
        CONN_LOG,
        /** A Zeek log of another stream (dns, http, ...). */
        OTHER_ZEEK_LOG,
        UNKNOWN
    }

    /**
     * The arguments sorted out: either captures (in the order given) or conn logs (in time order), never both;
     * {@code skipped} are files inside directories that are no conn log.
     */
    public record Inputs(List<Path> captures, List<Path> connLogs, List<Path> skipped) {
        public boolean zeek() {
            return !connLogs.isEmpty();
        }
    }

    private static final int HEAD = 16 << 10;

    private ConnLogs() {
    }

    /**
     * Sorts the arguments out. A file that is neither a conn log nor another Zeek log is left to the capture reader
     * (which says what is wrong with it). Throws IllegalArgumentException for what the user must change.
     */
    public static Inputs classify(List<Path> args) throws IOException {
        List<Path> captures = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        List<Path> skipped = new ArrayList<>();
        List<Path> unreadable = new ArrayList<>();
        for (Path arg : args) {
            if (!Files.isReadable(arg)) {
                // The capture reader reports it as it always has; among conn logs it is reported below.
                captures.add(arg);
                unreadable.add(arg);
                continue;
            }
            if (Files.isDirectory(arg)) {
                int before = logs.size();
                try (Stream<Path> walk = Files.walk(arg)) {
                    for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                        if (p.getFileName().toString().startsWith(".")) {
                            continue;
                        }
                        (kind(p) == Kind.CONN_LOG ? logs : skipped).add(p);
                    }
                }
                if (logs.size() == before) {
                    throw new IllegalArgumentException(arg + ": no Zeek conn log in this directory (looked at "
                            + skipped.size() + " files)");
                }
                continue;
            }
            switch (kind(arg)) {
                case CONN_LOG -> logs.add(arg);
                case OTHER_ZEEK_LOG -> throw new IllegalArgumentException(arg + ": a Zeek " + zeekPath(arg)
                        + " log; replay reads conn logs");
                default -> captures.add(arg);
            }
        }
        if (!logs.isEmpty() && !unreadable.isEmpty()) {
            throw new IllegalArgumentException(unreadable.get(0) + ": no such readable file");
        }
        if (!logs.isEmpty() && !captures.isEmpty()) {
            throw new IllegalArgumentException("capture files and Zeek conn logs cannot be replayed together ("
                    + captures.get(0) + " is a capture, " + logs.get(0) + " a conn log): replay them separately");
        }
        return new Inputs(captures, inTimeOrder(logs), skipped);
    }

    /** What the file holds, from its first bytes (decompressed first if it is gzip). */
    public static Kind kind(Path file) throws IOException {
        String head = head(file);
        if (head == null) {
            return Kind.CAPTURE;
        }
        if (head.startsWith("#")) {
            String path = tsvPath(head);
            if (path != null && !path.equals("conn")) {
                return Kind.OTHER_ZEEK_LOG;
            }
            int fields = head.indexOf("#fields");
            if (fields < 0) {
                return path == null ? Kind.UNKNOWN : Kind.CONN_LOG;
            }
            String line = head.substring(fields, lineEnd(head, fields));
            return line.contains("id.orig_h") && line.contains("conn_state") ? Kind.CONN_LOG : Kind.OTHER_ZEEK_LOG;
        }
        if (head.startsWith("{")) {
            String line = head.substring(0, lineEnd(head, 0));
            String path = jsonPath(line);
            if (path != null && !path.equals("conn")) {
                return Kind.OTHER_ZEEK_LOG;
            }
            if (line.contains("\"id.orig_h\"")) {
                return line.contains("\"conn_state\"") ? Kind.CONN_LOG : Kind.OTHER_ZEEK_LOG;
            }
        }
        return Kind.UNKNOWN;
    }

    /** The file's first bytes as text, or null when they are a pcap or pcapng magic. */
    private static String head(Path file) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(4);
            byte[] magic = raw.readNBytes(4);
            raw.reset();
            if (magic.length == 4) {
                int m = (magic[0] & 0xff) << 24 | (magic[1] & 0xff) << 16 | (magic[2] & 0xff) << 8 | (magic[3] & 0xff);
                if (m == 0xa1b2c3d4 || m == 0xd4c3b2a1 || m == 0xa1b23c4d || m == 0x4d3cb2a1 || m == 0x0a0d0d0a) {
                    return null;
                }
            }
            InputStream in = magic.length >= 2 && (magic[0] & 0xff) == 0x1f && (magic[1] & 0xff) == 0x8b
                    ? new GZIPInputStream(raw) : raw;
            byte[] b;
            try {
                b = in.readNBytes(HEAD);
            } catch (IOException e) {
                return "";
            }
            return new String(b, StandardCharsets.UTF_8);
        }
    }

    private static int lineEnd(String s, int from) {
        int nl = s.indexOf('\n', from);
        return nl < 0 ? s.length() : nl;
    }

    private static String tsvPath(String head) {
        int at = head.startsWith("#path") ? 0 : head.indexOf("\n#path");
        if (at < 0) {
            return null;
        }
        String line = head.substring(at, lineEnd(head, at + 1)).strip();
        int sep = line.indexOf('\t');
        return sep < 0 ? null : line.substring(sep + 1).strip();
    }

    private static String jsonPath(String line) {
        int at = line.indexOf("\"_path\":\"");
        if (at < 0) {
            return null;
        }
        int from = at + "\"_path\":\"".length();
        int to = line.indexOf('"', from);
        return to < 0 ? null : line.substring(from, to);
    }

    private static String zeekPath(Path file) throws IOException {
        String head = head(file);
        String path = head == null ? null : head.startsWith("{") ? jsonPath(head.substring(0, lineEnd(head, 0)))
                : tsvPath(head);
        return path == null ? "(not conn)" : path;
    }

    /**
     * Sorted by the end of each log's first record: Zeek writes a record when the connection ends, so that is about
     * when the log was opened, whereas the first record's start may lie hours earlier (a long connection). Logs
     * without a record go last; ties keep the order given.
     */
    static List<Path> inTimeOrder(List<Path> logs) throws IOException {
        record Keyed(Path path, long key) {
        }
        List<Keyed> keyed = new ArrayList<>();
        for (Path p : logs) {
            try (ConnLogReader r = new ConnLogReader(p, new Rejects())) {
                ConnLogReader.Result first = r.read(f -> false);
                keyed.add(new Keyed(p, first.flows() > 0 ? first.lastEnd() : Long.MAX_VALUE));
            }
        }
        return keyed.stream().sorted(Comparator.comparingLong(Keyed::key)).map(Keyed::path).toList();
    }
}
