package io.vigil.detection.family;

import java.util.Map;

/** A tenant's new batches and what its families' requests read, handed to {@link Family#detect}. */
public record TenantFeatures(TenantWindow window, Map<FeatureRequest<?>, Object> reads) {

    /** What one request read; its {@link FeatureRequest#none()} when it was not asked for or found nothing. */
    @SuppressWarnings("unchecked")
    public <R> R get(FeatureRequest<R> request) {
        Object r = reads.get(request);
        return r == null ? request.none() : (R) r;
    }
}
