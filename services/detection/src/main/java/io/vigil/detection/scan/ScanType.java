package io.vigil.detection.scan;

/** The shape of a scan, which decides how the alert is summarised and grouped. */
public enum ScanType {
    /** Many hosts, few ports. */
    HORIZONTAL,
    /** One host, many ports. */
    VERTICAL,
    /** ICMP echo or ACK pings across hosts. */
    HOST_SWEEP,
    /** UDP probes. */
    UDP,
    /** FIN, NULL or Xmas probes. */
    STEALTH,
    /** Many sources, one target set (not detected yet). */
    DISTRIBUTED
}
