package io.vigil.detection.scan;

import java.util.List;

/**
 * A scan the analyzer decided on: one source, one type, and the evidence that goes into its SmartAlert.
 *
 * @param targets      distinct probed hosts, sorted (vertical: the one host)
 * @param services     distinct probed services ("22/tcp"), sorted
 * @param attempts     flows of the probes
 * @param failed       flows that failed (no answer, refused, ICMP error)
 * @param answered     probe flows the target answered without data
 * @param decidedBy    "trw" (the sequential test), "window-count" (distinct failed targets in the window) or "slow"
 * @param trwFailures  failed contacts the TRW needed to decide (0 when it did not)
 * @param slow         the evidence spans more than the fast window (judged from the per-minute roll-up)
 * @param samples      a few of the probes, oldest first
 */
public record Finding(ScanType type, String source, List<String> targets, List<String> services,
                      long attempts, long failed, long answered, long firstMs, long lastMs,
                      String decidedBy, int trwFailures, boolean slow, List<Attempt> samples) {

    /** Share of probe flows that failed. */
    public double failedRatio() {
        return attempts == 0 ? 0 : (double) failed / attempts;
    }
}
