package io.vigil.portal.chart;

import io.vigil.portal.api.Baseline;

import java.util.List;

/**
 * A host's hour-of-week baseline for one metric as bars: 168 hours from Monday 00:00 in the customer's time zone,
 * the p99 as a light bar and the median as a dark one inside it, scaled to the week's highest p99.
 */
public final class HourOfWeekChart {

    static final int BAR = 4;
    static final int HEIGHT = 90;
    private static final String[] DAYS = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

    private HourOfWeekChart() {
    }

    public static String svg(Baseline.MetricView metric) {
        List<Baseline.Slot> slots = metric.hourOfWeek();
        long max = Math.max(1, slots.stream().mapToLong(Baseline.Slot::p99).max().orElse(1));
        int left = 48;
        int width = left + 168 * BAR + 8;
        int height = HEIGHT + 34;
        String label = metric.label() + " per hour of the week: p50 " + metric.p50() + ", p99 " + metric.p99()
                + ", highest hourly p99 " + max;
        StringBuilder s = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"how\" role=\"img\" width=\"")
                .append(width).append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(width).append(' ')
                .append(height).append("\" aria-label=\"").append(Svg.esc(label)).append("\"><title>")
                .append(Svg.esc(label)).append("</title>");
        s.append("<g font-family=\"sans-serif\" font-size=\"11\" fill=\"#555\"><text x=\"").append(left - 4)
                .append("\" y=\"10\" text-anchor=\"end\">").append(compact(max)).append("</text><text x=\"").append(left - 4)
                .append("\" y=\"").append(HEIGHT + 4).append("\" text-anchor=\"end\">0</text>");
        for (int d = 0; d < 7; d++) {
            int x = left + d * 24 * BAR;
            s.append("<line x1=\"").append(x).append("\" y1=\"4\" x2=\"").append(x).append("\" y2=\"").append(HEIGHT + 6)
                    .append("\" stroke=\"#ced4da\"/><text x=\"").append(x + 12 * BAR).append("\" y=\"").append(HEIGHT + 22)
                    .append("\" text-anchor=\"middle\">").append(DAYS[d]).append("</text>");
        }
        s.append("</g>");
        for (Baseline.Slot slot : slots) {
            int x = left + slot.slot() * BAR;
            int h99 = (int) Math.round((double) HEIGHT * slot.p99() / max);
            int h50 = (int) Math.round((double) HEIGHT * slot.p50() / max);
            s.append("<g><title>").append(Svg.esc(slot.name() + ": p50 " + slot.p50() + ", p99 " + slot.p99() + " ("
                    + slot.samples() + " samples)")).append("</title>");
            s.append("<rect x=\"").append(x).append("\" y=\"").append(HEIGHT - h99 + 4).append("\" width=\"").append(BAR - 1)
                    .append("\" height=\"").append(Math.max(h99, 0)).append("\" fill=\"#a5d8ff\"/>");
            s.append("<rect x=\"").append(x).append("\" y=\"").append(HEIGHT - h50 + 4).append("\" width=\"").append(BAR - 1)
                    .append("\" height=\"").append(Math.max(h50, 0)).append("\" fill=\"#1864ab\"/></g>");
        }
        return s.append("</svg>").toString();
    }

    /** 72000 → "72k", 2880000 → "2.9M": the scale's label fits its margin. */
    static String compact(long n) {
        if (n >= 10_000_000) {
            return n / 1_000_000 + "M";
        }
        if (n >= 1_000_000) {
            return String.format(java.util.Locale.ROOT, "%.1fM", n / 1e6);
        }
        return n >= 10_000 ? n / 1000 + "k" : String.valueOf(n);
    }
}
