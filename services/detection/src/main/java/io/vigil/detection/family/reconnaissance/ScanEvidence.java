package io.vigil.detection.family.reconnaissance;

import io.vigil.detection.model.Attempt;
import io.vigil.detection.model.Evidence;
import io.vigil.detection.model.ProbeKind;

import java.util.List;

/**
 * What a scan finding measured.
 *
 * @param attempts    flows of the probes
 * @param failed      flows that failed (no answer, refused, ICMP error)
 * @param answered    probe flows the target answered without data
 * @param decidedBy   the rule that decided
 * @param trwFailures failed contacts the sequential test needed to decide (0 when it did not)
 * @param slow        the evidence spans more than the fast window, or came at a slow scan's pace
 * @param samples     a few of the probes, oldest first
 * @param probes      the kinds of probe the scan used, in {@link ProbeKind} order: the alert names them ("ACK probes")
 */
public record ScanEvidence(long attempts, long failed, long answered, DecidedBy decidedBy, int trwFailures, boolean slow,
                           List<Attempt> samples, List<ProbeKind> probes) implements Evidence {

    /** Share of probe flows that failed. */
    public double failedRatio() {
        return attempts == 0 ? 0 : (double) failed / attempts;
    }
}
