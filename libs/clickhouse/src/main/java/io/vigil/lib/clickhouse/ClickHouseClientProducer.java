package io.vigil.lib.clickhouse;

import com.clickhouse.client.api.Client;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.temporal.ChronoUnit;

/**
 * Builds ClickHouse clients set up for what ClickHouse 18.16 understands, named after the service
 * (quarkus.application.name) in ClickHouse's query log; the injectable {@link Client} is the first configured server's.
 */
@ApplicationScoped
public class ClickHouseClientProducer {

    /** The first server of vigil.clickhouse.url; code that must survive a server going away uses {@link ClickHouseEndpoints}. */
    @Produces
    @Singleton
    @DefaultBean
    Client client(ClickHouseEndpoints endpoints) {
        return endpoints.all().get(0);
    }

    static Client build(String url, ClickHouseConfig config, String service) {
        Client.Builder builder = new Client.Builder();
        if (config.cluster().isPresent()) {
            // A node told to stop (SIGTERM) refuses new connections but serves open keep-alive ones for up to ~25 s,
            // with its replication port already closed: rows written there meanwhile reach no other replica until
            // it is back. Short-lived connections move a service to another node within a second instead.
            builder.setConnectionTTL(1, ChronoUnit.SECONDS);
        }
        return builder
                .addEndpoint(url)
                .setUsername(config.user())
                .setPassword(config.password().orElse(""))
                .setDefaultDatabase(config.database())
                // 18.16 cannot compress responses the way client-v2 expects, and on a LAN or loopback
                // link plain RowBinary costs less CPU than LZ4 on both ends.
                .compressServerResponse(false)
                .compressClientRequest(false)
                .setSocketTimeout(config.socketTimeout().toMillis(), ChronoUnit.MILLIS)
                .setConnectTimeout(2_000, ChronoUnit.MILLIS)
                .setMaxRetries(0)
                .setClientName(service)
                .build();
    }
}
