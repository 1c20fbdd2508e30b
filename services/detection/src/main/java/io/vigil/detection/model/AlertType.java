package io.vigil.detection.model;

import java.util.Arrays;
import java.util.List;

/**
 * What an alert is, within its family: an alert's {@code type}. One alert exists per (customer, type, source), so a
 * type is also the unit of merging, allow-listing by type and counting in summaries.
 */
public enum AlertType {
    /** Many hosts, few ports. */
    HORIZONTAL(AlertFamily.RECONNAISSANCE),
    /** One host, many ports (SYN, connect or ACK probes). */
    VERTICAL(AlertFamily.RECONNAISSANCE),
    /** ICMP echo or ACK pings across hosts. */
    HOST_SWEEP(AlertFamily.RECONNAISSANCE),
    /** UDP probes. */
    UDP(AlertFamily.RECONNAISSANCE),
    /** FIN, NULL or Xmas probes. */
    STEALTH(AlertFamily.RECONNAISSANCE),
    /** Many sources, each too quiet alone, probing one service across one target prefix. */
    DISTRIBUTED(AlertFamily.RECONNAISSANCE),
    /** An internal host logs in to an internal host on an admin service (SMB, RDP, SSH, ...) it never reached before. */
    NEW_ADMIN_EDGE(AlertFamily.LATERAL_MOVEMENT),
    /** Many short, similar connections from an internal source to one admin service of one host: password guessing. */
    AUTH_BRUTE_FORCE(AlertFamily.LATERAL_MOVEMENT),
    /** The same from the internet to an internal host: what every exposed server sees, so of lower severity. */
    EXTERNAL_BRUTE_FORCE(AlertFamily.LATERAL_MOVEMENT),
    /** An internal host sends far more to external destinations within an hour than its baseline, or than a floor. */
    UNUSUAL_UPLOAD(AlertFamily.EXFILTRATION),
    /** An internal host pulls much from many internal hosts, then uploads externally within hours. */
    DATA_STAGING(AlertFamily.EXFILTRATION);

    private final AlertFamily family;

    AlertType(AlertFamily family) {
        this.family = family;
    }

    public AlertFamily family() {
        return family;
    }

    /** The types of one family, in declaration order. */
    public static List<AlertType> of(AlertFamily family) {
        return Arrays.stream(values()).filter(t -> t.family == family).toList();
    }
}
