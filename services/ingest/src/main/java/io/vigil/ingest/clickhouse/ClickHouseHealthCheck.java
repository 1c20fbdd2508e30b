package io.vigil.ingest.clickhouse;

import com.clickhouse.client.api.Client;
import io.vigil.lib.clickhouse.ClickHouseConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only when ClickHouse answers and the schema is current: before that, stored flows could not be acknowledged. */
@Readiness
@ApplicationScoped
public class ClickHouseHealthCheck implements HealthCheck {

    private final Client client;
    private final SchemaMigrator migrator;
    private final ClickHouseConfig config;

    public ClickHouseHealthCheck(Client client, SchemaMigrator migrator, ClickHouseConfig config) {
        this.client = client;
        this.migrator = migrator;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        boolean reachable = client.ping(2_000);
        boolean schema = migrator.isReady();
        return HealthCheckResponse.named("clickhouse")
                .status(reachable && schema)
                .withData("url", config.url())
                .withData("reachable", reachable)
                .withData("schema", schema ? "current" : "pending: " + migrator.lastError())
                .build();
    }
}
