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
 * @param alone    whether the finding stands without a MATURE baseline; when false, only a MATURE baseline it exceeds
 *                 lets it through (a volume below the family's absolute floor means something only against the host's
 *                 own normal)
 */
public record GatePolicy(List<Metric> compared, Instant since, Gate.Verdict fixed, boolean alone) {

    /** Compare {@code compared} over the last hour. */
    public static GatePolicy lastHour(List<Metric> compared) {
        return new GatePolicy(compared, null, null, true);
    }

    /**
     * Compare {@code compared} over the last hour; without a MATURE baseline the finding goes on only if
     * {@code aboveFloor}.
     */
    public static GatePolicy lastHour(List<Metric> compared, boolean aboveFloor) {
        return new GatePolicy(compared, null, null, aboveFloor);
    }

    /** Compare {@code compared} since {@code since} (evidence spanning more than the fast window). */
    public static GatePolicy since(List<Metric> compared, Instant since) {
        return new GatePolicy(compared, since, null, true);
    }

    /** No host baseline applies; the finding goes on with this verdict as its evidence. */
    public static GatePolicy fixed(Gate.Verdict verdict) {
        return new GatePolicy(List.of(), null, verdict, true);
    }
}
