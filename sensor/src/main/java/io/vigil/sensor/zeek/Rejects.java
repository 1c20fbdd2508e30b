package io.vigil.sensor.zeek;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Conn log records that did not become flows, counted per reason, with the first few kept as "file:line: reason:
 * detail" so that a user can look at them; the rest of the log still goes through.
 */
public final class Rejects {

    /** Why a record was skipped. */
    public enum Reason {
        MALFORMED("malformed line"),
        NO_HEADER("record before any #fields header"),
        MISSING_FIELD("required field unset"),
        BAD_TIME("bad ts or duration"),
        BAD_ADDRESS("bad address"),
        BAD_PORT("bad port or ICMP type"),
        UNKNOWN_PROTO("unknown protocol"),
        UNKNOWN_CONN_STATE("unknown conn_state"),
        BAD_COUNT("bad packet or byte count");

        public final String text;

        Reason(String text) {
            this.text = text;
        }
    }

    /** How many rejected records are shown with their line. */
    public static final int SHOWN = 10;

    private final Map<Reason, Long> counts = new EnumMap<>(Reason.class);
    private final List<String> first = new ArrayList<>();
    private long total;

    void add(String file, long line, Reason reason, String detail) {
        counts.merge(reason, 1L, Long::sum);
        total++;
        if (first.size() < SHOWN) {
            first.add(file + ":" + line + ": " + reason.text + (detail == null ? "" : ": " + detail));
        }
    }

    public long total() {
        return total;
    }

    public long count(Reason reason) {
        return counts.getOrDefault(reason, 0L);
    }

    /** The first {@link #SHOWN} rejected records, in the order they were read. */
    public List<String> first() {
        return List.copyOf(first);
    }

    /** "3 malformed line, 1 bad address", largest first. */
    public String summary() {
        List<String> parts = new ArrayList<>();
        counts.entrySet().stream().sorted(Map.Entry.<Reason, Long>comparingByValue().reversed())
                .forEach(e -> parts.add(String.format(Locale.ROOT, "%,d %s", e.getValue(), e.getKey().text)));
        return String.join(", ", parts);
    }
}
