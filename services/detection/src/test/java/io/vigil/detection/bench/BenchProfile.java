package io.vigil.detection.bench;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * Points detection at the benchmark's own ClickHouse database, records the SQL it runs (for the raw reference) and lets
 * it run only some families (for each family's cost).
 */
public class BenchProfile implements QuarkusTestProfile {

    static final String DATABASE = "vigil_bench";

    @Override
    public Map<String, String> getConfigOverrides() {
        // Shared dev PostgreSQL: a branch merged later may already have applied newer migrations there.
        return Map.of("vigil.clickhouse.database", DATABASE,
                "quarkus.arc.selected-alternatives", RecordingQueries.class.getName() + "," + SwitchableFamilies.class.getName(),
                "quarkus.flyway.ignore-migration-patterns", "*:future");
    }
}
