package io.vigil.portal.chart;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.TreeMap;

/**
 * An upload's bytes per minute as bars: what the source sent to external hosts in each minute, from the {@code timeline}
 * of detection's exfiltration evidence ({@code [{"minute": "2026-12-07T17:03:00Z", "bytes": 1048576}, ...]}, minutes
 * with bytes only). The minutes between the first and the last are drawn, a quiet one as a gap, on a decimal scale
 * (KB, MB, GB, as detection's summaries write them) rounded up to 1, 2 or 5 of a unit. Time is UTC. An alert that grew
 * for hours shows its last {@link #MAX_MINUTES} minutes and says so.
 */
public final class UploadTimeline {

    static final int MAX_MINUTES = 180;
    static final int PLOT_W = 720;
    static final int PLOT_H = 140;
    static final int LEFT = 80;
    static final int TOP = 12;
    static final String BAR = "#c92a2a";
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY_HH_MM = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);
    /** Minutes between time labels: the first that puts {@link #LABEL_SPACING} pixels between two. */
    private static final int[] LABEL_STEPS = {1, 2, 5, 10, 15, 30, 60};
    static final int LABEL_SPACING = 45;
    static final int MAX_BAR = 48;

    private UploadTimeline() {
    }

    /**
     * Bytes per minute from {@code first}, one entry per minute up to the last minute with bytes (zero where none).
     *
     * @param shownFrom minutes left out before {@code first} (the alert is longer than {@link #MAX_MINUTES})
     */
    record Series(Instant first, long[] bytes, int shownFrom) {

        long max() {
            long max = 0;
            for (long b : bytes) {
                max = Math.max(max, b);
            }
            return max;
        }

        long total() {
            long total = 0;
            for (long b : bytes) {
                total += b;
            }
            return total;
        }

        Instant minute(int i) {
            return first.plus(i, ChronoUnit.MINUTES);
        }
    }

    /**
     * The chart for an alert's evidence; an empty string when it holds no {@code timeline} (detection writes none for
     * this alert, or an older detection none at all) or no usable entry in it.
     *
     * @param source the alert's source, for the chart's title
     */
    public static String svg(String source, JsonNode evidence) {
        Series s = series(evidence == null ? null : evidence.get("timeline"));
        if (s == null) {
            return "";
        }
        int n = s.bytes().length;
        long top = niceTop(s.max());
        int bar = barWidth(n);
        int plotW = bar * n;
        int width = LEFT + plotW + 20;
        int height = TOP + PLOT_H + 52;
        int base = TOP + PLOT_H;
        Instant last = s.minute(n - 1);
        String label = "Bytes " + source + " sent to external hosts per minute, " + DAY_HH_MM.format(s.first()) + " to "
                + (s.first().truncatedTo(ChronoUnit.DAYS).equals(last.truncatedTo(ChronoUnit.DAYS)) ? HH_MM : DAY_HH_MM).format(last)
                + " UTC" + (s.shownFrom() > 0 ? " (the last " + n + " minutes of " + (n + s.shownFrom()) + ")" : "") + ": "
                + bytes(s.total()) + " in all, at most " + bytes(s.max()) + " in a minute";
        StringBuilder out = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"uploads\" role=\"img\" width=\"")
                .append(width).append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(width).append(' ')
                .append(height).append("\" aria-label=\"").append(Svg.esc(label)).append("\"><title>").append(Svg.esc(label))
                .append("</title><g font-family=\"sans-serif\" font-size=\"11\" fill=\"#555\">");
        // the byte scale: 0, half and the top, with light grid lines across the plot
        for (int k = 0; k <= 2; k++) {
            int y = base - PLOT_H * k / 2;
            out.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(y).append("\" x2=\"").append(LEFT + plotW)
                    .append("\" y2=\"").append(y).append("\" stroke=\"").append(k == 0 ? "#868e96" : "#e9ecef").append("\"/>")
                    .append("<text x=\"").append(LEFT - 6).append("\" y=\"").append(y + 4).append("\" text-anchor=\"end\">")
                    .append(k == 0 ? "0" : bytes(top * k / 2)).append("</text>");
        }
        int step = labelStep(bar);
        for (int i = 0; i < n; i++) {
            Instant minute = s.minute(i);
            if (minute.getEpochSecond() / 60 % step == 0) {
                int x = LEFT + i * bar + bar / 2;
                out.append("<line x1=\"").append(x).append("\" y1=\"").append(base).append("\" x2=\"").append(x)
                        .append("\" y2=\"").append(base + 4).append("\" stroke=\"#868e96\"/><text x=\"").append(x)
                        .append("\" y=\"").append(base + 16).append("\" text-anchor=\"middle\">").append(HH_MM.format(minute))
                        .append("</text>");
            }
        }
        out.append("<text x=\"").append(LEFT + plotW / 2).append("\" y=\"").append(base + 34)
                .append("\" text-anchor=\"middle\">time (UTC)</text>")
                .append("<text transform=\"translate(14,").append(TOP + PLOT_H / 2)
                .append(") rotate(-90)\" text-anchor=\"middle\">bytes per minute</text></g>");
        for (int i = 0; i < n; i++) {
            long b = s.bytes()[i];
            if (b == 0) {
                continue;
            }
            int h = Math.max(1, (int) Math.round((double) PLOT_H * b / top));
            out.append("<rect x=\"").append(LEFT + i * bar).append("\" y=\"").append(base - h).append("\" width=\"")
                    .append(Math.max(1, bar - 1)).append("\" height=\"").append(h).append("\" fill=\"").append(BAR)
                    .append("\"><title>").append(HH_MM.format(s.minute(i))).append(" UTC: ").append(bytes(b))
                    .append("</title></rect>");
        }
        return out.append("</svg>").toString();
    }

    /**
     * The timeline as consecutive minutes, or null when there is nothing to draw. Entries that are no object with a
     * minute and a positive byte count are left out (detection lists only minutes with bytes); a time within a minute counts for that minute, and two entries
     * of one minute are added up.
     */
    static Series series(JsonNode timeline) {
        if (timeline == null || !timeline.isArray()) {
            return null;
        }
        TreeMap<Instant, Long> byMinute = new TreeMap<>();
        for (JsonNode e : timeline) {
            JsonNode bytes = e.path("bytes");
            if (!bytes.canConvertToLong() || bytes.asLong() <= 0) {
                continue;
            }
            try {
                byMinute.merge(Instant.parse(e.path("minute").asText()).truncatedTo(ChronoUnit.MINUTES), bytes.asLong(), Long::sum);
            } catch (DateTimeParseException notAMinute) {
                // left out, as the javadoc says
            }
        }
        if (byMinute.isEmpty()) {
            return null;
        }
        Instant first = byMinute.firstKey();
        Instant last = byMinute.lastKey();
        int span = (int) ChronoUnit.MINUTES.between(first, last) + 1;
        int shownFrom = Math.max(0, span - MAX_MINUTES);
        Instant from = first.plus(shownFrom, ChronoUnit.MINUTES);
        long[] perMinute = new long[span - shownFrom];
        byMinute.forEach((minute, b) -> {
            int i = (int) ChronoUnit.MINUTES.between(from, minute);
            if (i >= 0) {
                perMinute[i] = b;
            }
        });
        return new Series(from, perMinute, shownFrom);
    }

    /** The scale's top: 1, 2 or 5 times a power of ten, at least {@code max} (1 for nothing). */
    static long niceTop(long max) {
        for (long unit = 1; unit <= Long.MAX_VALUE / 10; unit *= 10) {
            for (long m : new long[]{1, 2, 5}) {
                if (m * unit >= max) {
                    return m * unit;
                }
            }
        }
        return max;
    }

    /** Pixels per minute: the plot's width shared, between 2 and {@link #MAX_BAR} (a minute or two stays legible). */
    static int barWidth(int minutes) {
        return Math.max(2, Math.min(MAX_BAR, PLOT_W / minutes));
    }

    /** Minutes between time labels, so that "HH:mm" labels do not overlap; every minute while bars are wide. */
    static int labelStep(int bar) {
        for (int step : LABEL_STEPS) {
            if (step * bar >= LABEL_SPACING) {
                return step;
            }
        }
        return LABEL_STEPS[LABEL_STEPS.length - 1];
    }

    /** "150.2 MB", "1.3 GB": decimal units, written as detection's summaries and destinations write them. */
    static String bytes(long n) {
        if (n >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.1f GB", n / 1e9);
        }
        if (n >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.1f MB", n / 1e6);
        }
        return n >= 1_000 ? String.format(Locale.ROOT, "%.1f KB", n / 1e3) : n + " B";
    }
}
