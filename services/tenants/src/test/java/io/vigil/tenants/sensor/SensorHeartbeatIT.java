package io.vigil.tenants.sensor;

import io.quarkus.test.junit.QuarkusTest;
import io.vigil.lib.clickhouse.ClickHouseConfig;
import io.vigil.lib.testing.Api;
import jakarta.inject.Inject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Sensor views carry the latest heartbeat from ClickHouse's sensor_status (rows written here directly, as ingest would):
 * newest version, interfaces and time per sensor, nothing for a sensor never heard from, and never another tenant's row.
 */
@QuarkusTest
class SensorHeartbeatIT {

    private static final DateTimeFormatter CH = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);

    @Inject
    ClickHouseConfig clickhouse;

    String customer;

    @BeforeEach
    void newCustomer() {
        customer = Api.as("msp-a-admin").body(Map.of("name", Api.unique("Heartbeats"))).post("/api/v1/customers")
                .then().statusCode(201).extract().path("id");
    }

    @Test
    void listAndDetailShowTheLatestHeartbeatOfTheSensorsOwnTenantOnly() throws Exception {
        String heard = sensor("heard");
        String silent = sensor("silent");
        Instant latest = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(30);
        heartbeat(customer, heard, latest.minusSeconds(60), "1.0.0", List.of("eth0"));
        heartbeat(customer, heard, latest, "1.1.0", List.of("eth1", "eth2"));
        // The same sensor id under another tenant, newer: must never show up here.
        heartbeat("b1", heard, latest.plusSeconds(20), "9.9.9", List.of("leak0"));

        String find = "find { it.id == '" + heard + "' }";
        Api.as("msp-a-analyst").get("/api/v1/customers/" + customer + "/sensors").then().statusCode(200)
                .body(find + ".lastSeen", equalTo(latest.toString()))
                .body(find + ".version", equalTo("1.1.0"))
                .body(find + ".interfaces", equalTo(List.of("eth1", "eth2")))
                .body("find { it.id == '" + silent + "' }.lastSeen", nullValue())
                .body("find { it.id == '" + silent + "' }.version", nullValue())
                .body("find { it.id == '" + silent + "' }.interfaces", nullValue());
        Api.as("msp-a-admin").get("/api/v1/customers/" + customer + "/sensors/" + heard).then().statusCode(200)
                .body("lastSeen", equalTo(latest.toString())).body("version", equalTo("1.1.0"))
                .body("status", equalTo("PENDING"));
        Api.as("msp-a-admin").get("/api/v1/customers/" + customer + "/sensors/" + silent).then().statusCode(200)
                .body("lastSeen", nullValue());
        Api.as("msp-b-admin").get("/api/v1/customers/" + customer + "/sensors/" + heard).then().statusCode(404);
    }

    private String sensor(String name) {
        return Api.as("msp-a-admin").body(Map.of("name", name)).post("/api/v1/customers/" + customer + "/sensors")
                .then().statusCode(201).extract().path("sensor.id");
    }

    private void heartbeat(String tenant, String sensor, Instant at, String version, List<String> interfaces) throws Exception {
        String names = String.join(", ", interfaces.stream().map(i -> "'" + i + "'").toList());
        String sql = "INSERT INTO " + clickhouse.database() + ".sensor_status (tenant_id, sensor_id, received_at, version, interface_names,"
                + " interface_received, interface_dropped) VALUES ('" + tenant + "', '" + sensor + "', '" + CH.format(at) + "', '"
                + version + "', [" + names + "], [" + "0, ".repeat(interfaces.size() - 1) + "0], [" + "0, ".repeat(interfaces.size() - 1) + "0])";
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(clickhouse.url() + "/"))
                .POST(HttpRequest.BodyPublishers.ofString(sql)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
    }
}
