package io.vigil.detection.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vigil.detection.notify.service.ChangeNotices;
import io.vigil.detection.notify.service.DeliveryWorker;
import io.vigil.detection.sensor.SensorWatchConfig;
import io.vigil.detection.sensor.repository.HeartbeatReader;
import io.vigil.detection.sensor.repository.PresenceRepository;
import io.vigil.detection.sensor.service.SensorDirectory;
import io.vigil.detection.sensor.service.SensorWatcher;
import io.vigil.detection.shard.TenantShard;
import io.vigil.detection.support.TestCustomers;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.vigil.lib.testing.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * sensor.offline and sensor.online end to end on the real stack: heartbeats written into ClickHouse's sensor_status as
 * ingest writes them, the watcher's rounds run at chosen clocks, presences recorded in PostgreSQL, deliveries sent by
 * the real delivery worker to a real HTTP receiver that checks both signatures. The per-run MSP has two customers, so
 * the other customer's destination must stay silent; a destination that chose only alert events too.
 */
@QuarkusTest
class SensorNotificationsIT {

    static final String RUN = UUID.randomUUID().toString().substring(0, 8);
    static final String MSP_ID = "it-msp-" + RUN;
    static final String C1 = "it-" + RUN;
    static final String C2 = "it-" + UUID.randomUUID().toString().substring(0, 8);
    static final String OTHER_MSP = "it-msp-other-" + RUN;
    static final String C3 = "it-" + UUID.randomUUID().toString().substring(0, 8);
    static final String SENSOR = "sn-" + RUN;
    static final String QUIET = "sn-quiet-" + RUN;
    static final Duration WAIT = Duration.ofSeconds(20);
    static final String CLICKHOUSE = System.getenv().getOrDefault("VIGIL_CLICKHOUSE_URL", "http://127.0.0.1:18123");
    static final String DATABASE = System.getenv().getOrDefault("VIGIL_CLICKHOUSE_DATABASE", "vigil");
    static final ObjectMapper JSON = new ObjectMapper();

    static WebhookReceiver receiver;
    static Pool cleanup;

    @Inject
    SensorWatcher watcher;

    @Inject
    Pool pool;

    @Inject
    SensorDirectory directory;

    @Inject
    PresenceRepository presence;

    @Inject
    HeartbeatReader heartbeats;

    @Inject
    ChangeNotices notices;

    @Inject
    DeliveryWorker deliveries;

    @Inject
    TenantShard shard;

    @Inject
    SensorWatchConfig config;

    @AfterAll
    static void tearDown() {
        if (receiver != null) {
            receiver.close();
        }
        if (cleanup != null) {
            // Later runs' rounds must not announce this run's sensors to its closed receiver.
            cleanup.preparedQuery("DELETE FROM detection.sensor_presence WHERE customer_id = ANY($1)")
                    .execute(Tuple.of((Object) new String[]{C1, C2, C3})).await().indefinitely();
            cleanup.preparedQuery("DELETE FROM detection.notification_destinations WHERE msp_id = ANY($1)")
                    .execute(Tuple.of((Object) new String[]{MSP_ID, OTHER_MSP})).await().indefinitely();
        }
    }

