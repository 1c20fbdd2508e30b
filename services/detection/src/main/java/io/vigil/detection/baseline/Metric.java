package io.vigil.detection.baseline;

/** The per-host, per-hour figures a baseline profiles. */
public enum Metric {
    /** Distinct hosts the host contacted. */
    PEERS("distinct peers"),
    /** Distinct (port, protocol) it contacted. */
    PORTS("distinct ports"),
    /** Distinct (peer, port, protocol) where its attempts failed: the scan detector's evidence. */
    FAILED_TARGETS("failed targets"),
    /** Failed attempts / attempts, in per mille (so every figure is an integer). */
    FAILED_RATIO("failed-attempt ratio (per mille)"),
    /** Bytes it sent, as initiator or responder. */
    BYTES_OUT("bytes out"),
    /** Bytes it received, as initiator or responder. */
    BYTES_IN("bytes in"),
    /** External destinations it contacted for the first time in the history. */
    NEW_EXTERNAL("new external destinations");

    private final String label;

    Metric(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
