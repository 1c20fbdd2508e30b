package io.vigil.detection.family;

import io.vigil.detection.model.Attempt;

import java.util.List;
import java.util.Map;

/** A tenant's new batches and what its families' requests read, handed to {@link Family#detect}. */
public record TenantFeatures(TenantWindow window, Map<FeatureRequest, List<Attempt>> reads) {

    /** What one request read; empty when it was not asked for or found nothing. */
    public List<Attempt> get(FeatureRequest request) {
        return reads.getOrDefault(request, List.of());
    }
}