    @Test
    void aQuietSensorIsAnnouncedOfflineOnceAndOnlineOnceToTheDestinationsThatChoseItOfItsCustomerAndMsp() throws Exception {
        cleanup = pool;
        receiver = WebhookReceiver.start();
        TestCustomers.named(pool, C1, MSP_ID, "10.0.0.0/8");
        TestCustomers.named(pool, C2, MSP_ID, "10.0.0.0/8");
        TestCustomers.named(pool, C3, OTHER_MSP, "10.0.0.0/8");
        String customerPath = "/api/v1/customers/" + C1 + "/notifications";
        // Default events: a destination created now chooses the sensor events too.
        Response created = as("platform-admin").body(Map.of("name", "C1 hook", "kind", "WEBHOOK", "url", receiver.url("/c1")))
                .post(customerPath);
        created.then().statusCode(201);
        assertEquals(List.of("OPENED", "ESCALATED", "REOPENED", "RESOLVED", "SENSOR_OFFLINE", "SENSOR_ONLINE"),
                created.jsonPath().getList("events"));
        receiver.expect("/c1", created.jsonPath().getString("secret"), 1);
        String c1Hook = created.jsonPath().getString("id");
        receiver.expect("/c2", secret(as("platform-admin").body(Map.of("name", "C2 hook", "kind", "WEBHOOK",
                "url", receiver.url("/c2"))).post("/api/v1/customers/" + C2 + "/notifications")), 0);
        receiver.expect("/alerts-only", secret(as("platform-admin").body(Map.of("name", "alerts only", "kind", "WEBHOOK",
                "url", receiver.url("/alerts-only"), "events", List.of("OPENED", "ESCALATED", "REOPENED", "RESOLVED")))
                .post(customerPath)), 0);
        // MSP-wide, at CRITICAL: sensor events have no severity, so the minimum does not hold them back.
        receiver.expect("/msp", secret(as("platform-admin").body(Map.of("name", "MSP health", "kind", "WEBHOOK",
                "url", receiver.url("/msp"), "minSeverity", "CRITICAL", "events", List.of("SENSOR_ONLINE", "SENSOR_OFFLINE")))
                .post("/api/v1/msps/" + MSP_ID + "/notifications")), 0);
        receiver.expect("/other-msp", secret(as("platform-admin").body(Map.of("name", "another MSP", "kind", "WEBHOOK",
                "url", receiver.url("/other-msp"))).post("/api/v1/msps/" + OTHER_MSP + "/notifications")), 0);
        as("platform-admin").body(Map.of("name", "bad", "kind", "WEBHOOK", "url", receiver.url("/x"),
                "events", List.of("SENSOR_GONE"))).post(customerPath).then().statusCode(400)
                .contentType("application/problem+json");

        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant hb1 = now.minus(Duration.ofMinutes(20));
        Instant hb2 = now.minus(Duration.ofMinutes(5));
        enrolled(C1, SENSOR, "core-span", "site-" + RUN, "HQ", now.minus(Duration.ofHours(2)));
        enrolled(C1, QUIET, "never-heard", null, null, now.minus(Duration.ofMinutes(19)));
        heartbeat(C1, SENSOR, hb1.minusSeconds(30));
        heartbeat(C1, SENSOR, hb1);
        // The same sensor id under another customer is another sensor: its heartbeats are not C1's.
        heartbeat(C2, SENSOR, hb2.plusSeconds(60));

        watcher.watch(hb1.plusSeconds(30));
        watcher.watch(hb1.plus(Duration.ofMinutes(5)));
        WebhookReceiver.Received off = receiver.await("/c1", r -> r.body().contains(SENSOR) && "sensor.offline".equals(r.event()), WAIT);
        assertTrue(off.signatureValid() && off.standardSignatureValid(), "signed like alert notifications");
        JsonNode b = JSON.readTree(off.body());
        assertEquals("sensor.offline", b.get("type").asText());
        assertEquals(off.delivery(), b.get("id").asText());
        assertEquals(C1, b.get("customerId").asText());
        assertEquals(MSP_ID, b.get("mspId").asText());
        assertEquals(SENSOR, b.at("/sensor/id").asText());
        assertEquals("core-span", b.at("/sensor/name").asText());
        assertEquals("site-" + RUN, b.at("/sensor/siteId").asText());
        assertEquals("HQ", b.at("/sensor/siteName").asText());
        assertEquals(hb1.toString(), b.at("/sensor/lastHeartbeatAt").asText());
        assertEquals(hb1.plus(Duration.ofMinutes(5)).toString(), b.at("/sensor/offlineSince").asText());
        receiver.await("/msp", r -> r.body().contains(SENSOR) && "sensor.offline".equals(r.event()), WAIT);

        // Later rounds, and a watcher started afresh (nothing in memory: what it knows is in PostgreSQL), say nothing again.
        watcher.watch(hb1.plus(Duration.ofMinutes(6)));
        SensorWatcher restarted = new SensorWatcher(directory, presence, heartbeats, notices, deliveries, shard, config,
                new SimpleMeterRegistry());
        restarted.watch(hb1.plus(Duration.ofMinutes(5)));
        restarted.watch(hb1.plus(Duration.ofMinutes(7)));

        heartbeat(C1, SENSOR, hb2);
        restarted.watch(hb2.plusSeconds(10));
        WebhookReceiver.Received on = receiver.await("/c1", r -> r.body().contains(SENSOR) && "sensor.online".equals(r.event()), WAIT);
        JsonNode ob = JSON.readTree(on.body());
        assertEquals(hb2.toString(), ob.at("/sensor/lastHeartbeatAt").asText());
        assertEquals(hb1.plus(Duration.ofMinutes(5)).toString(), ob.at("/sensor/offlineSince").asText(), "the offline period that ended");
        receiver.await("/msp", r -> r.body().contains(SENSOR) && "sensor.online".equals(r.event()), WAIT);
        // The sensor never heard from is offline once enrolled for the offline time, with no last heartbeat.
        JsonNode quiet = JSON.readTree(receiver.await("/c1", r -> r.body().contains(QUIET), WAIT).body());
        assertEquals("sensor.offline", quiet.get("type").asText());
        assertTrue(quiet.at("/sensor/lastHeartbeatAt").isNull(), quiet.toString());
        assertEquals(now.minus(Duration.ofMinutes(14)).toString(), quiet.at("/sensor/offlineSince").asText());

        restarted.watch(hb2.plusSeconds(40));
        watcher.watch(hb2.plusSeconds(70));
        Thread.sleep(1500);
        assertEquals(List.of("sensor.offline", "sensor.online"), accepted("/c1", SENSOR), "each transition once");
        assertEquals(List.of("sensor.offline", "sensor.online"), accepted("/msp", SENSOR));
        assertEquals(List.of("sensor.offline"), accepted("/c1", QUIET));
        assertEquals(List.of(), receiver.at("/c2"), "another customer's destination hears nothing of C1's sensors");
        assertEquals(List.of(), receiver.at("/alerts-only"), "a destination that chose alert events only hears nothing");
        assertEquals(List.of(), receiver.at("/other-msp"), "another MSP's MSP-wide destination hears nothing");

        JsonPath log = as("msp-a-analyst").get(customerPath + "/" + c1Hook + "/deliveries").then().statusCode(404).extract().jsonPath();
        assertEquals("https://vigil.io/problems/not-found", log.getString("type"), "another MSP's analyst sees nothing of it");
        JsonPath mine = as("platform-admin").get(customerPath + "/" + c1Hook + "/deliveries").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(List.of("SENSOR_ONLINE", "SENSOR_OFFLINE", "SENSOR_OFFLINE"), mine.getList("items.event"));
        assertEquals(List.of("DELIVERED", "DELIVERED", "DELIVERED"), mine.getList("items.status"));

        String metrics = RestAssured.given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("vigil_detection_sensors_offline ")), "offline gauge exported");
        assertTrue(metrics.lines().anyMatch(l -> l.startsWith("vigil_detection_notify_backlog ")), "backlog gauge exported");
    }

    private List<String> accepted(String path, String sensor) {
        return receiver.at(path).stream().filter(r -> r.answered() == 200 && r.body().contains("\"" + sensor + "\""))
                .map(WebhookReceiver.Received::event).toList();
    }

    private static String secret(Response r) {
        r.then().statusCode(201);
        return r.jsonPath().getString("secret");
    }

    /** An enrolled sensor as the watcher's roster holds it in tests (tenants' list in production). */
    private void enrolled(String customer, String sensor, String name, String siteId, String siteName, Instant at) {
        pool.preparedQuery("INSERT INTO detection.sensor_presence (customer_id, sensor_id, msp_id, site_id, site_name, name,"
                        + " watched_since, state, state_since, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'WAITING', $7, now())")
                .execute(Tuple.tuple().addValue(customer).addValue(sensor).addValue(MSP_ID).addValue(siteId).addValue(siteName)
                        .addValue(name).addValue(at.atOffset(ZoneOffset.UTC)))
                .await().indefinitely();
    }

    /** A heartbeat row as ingest stores it. */
    private static void heartbeat(String tenant, String sensor, Instant receivedAt) throws Exception {
        String sql = "INSERT INTO " + DATABASE + ".sensor_status (tenant_id, sensor_id, received_at, version) VALUES ('"
                + tenant + "', '" + sensor + "', toDateTime(" + receivedAt.getEpochSecond() + "), 'it')";
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(CLICKHOUSE + "/"))
                .POST(HttpRequest.BodyPublishers.ofString(sql, StandardCharsets.UTF_8)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
    }
}
