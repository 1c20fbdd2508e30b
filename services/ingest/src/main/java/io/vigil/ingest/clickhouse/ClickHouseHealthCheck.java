package io.vigil.ingest.clickhouse;

import io.vigil.lib.clickhouse.ClickHouseConfig;
import io.vigil.lib.clickhouse.ClickHouseEndpoints;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only when ClickHouse answers and the schema is current: before that, stored flows could not be acknowledged. */
@Readiness
@ApplicationScoped
public class ClickHouseHealthCheck implements HealthCheck {

    private final ClickHouseEndpoints endpoints;
    private final SchemaMigrator migrator;
    private final ClickHouseConfig config;

    public ClickHouseHealthCheck(ClickHouseEndpoints endpoints, SchemaMigrator migrator, ClickHouseConfig config) {
        this.endpoints = endpoints;
        this.migrator = migrator;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        boolean reachable = endpoints.ping(2_000);
        boolean schema = migrator.isReady();
        return HealthCheckResponse.named("clickhouse")
                .status(reachable && schema)
                .withData("url", endpoints.currentUrl())
                .withData("cluster", config.cluster().orElse("none"))
                .withData("reachable", reachable)
                .withData("schema", schema ? "current" : "pending: " + migrator.lastError())
                .build();
    }
}
