package io.vigil.detection.cycle;

import java.util.List;
import java.util.Map;

/**
 * One tenant's work in a cycle: the batch range of each sensor with new batches, and the processed marks the cycle
 * read (what its compare-and-set expects).
 *
 * @param processed the marks read, by sensor; a sensor never judged is absent
 */
public record TenantBatches(String tenant, List<SeqRange> ranges, Map<String, Long> processed) {

    /** The batches judged, summed over the tenant's sensors. */
    public long batchCount() {
        return ranges.stream().mapToLong(r -> r.upTo() - r.after()).sum();
    }
}
