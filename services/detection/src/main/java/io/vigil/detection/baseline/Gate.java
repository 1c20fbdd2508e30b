package io.vigil.detection.baseline;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How a finding compares with its source's baseline. Only a MATURE baseline can silence a finding, and only when every
 * compared figure (for a scan: failed targets, distinct peers, distinct ports; each family names its own) stays within
 * headroom × its p99: the source is doing what it always does at this hour. Whatever the outcome, the comparison goes
 * into the alert's evidence.
 */
public final class Gate {

    private Gate() {
    }

    public enum State { MATURE, LEARNING, NONE }

    /**
     * @param limit the largest figure still within the baseline: floor(p99 × headroom × hours)
     */
    public record Comparison(Metric metric, long observed, long p99, long limit, boolean exceeded) {
    }

    /**
     * @param withinBaseline true only for a MATURE baseline with no figure exceeded: the finding is dropped
     * @param text           "observed 212 failed targets vs baseline p99 12; …"
     */
    public record Verdict(State state, boolean withinBaseline, List<Comparison> comparisons, String text, String window) {
    }

    /** The verdict of a distributed scan: no single host's baseline speaks for its many sources, so it goes on. */
    public static Verdict acrossSources(int sources, Duration window) {
        String span = "in the last " + window.toMinutes() + " min";
        return new Verdict(State.NONE, false, List.of(), String.format(Locale.ROOT,
                "%d sources %s, each below the single-source threshold: no single-host baseline applies", sources, span), span);
    }

    /**
     * @param baseline the source's baseline, or null (an external source, or a host not profiled yet)
     * @param observed the source's figures over the window compared
     * @param hours    the window's length in hours (1 for the fast path; the slow evidence's span otherwise)
     * @param compared the figures compared, in the order the evidence lists them
     */
    public static Verdict judge(HostBaseline baseline, HourSample observed, Instant at, int hours, double headroom,
                                boolean internalSource, List<Metric> compared) {
        String window = hours <= 1 ? "in the last hour" : "over the last " + hours + " h";
        List<Comparison> comparisons = new ArrayList<>();
        List<String> parts = new ArrayList<>();
        for (Metric m : compared) {
            long value = observed == null ? 0 : observed.get(m);
            if (baseline == null) {
                parts.add(String.format(Locale.ROOT, "observed %d %s %s vs baseline p99 none", value, m.label(), window));
                comparisons.add(new Comparison(m, value, -1, -1, true));
                continue;
            }
            long p99 = hours <= 1 ? baseline.profile().p99(m, at) : baseline.profile().allP99(m);
            long limit = (long) Math.floor(p99 * headroom * Math.max(1, hours));
            boolean exceeded = value > limit;
            comparisons.add(new Comparison(m, value, p99, limit, exceeded));
            parts.add(String.format(Locale.ROOT, "observed %d %s %s vs baseline p99 %d%s", value, m.label(), window, p99,
                    exceeded ? " (above)" : ""));
        }
        String text = String.join("; ", parts);
        if (baseline == null) {
            return new Verdict(State.NONE, false, comparisons,
                    text + (internalSource ? " (host not profiled yet)" : " (external source: no baseline)"), window);
        }
        if (baseline.state() == HostBaseline.State.LEARNING) {
            return new Verdict(State.LEARNING, false, comparisons, text + " (baseline learning until "
                    + DateTimeFormatter.ISO_INSTANT.format(baseline.matureAt()) + ")", window);
        }
        boolean within = comparisons.stream().noneMatch(Comparison::exceeded);
        return new Verdict(State.MATURE, within, comparisons, text, window);
    }
}
