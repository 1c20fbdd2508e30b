package io.vigil.detection.family.exfiltration;

import io.vigil.detection.model.Evidence;

import java.util.List;

/**
 * What a source sent out within the window, and (for staging) what it pulled before.
 *
 * @param externalBytes IP bytes sent to external hosts within the window
 * @param destinations  the external destinations, the most bytes first: "198.51.100.10 443/tcp 150.2 MB"
 * @param aboveFloor    whether {@code externalBytes} reached the floor for a host without a mature baseline
 * @param pulledBytes   IP bytes pulled from internal hosts within the staging horizon (0 for an upload alone)
 * @param pulledHosts   distinct internal hosts pulled from
 */
public record UploadEvidence(long externalBytes, List<String> destinations, boolean aboveFloor, long pulledBytes,
                             int pulledHosts) implements Evidence {
}
