package io.vigil.detection.clickhouse;

import com.clickhouse.client.api.Client;
import io.vigil.lib.clickhouse.ClickHouseConfig;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only when ClickHouse answers: without it no cycle can run (alerts already stored stay readable, though). */
@Readiness
@ApplicationScoped
public class ClickHouseHealthCheck implements HealthCheck {

    private final Client client;
    private final ClickHouseConfig config;

    public ClickHouseHealthCheck(Client client, ClickHouseConfig config) {
        this.client = client;
        this.config = config;
    }

    @Override
    public HealthCheckResponse call() {
        boolean reachable = client.ping(2_000);
        return HealthCheckResponse.named("clickhouse").status(reachable)
                .withData("url", config.url()).withData("reachable", reachable).build();
    }
}
