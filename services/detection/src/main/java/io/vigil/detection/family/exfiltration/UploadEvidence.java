package io.vigil.detection.family.exfiltration;

import io.vigil.detection.model.Evidence;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;

/**
 * What a source sent out within the window, and (for staging) what it pulled before.
 *
 * @param externalBytes IP bytes sent to external hosts within the window
 * @param destinations  the external destinations, the most bytes first: "198.51.100.10 443/tcp 150.2 MB"
 * @param hostBytes     the bytes sent to each of the {@value Uploads#LISTED} external hosts that got the most
 * @param timeline      the bytes sent to external hosts by minute (epoch ms of its start) within the window
 * @param aboveFloor    whether {@code externalBytes} reached the floor for a host without a mature baseline
 * @param pulledBytes   IP bytes pulled from internal hosts within the staging horizon (0 for an upload alone)
 * @param pulledHosts   distinct internal hosts pulled from
 * @param rareHosts     which of {@code hostBytes}' hosts are rare for the customer ({@code Rarity}); empty until refined
 */
public record UploadEvidence(long externalBytes, List<String> destinations, Map<String, Long> hostBytes,
                             SortedMap<Long, Long> timeline, boolean aboveFloor, long pulledBytes, int pulledHosts,
                             Set<String> rareHosts) implements Evidence {

    /** The bytes sent to rare hosts. */
    public long rareBytes() {
        return rareHosts.stream().mapToLong(h -> hostBytes.getOrDefault(h, 0L)).sum();
    }

    /** Whether most of the volume went to rare hosts: what raises the alert's severity. */
    public boolean mostlyRare() {
        return externalBytes > 0 && 2 * rareBytes() >= externalBytes;
    }

    UploadEvidence withRare(Set<String> rare) {
        return new UploadEvidence(externalBytes, destinations, hostBytes, timeline, aboveFloor, pulledBytes, pulledHosts, Set.copyOf(rare));
    }
}
