package io.vigil.lib.clickhouse;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Optional;

/** Where ClickHouse is; the property names match the VIGIL_CLICKHOUSE_* variables that scripts/stack env prints. */
@ConfigMapping(prefix = "vigil.clickhouse")
public interface ClickHouseConfig {

    /**
     * HTTP endpoint, for example http://127.0.0.1:18123; in cluster mode a comma-separated list of nodes, which the
     * service uses in order, moving to the next when one does not answer ({@link ClickHouseEndpoints}).
     */
    String url();

    /**
     * The cluster (a {@code <remote_servers>} name) the schema lives on; empty (the default) means a single server.
     * With a cluster, tables are ReplicatedMergeTree on every shard behind Distributed tables of the same names.
     */
    Optional<String> cluster();

    /** Database holding Vigil's tables; the migrator creates it. */
    @WithDefault("vigil")
    String database();

    @WithDefault("default")
    String user();

    Optional<String> password();

    /** Longest a single request may take before it counts as failed and is retried. */
    @WithDefault("60s")
    Duration socketTimeout();
}
