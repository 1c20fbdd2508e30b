package io.vigil.tenants.sensor;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

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

    @Test
    void theMspListPagesThroughEveryCustomersSensorsWithTheirOwnHeartbeats() throws Exception {
        String heard = sensor("heard");
        String silent = sensor("silent");
        Instant latest = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(30);
        heartbeat(customer, heard, latest, "1.1.0", List.of("eth1"));
        heartbeat("b1", heard, latest.plusSeconds(20), "9.9.9", List.of("leak0"));

        Map<String, Map<String, Object>> seen = new HashMap<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonPath page = Api.as("msp-a-analyst").get("/api/v1/msps/msp-a/sensors?status=PENDING&limit=100"
                    + (cursor == null ? "" : "&cursor=" + cursor)).then().statusCode(200).extract().jsonPath();
            List<Map<String, Object>> items = page.getList("items");
            for (Map<String, Object> item : items) {
                assertEquals("PENDING", item.get("status"), "the status filter: " + item);
                assertNull(seen.put((String) item.get("id"), item), "each sensor once across pages: " + item.get("id"));
            }
            cursor = page.getString("nextCursor");
            pages++;
        } while (cursor != null);
        assertEquals(customer, seen.get(heard).get("customerId"));
        assertEquals(latest.toString(), seen.get(heard).get("lastSeen"), "its own tenant's heartbeat, not b1's newer one");
        assertEquals("1.1.0", seen.get(heard).get("version"));
        assertNull(seen.get(silent).get("lastSeen"));
        System.out.printf("msp-a: %d pending sensors in %d pages%n", seen.size(), pages);

        Api.as("msp-a-analyst").get("/api/v1/msps/msp-a/sensors?status=REVOKED&limit=1000").then().statusCode(200)
                .body("items.id", not(hasItem(heard)));
        Api.as("msp-a-analyst").get("/api/v1/msps/msp-a/sensors?cursor=bogus").then().statusCode(400);
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
