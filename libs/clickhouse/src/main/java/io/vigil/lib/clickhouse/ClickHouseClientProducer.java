package io.vigil.lib.clickhouse;

import com.clickhouse.client.api.Client;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.time.temporal.ChronoUnit;

/**
 * Builds the one ClickHouse client a service shares, set up for what ClickHouse 18.16 understands; it names itself
 * after the service (quarkus.application.name) in ClickHouse's query log.
 */
@ApplicationScoped
public class ClickHouseClientProducer {

    @Produces
    @Singleton
    @DefaultBean
    Client client(ClickHouseConfig config, @ConfigProperty(name = "quarkus.application.name") String service) {
        return new Client.Builder()
                .addEndpoint(config.url())
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

    void close(@Disposes Client client) {
        client.close();
    }
}
