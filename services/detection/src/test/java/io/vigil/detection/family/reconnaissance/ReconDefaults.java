package io.vigil.detection.family.reconnaissance;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.vigil.detection.model.Finding;

import java.util.Map;

/** The family's configuration as shipped (its {@code @WithDefault}s), with overrides, for tests without Quarkus. */
final class ReconDefaults {

    private ReconDefaults() {
    }

    static ReconnaissanceConfig config() {
        return config(Map.of());
    }

    /** @param overrides keys under vigil.detection.reconnaissance, e.g. "slow-min-targets" */
    static ReconnaissanceConfig config(Map<String, String> overrides) {
        Map<String, String> props = new java.util.HashMap<>();
        overrides.forEach((k, v) -> props.put("vigil.detection.reconnaissance." + k, v));
        return new SmallRyeConfigBuilder().withMapping(ReconnaissanceConfig.class)
                .withSources(new PropertiesConfigSource(props, "test", 500)).build()
                .getConfigMapping(ReconnaissanceConfig.class);
    }

    /** A scan finding's own evidence. */
    static ScanEvidence scan(Finding f) {
        return (ScanEvidence) f.evidence();
    }
}
