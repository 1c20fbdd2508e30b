package io.vigil.detection.family.reconnaissance;

/** Which rule decided a scan finding. */
public enum DecidedBy {
    /** The sequential test (Threshold Random Walk) over the new batches. */
    TRW,
    /** Distinct failed targets in the new batches, when successes kept the walk from deciding. */
    WINDOW_COUNT,
    /** Distinct hosts pinged in the new batches, answered or not. */
    SWEEP_COUNT,
    /** The walk over the slow horizon of the per-minute roll-up, with enough failed targets. */
    SLOW,
    /** Many quiet sources failing on one service across one target prefix. */
    DISTRIBUTED;

    /** Whether the evidence overlaps earlier cycles' (slow horizon, distributed window): counts then only rise to it. */
    public boolean overlapsEarlierCycles() {
        return this == SLOW || this == DISTRIBUTED;
    }
}
