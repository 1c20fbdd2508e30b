package io.vigil.ingest.support;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/** Ingest in cluster mode against the local cluster of scripts/stack cluster-up, instead of the single node. */
public class ClusterProfile implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("vigil.clickhouse.url", String.join(",", Stack.CLUSTER_URLS),
                "vigil.clickhouse.cluster", Stack.CLUSTER);
    }
}
