package io.vigil.detection.scan;

import java.util.List;

/**
 * A scan the analyzer decided on: one source, one type, and the evidence that goes into its SmartAlert.
 *
 * @param source       the scanning address; for a distributed scan the alert key, "23/tcp 10.78.0.0/24"
 * @param targets      distinct probed hosts, sorted (vertical: the one host)
 * @param services     distinct probed services ("22/tcp"), sorted
 * @param attempts     flows of the probes
 * @param failed       flows that failed (no answer, refused, ICMP error)
 * @param answered     probe flows the target answered without data
 * @param decidedBy    "trw" (the sequential test), "window-count" (distinct failed targets in the window), "sweep-count"
 *                     (distinct hosts pinged in the window), "slow" (over the per-minute roll-up) or "distributed"
 * @param trwFailures  failed contacts the TRW needed to decide (0 when it did not)
 * @param slow         the evidence spans more than the fast window (judged from the per-minute roll-up)
 * @param samples      a few of the probes, oldest first
 * @param sources      the scanning addresses, sorted: the source itself, or a distributed scan's members
 */
public record Finding(ScanType type, String source, List<String> targets, List<String> services,
                      long attempts, long failed, long answered, long firstMs, long lastMs,
                      String decidedBy, int trwFailures, boolean slow, List<Attempt> samples,
                      List<String> sources) {

    /** A single-source finding. */
    public Finding(ScanType type, String source, List<String> targets, List<String> services, long attempts, long failed,
                   long answered, long firstMs, long lastMs, String decidedBy, int trwFailures, boolean slow, List<Attempt> samples) {
        this(type, source, targets, services, attempts, failed, answered, firstMs, lastMs, decidedBy, trwFailures, slow, samples,
                List.of(source));
    }

    /** Share of probe flows that failed. */
    public double failedRatio() {
        return attempts == 0 ? 0 : (double) failed / attempts;
    }
}
