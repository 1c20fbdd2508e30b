package io.vigil.detection.family;

import io.vigil.detection.baseline.Gate;
import io.vigil.detection.baseline.Metric;

import java.time.Instant;
import java.util.List;

/**
 * How a finding meets its source's baseline: which figures are compared, over which window, or (for a finding with no
 * single acting host, such as a distributed scan) a verdict fixed by the family with no comparison.
 *
 * @param compared the figures to compare, in the order the evidence lists them
 * @param since    the start of the window compared; null for the last hour, against the hour-of-week p99
 * @param fixed    the verdict when no host baseline applies, else null
 */
public record GatePolicy(List<Metric> compared, Instant since, Gate.Verdict fixed) {

    /** Compare {@code compared} over the last hour. */
    public static GatePolicy lastHour(List<Metric> compared) {
        return new GatePolicy(compared, null, null);
    }

    /** Compare {@code compared} since {@code since} (evidence spanning more than the fast window). */
    public static GatePolicy since(List<Metric> compared, Instant since) {
        return new GatePolicy(compared, since, null);
    }

    /** No host baseline applies; the finding goes on with this verdict as its evidence. */
    public static GatePolicy fixed(Gate.Verdict verdict) {
        return new GatePolicy(List.of(), null, verdict);
    }
}
