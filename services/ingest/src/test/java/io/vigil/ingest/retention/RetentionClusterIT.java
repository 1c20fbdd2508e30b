package io.vigil.ingest.retention;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vigil.ingest.support.Stack;
import io.vigil.lib.testing.TenantsProcess;

import java.util.Map;
import java.util.UUID;

/**
 * {@link RetentionChecks} in cluster mode, on the 2 shards x 2 replicas of scripts/stack cluster-up: the rows live in the
 * replicated _local tables behind Distributed ones, so partitions are dropped and rows deleted ON CLUSTER on the local
 * tables (18.16 refuses mutations on a Distributed table), and each shard's replicas follow through ZooKeeper.
 */
@QuarkusTest
@QuarkusTestResource(value = RetentionClusterIT.ClusterResources.class, restrictToAnnotatedClass = true)
class RetentionClusterIT extends RetentionChecks {

    private static final ClusterResources CLUSTER = new ClusterResources();

    /** This class's own database and tenants process, on the cluster. */
    public static class ClusterResources extends Resources {
        static final String DATABASE = "vigil_retention_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        static final TenantsProcess TENANTS = new TenantsProcess();

        @Override
        String database() {
            return DATABASE;
        }

        @Override
        TenantsProcess tenants() {
            return TENANTS;
        }

        @Override
        Map<String, String> extra() {
            return Map.of("vigil.clickhouse.url", String.join(",", Stack.CLUSTER_URLS),
                    "vigil.clickhouse.cluster", Stack.CLUSTER);
        }

        @Override
        void dropDatabase() {
            ch(Stack.CLUSTER_URLS.get(0) + "/?wait_end_of_query=1&distributed_ddl_task_timeout=50",
                    "DROP DATABASE IF EXISTS " + DATABASE + " ON CLUSTER " + Stack.CLUSTER);
        }
    }

    @Override
    String fixtureUrl() {
        return Stack.CLUSTER_URLS.get(0);
    }

    @Override
    Resources resources() {
        return CLUSTER;
    }
}
