package io.vigil.detection.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vigil.detection.support.TestCustomers;
import io.vigil.detection.alert.Alert;
import io.vigil.detection.alert.AlertStatus;
import io.vigil.detection.alert.repository.AlertRepository;
import io.vigil.detection.customer.Customer;
import io.vigil.detection.customer.service.CustomerDirectory;
import io.vigil.detection.model.Direction;
import io.vigil.detection.cycle.AlertWriter;
import io.vigil.detection.cycle.FindingGate;
import io.vigil.detection.cycle.SensorMarks;
import io.vigil.detection.cycle.SeqRange;
import io.vigil.detection.cycle.TenantBatches;
import io.vigil.detection.cycle.TenantVerdicts;
import io.vigil.detection.family.reconnaissance.DecidedBy;
import io.vigil.detection.family.reconnaissance.ScanEvidence;
import io.vigil.detection.model.Finding;
import io.vigil.detection.model.ProbeKind;
import io.vigil.detection.model.AlertType;
import io.vigil.detection.model.Severity;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;

import static io.vigil.lib.testing.Api.as;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Webhook notifications end to end on the real stack: destinations managed through the API with real Keycloak tokens,
 * alert changes made by the real AlertService (the hook the detection cycle uses), deliveries queued in PostgreSQL and
 * sent to a real HTTP receiver that checks the HMAC signature and refuses the first attempts.
 */
@QuarkusTest
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NotificationsIT {

    static final String TENANT = "it-" + UUID.randomUUID().toString().substring(0, 8);
    static final String CUSTOMER = "/api/v1/customers/" + TENANT + "/notifications";
    static final String MSP = "/api/v1/msps/msp-a/notifications";
    static final String SOURCE = "198.51.100." + (1 + new java.util.Random().nextInt(250));
    static final Duration WAIT = Duration.ofSeconds(20);
    static final ObjectMapper JSON = new ObjectMapper();

    static WebhookReceiver receiver;
    static String hookId;
    static String mspHookId;
    static String alertId;

    @Inject
    AlertWriter writer;

    @Inject
    CustomerDirectory customers;

    @Inject
    AlertRepository alertRepository;

    @Inject
    Pool pool;

    synchronized void setUp() throws Exception {
        if (receiver != null) {
            return;
        }
        TestCustomers.named(pool, TENANT, "msp-a", "10.0.0.0/8");
        receiver = WebhookReceiver.start();
    }

    @AfterAll
    static void tearDown() {
        if (receiver != null) {
            receiver.close();
        }
    }

    /** A scan from the internet, as the cycle would merge it (HORIZONTAL, one source per run). */
    static Finding finding(List<String> targets, long answered, Instant last) {
        return finding(SOURCE, targets, answered, last);
    }

    static Finding finding(String source, List<String> targets, long answered, Instant last) {
        return new Finding(AlertType.HORIZONTAL, source, List.of(source), targets, List.of("22/tcp"),
                last.minusSeconds(5).toEpochMilli(), last.toEpochMilli(), new ScanEvidence(targets.size() * 2L,
                targets.size() * 2L - answered, answered, DecidedBy.TRW, 4, false, List.of(), List.of(ProbeKind.SYN)));
    }

    /** Merges the finding as the detection cycle's writer does, with {@code batches}' marks in the same transaction. */
    AlertWriter.Written write(Finding f, TenantBatches batches) throws Throwable {
        Customer customer = customers.find(TENANT).await().atMost(Duration.ofSeconds(10));
        return VertxContextSupport.subscribeAndAwait(() -> writer.write(List.of(new TenantVerdicts(batches, customer,
                List.of(new FindingGate.Decision(f, null, null, null)))), Instant.now()));
    }

    /** Merges the finding as the cycle does (no batches of its own) and returns its alert as committed. */
    Alert record(Finding f) throws Throwable {
        write(f, new TenantBatches(TENANT, List.of(), Map.of()));
        return stored(f).orElseThrow();
    }

    java.util.Optional<Alert> stored(Finding f) throws Throwable {
        return VertxContextSupport.subscribeAndAwait(() -> Panache.withSession(() -> alertRepository.findByKeys(List.of(TENANT),
                List.of(f.source())))).stream().filter(a -> a.type == f.type()).findFirst();
    }

    static JsonNode body(WebhookReceiver.Received r) throws Exception {
        return JSON.readTree(r.body());
    }

    static String create(String caller, String path, Map<String, Object> body) {
        Response r = as(caller).body(body).post(path);
        r.then().statusCode(201).body("secret", org.hamcrest.Matchers.startsWith("whsec_"));
        String id = r.jsonPath().getString("id");
        assertTrue(r.header("Location").endsWith(path + "/" + id), r.header("Location"));
        return id;
    }

    @Test
    @Order(1)
    void webhookIsCreatedByTheMspAdminAndItsSecretIsShownOnlyOnce() throws Exception {
        setUp();
        Response r = as("msp-a-admin").body(Map.of("name", "SOC hook", "kind", "WEBHOOK", "url", receiver.url("/customer")))
                .post(CUSTOMER);
        r.then().statusCode(201).body("kind", equalTo("WEBHOOK")).body("minSeverity", equalTo("LOW"))
                .body("events", equalTo(List.of("OPENED", "ESCALATED", "REOPENED", "RESOLVED", "SENSOR_OFFLINE", "SENSOR_ONLINE"))).body("customerId", equalTo(TENANT))
                .body("createdBy", equalTo("msp-a-admin"));
        hookId = r.jsonPath().getString("id");
        String secret = r.jsonPath().getString("secret");
        assertTrue(secret.startsWith("whsec_") && secret.length() > 40, secret);
        receiver.expect("/customer", secret, 2);

        as("msp-a-analyst").get(CUSTOMER + "/" + hookId).then().statusCode(200).body("$", not(hasKey("secret")))
                .body("url", equalTo(receiver.url("/…")));
        as("msp-a-admin").get(CUSTOMER + "/" + hookId).then().statusCode(200).body("url", equalTo(receiver.url("/customer")));
        as("msp-a-admin").get(CUSTOMER).then().statusCode(200).body("size()", equalTo(1)).body("[0]", not(hasKey("secret")));

        // MSP-wide: every msp-a customer's alerts, filtered to HIGH and above, escalations and reopenings only.
        mspHookId = create("msp-a-admin", MSP, Map.of("name", "MSP SIEM hook", "kind", "WEBHOOK",
                "url", receiver.url("/msp"), "minSeverity", "HIGH", "events", List.of("ESCALATED", "REOPENED")));
        String mspSecret = as("msp-a-admin").post(MSP + "/" + mspHookId + "/rotate-secret").then().statusCode(200)
                .extract().path("secret");
        receiver.expect("/msp", mspSecret, 0);
        as("msp-a-analyst").get(MSP + "/" + mspHookId).then().statusCode(200).body("$", not(hasKey("secret")))
                .body("customerId", equalTo(null)).body("mspId", equalTo("msp-a"));
    }

    @Test
    @Order(2)
    void anOpenedAlertIsPostedSignedAndRetriedWithGrowingBackoffUntilAccepted() throws Throwable {
        setUp();
        Alert a = record(finding(List.of("203.0.113.10"), 0, Instant.now()));
        alertId = a.id;
        assertEquals(Severity.LOW, a.severity);

        WebhookReceiver.Received ok = receiver.await("/customer", r -> r.body().contains(alertId), WAIT);
        List<WebhookReceiver.Received> tries = receiver.at("/customer").stream().filter(r -> r.body().contains(alertId)).toList();
        assertEquals(List.of(503, 503, 200), tries.stream().map(WebhookReceiver.Received::answered).toList());
        assertTrue(tries.stream().allMatch(WebhookReceiver.Received::signatureValid), "every attempt is signed");
        assertTrue(tries.stream().allMatch(WebhookReceiver.Received::standardSignatureValid),
                "every attempt carries a valid Standard Webhooks signature");
        assertEquals(List.of(tries.get(0).delivery()), tries.stream().map(WebhookReceiver.Received::webhookId).distinct().toList(),
                "webhook-id is the delivery id, the same on every retry");
        assertEquals(1, tries.stream().map(WebhookReceiver.Received::delivery).distinct().count(), "one delivery id");
        assertEquals(1, tries.stream().map(WebhookReceiver.Received::body).distinct().count(), "the same body each time");
        long firstWaitMs = (tries.get(1).atNanos() - tries.get(0).atNanos()) / 1_000_000;
        long secondWaitMs = (tries.get(2).atNanos() - tries.get(1).atNanos()) / 1_000_000;
        // backoff-initial 300 ms ±20 %, then doubled: the second wait is longer than the first can ever be.
        assertTrue(firstWaitMs >= 240, "first wait " + firstWaitMs);
        assertTrue(secondWaitMs >= 480, "second wait " + secondWaitMs);

        JsonNode b = body(ok);
        assertEquals("alert.opened", ok.event());
        assertEquals("alert.opened", b.get("type").asText());
        assertEquals(ok.delivery(), b.get("id").asText());
        assertEquals("OPENED", b.get("change").asText());
        assertEquals(TENANT, b.get("customerId").asText());
        assertEquals("msp-a", b.get("mspId").asText());
        assertEquals(alertId, b.at("/alert/id").asText());
        assertEquals(SOURCE, b.at("/alert/source").asText());
        assertEquals("RECONNAISSANCE", b.at("/alert/family").asText(), "the payload names the family");
        assertEquals("LOW", b.at("/alert/severity").asText());
        assertEquals("OPEN", b.at("/alert/status").asText());
        assertTrue(b.at("/alert/summary").asText().startsWith(SOURCE + " probed 1 host on 22/tcp in "), b.toString());

        JsonPath log = as("msp-a-analyst").get(CUSTOMER + "/" + hookId + "/deliveries").then().statusCode(200).extract().jsonPath();
        assertEquals(1, log.getList("items").size());
        assertEquals("DELIVERED", log.getString("items[0].status"));
        assertEquals(3, log.getInt("items[0].attempts"));
        assertEquals(200, log.getInt("items[0].lastStatusCode"));
        assertEquals("OPENED", log.getString("items[0].event"));
        assertEquals(alertId, log.getString("items[0].alertId"));
        assertNotNull(log.getString("items[0].deliveredAt"));
        assertTrue(receiver.at("/msp").isEmpty(), "LOW and OPENED are below the MSP hook's filter");
    }

    @Test
    @Order(3)
    void aRiseInSeverityIsAnEscalationToBothTheCustomerAndTheMspWideHook() throws Throwable {
        setUp();
        List<String> inside = IntStream.rangeClosed(1, 100).mapToObj(i -> "10.0.0." + i).toList();
        Alert a = record(finding(inside, 3, Instant.now()));
        assertEquals(alertId, a.id);
        assertEquals(Severity.HIGH, a.severity);
        assertEquals(Direction.INBOUND, a.direction);

        JsonNode customer = body(receiver.await("/customer", r -> r.body().contains("alert.escalated"), WAIT));
        assertEquals("LOW", customer.get("previousSeverity").asText());
        assertEquals("HIGH", customer.at("/alert/severity").asText());
        JsonNode msp = body(receiver.await("/msp", r -> r.body().contains("alert.escalated"), WAIT));
        assertEquals(TENANT, msp.get("customerId").asText());
        assertEquals(alertId, msp.at("/alert/id").asText());
        assertTrue(receiver.at("/msp").stream().allMatch(WebhookReceiver.Received::signatureValid),
                "signed with the rotated secret");

        // The same evidence again changes nothing worth telling.
        record(finding(inside, 3, Instant.now()));
        Thread.sleep(1500);
        assertEquals(1, receiver.at("/customer").stream().filter(r -> r.body().contains("alert.escalated")).count());
    }

    @Test
    @Order(4)
    void aResolutionIsSentOnceAsAlertResolvedToTheHooksThatChoseIt() throws Throwable {
        setUp();
        // The MSP-wide hook was created with ESCALATED and REOPENED only: it opts in to resolutions.
        as("msp-a-admin").body(Map.of("events", List.of("RESOLVED", "ESCALATED", "REOPENED"))).patch(MSP + "/" + mspHookId)
                .then().statusCode(200).body("events", equalTo(List.of("ESCALATED", "REOPENED", "RESOLVED")));
        String resolve = "/api/v1/customers/" + TENANT + "/alerts/" + alertId + "/resolve";
        as("msp-a-analyst").post(resolve).then().statusCode(200).body("status", equalTo("RESOLVED"));
        // Resolving a resolved alert changes nothing, so it announces nothing.
        as("msp-a-admin").post(resolve).then().statusCode(200).body("resolvedBy", equalTo("msp-a-analyst"));

        WebhookReceiver.Received r = receiver.await("/customer", x -> x.body().contains("alert.resolved"), WAIT);
        assertEquals("alert.resolved", r.event());
        assertTrue(r.signatureValid() && r.standardSignatureValid(), "signed both ways");
        assertEquals(r.delivery(), r.webhookId());
        JsonNode b = body(r);
        assertEquals("alert.resolved", b.get("type").asText());
        assertEquals("RESOLVED", b.get("change").asText());
        assertEquals(alertId, b.at("/alert/id").asText());
        assertEquals("RESOLVED", b.at("/alert/status").asText());
        assertEquals("msp-a-analyst", b.at("/alert/resolvedBy").asText());
        assertEquals("HIGH", b.at("/alert/severity").asText());
        JsonNode msp = body(receiver.await("/msp", x -> x.body().contains("alert.resolved"), WAIT));
        assertEquals(alertId, msp.at("/alert/id").asText());
        assertEquals(TENANT, msp.get("customerId").asText());

        Thread.sleep(1000);
        assertEquals(1, receiver.at("/customer").stream().filter(x -> x.body().contains("alert.resolved")).count(), "once");
        assertEquals(1, receiver.at("/msp").stream().filter(x -> x.body().contains("alert.resolved")).count(), "once");
        as("msp-a-analyst").get(CUSTOMER + "/" + hookId + "/deliveries?limit=1").then().statusCode(200)
                .body("items[0].event", equalTo("RESOLVED")).body("items[0].status", equalTo("DELIVERED"))
                .body("items[0].alertId", equalTo(alertId));
    }

    @Test
    @Order(5)
    void newActivityAfterTheResolutionIsAReopening() throws Throwable {
        setUp();
        Alert a = record(finding(List.of("203.0.113.10"), 0, Instant.now().plusSeconds(2)));
        assertEquals(AlertStatus.OPEN, a.status);

        JsonNode customer = body(receiver.await("/customer", r -> r.body().contains("alert.reopened"), WAIT));
        assertEquals(1, customer.at("/alert/reopenCount").asInt());
        assertEquals("OPEN", customer.at("/alert/status").asText());
        receiver.await("/msp", r -> r.body().contains("alert.reopened"), WAIT);
        JsonPath log = as("msp-a-admin").get(CUSTOMER + "/" + hookId + "/deliveries?status=DELIVERED").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(List.of("REOPENED", "RESOLVED", "ESCALATED", "OPENED"), log.getList("items.event"), "newest first");
    }

    @Test
    @Order(6)
    void aCycleThatRollsBackQueuesNoNotification() throws Throwable {
        setUp();
        // A cycle whose marks another cycle moved meanwhile: its alert and its deliveries go together, so neither stays.
        String source = "198.51.100." + (SOURCE.endsWith(".7") ? 8 : 7);
        Finding f = finding(source, List.of("10.0.0.9"), 0, Instant.now());
        TenantBatches moved = new TenantBatches(TENANT, List.of(new SeqRange("s-gone", 5, 6)), Map.of("s-gone", 5L));
        assertThrows(SensorMarks.Conflict.class, () -> write(f, moved));
        assertTrue(stored(f).isEmpty(), "no alert");
        long deliveries = pool.preparedQuery("SELECT count(*) FROM detection.notification_deliveries WHERE customer_id = $1"
                        + " AND payload LIKE $2").execute(Tuple.of(TENANT, "%\"" + source + "\"%")).await().indefinitely()
                .iterator().next().getLong(0);
        assertEquals(0, deliveries, "no delivery");
        Thread.sleep(1000);
        // As a whole JSON string: 198.51.100.7 must not match the 198.51.100.7x of the earlier tests' alerts.
        assertTrue(receiver.at("/customer").stream().noneMatch(r -> r.body().contains("\"" + source + "\"")), "nothing sent");
    }

    @Test
    @Order(7)
    void aDeliveryLeftPendingByAStoppedInstanceIsSentOnceItsLeaseEnds() throws Exception {
        setUp();
        // What a crashed instance leaves in PostgreSQL: one failed attempt, and a lease still held for 3 s.
        String id = "dl-it" + UUID.randomUUID().toString().substring(0, 8);
        String payload = "{\"id\":\"" + id + "\",\"type\":\"test\",\"customerId\":\"" + TENANT + "\"}";
        pool.preparedQuery("INSERT INTO detection.notification_deliveries (id, destination_id, msp_id, customer_id, event,"
                        + " severity, reopen_count, dedupe_key, payload, status, attempts, next_attempt_at, lease_until, created_at)"
                        + " VALUES ($1, $2, 'msp-a', $3, 'TEST', 'LOW', 0, $1, $4, 'PENDING', 1, now() - interval '1 minute',"
                        + " now() + interval '3 seconds', now() - interval '1 minute')")
                .execute(Tuple.of(id, hookId, TENANT, payload)).await().indefinitely();
        Thread.sleep(1000);
        assertTrue(receiver.at("/customer").stream().noneMatch(r -> id.equals(r.delivery())), "not while leased");
        WebhookReceiver.Received r = receiver.await("/customer", x -> id.equals(x.delivery()), WAIT);
        assertEquals(payload, r.body());
        assertEquals("test", r.event());
        as("msp-a-admin").get(CUSTOMER + "/" + hookId + "/deliveries?limit=1").then()
                .body("items[0].id", equalTo(id)).body("items[0].status", equalTo("DELIVERED"))
                .body("items[0].attempts", equalTo(2));
    }

    @Test
    @Order(8)
    void aTestSendIsSignedWithTheRotatedSecretAndTheOldOneStopsWorking() throws Exception {
        setUp();
        String secret = as("msp-a-admin").post(CUSTOMER + "/" + hookId + "/rotate-secret").then().statusCode(200)
                .extract().path("secret");
        receiver.expect("/customer", secret, 0);
        String delivery = as("msp-a-admin").post(CUSTOMER + "/" + hookId + "/test").then().statusCode(202)
                .body("status", equalTo("PENDING")).body("event", equalTo("TEST")).extract().path("id");
        WebhookReceiver.Received r = receiver.await("/customer", x -> delivery.equals(x.delivery()), WAIT);
        JsonNode b = body(r);
        assertEquals("test", b.get("type").asText());
        assertEquals(TENANT, b.get("customerId").asText());
        assertTrue(r.signatureValid());
        assertTrue(receiver.at("/customer").stream().filter(x -> x.atNanos() < r.atNanos())
                .noneMatch(x -> WebhookReceiver.verify(secret, x.signature(), x.body())), "earlier requests used the old secret");
    }

    @Test
    @Order(9)
    void changesAreLimitedToTheMspAdminAndPatchFiltersApply() {
        for (String caller : List.of("msp-a-analyst")) {
            as(caller).body(Map.of("name", "x", "kind", "WEBHOOK", "url", "http://127.0.0.1:1/x")).post(CUSTOMER)
                    .then().statusCode(403).contentType("application/problem+json");
            as(caller).body(Map.of("enabled", false)).patch(CUSTOMER + "/" + hookId).then().statusCode(403);
            as(caller).delete(CUSTOMER + "/" + hookId).then().statusCode(403);
            as(caller).post(CUSTOMER + "/" + hookId + "/test").then().statusCode(403);
            as(caller).post(CUSTOMER + "/" + hookId + "/rotate-secret").then().statusCode(403);
            as(caller).body(Map.of("name", "x", "kind", "WEBHOOK", "url", "http://127.0.0.1:1/x")).post(MSP).then().statusCode(403);
        }
        as("msp-a-admin").body(Map.of("minSeverity", "CRITICAL", "events", List.of("REOPENED"), "name", "renamed"))
                .patch(CUSTOMER + "/" + hookId).then().statusCode(200).body("minSeverity", equalTo("CRITICAL"))
                .body("events", equalTo(List.of("REOPENED"))).body("name", equalTo("renamed")).body("$", not(hasKey("secret")));
        as("msp-a-admin").body(Map.of("bogus", 1)).patch(CUSTOMER + "/" + hookId).then().statusCode(400);
        as("msp-a-admin").body(Map.of("events", List.of())).patch(CUSTOMER + "/" + hookId).then().statusCode(400);
    }

    @Test
    @Order(9)
    void invalidDestinationsAreRefusedFieldByField() {
        as("msp-a-admin").body(Map.of("name", "no url", "kind", "WEBHOOK")).post(CUSTOMER).then().statusCode(400)
                .contentType("application/problem+json").body("errors[0].field", equalTo("url"));
        as("msp-a-admin").body(Map.of("name", "ftp", "kind", "WEBHOOK", "url", "ftp://example.com/x")).post(CUSTOMER)
                .then().statusCode(400).body("errors[0].field", equalTo("url"));
        as("msp-a-admin").body(Map.of("name", "creds", "kind", "WEBHOOK", "url", "https://u:p@example.com/x")).post(CUSTOMER)
                .then().statusCode(400).body("errors[0].field", equalTo("url"));
        as("msp-a-admin").body(Map.of("name", "half syslog", "kind", "SYSLOG", "host", "127.0.0.1")).post(CUSTOMER)
                .then().statusCode(400).body("errors.field", equalTo(List.of("port", "transport")));
        as("msp-a-admin").body(Map.of("name", "mixed", "kind", "WEBHOOK", "url", "https://example.com/x", "port", 514))
                .post(CUSTOMER).then().statusCode(400).body("errors[0].field", equalTo("port"));
        as("msp-a-admin").body(Map.of("name", "bad port", "kind", "SYSLOG", "host", "h", "port", 70000, "transport", "TCP"))
                .post(CUSTOMER).then().statusCode(400);
        as("msp-a-admin").body(Map.of("name", "x", "kind", "CARRIER_PIGEON")).post(CUSTOMER).then().statusCode(400);
    }

    @Test
    @Order(10)
    void otherMspsAndCustomersSeeNothingOfThem() {
        String one = CUSTOMER + "/" + hookId;
        for (String caller : List.of("msp-b-admin", "msp-b-analyst", "a1-viewer", "b1-viewer")) {
            as(caller).get(CUSTOMER).then().statusCode(404).contentType("application/problem+json")
                    .body("type", equalTo("https://vigil.io/problems/not-found"));
            as(caller).get(one).then().statusCode(404);
            as(caller).get(one + "/deliveries").then().statusCode(404);
            as(caller).body(Map.of("enabled", false)).patch(one).then().statusCode(404);
            as(caller).delete(one).then().statusCode(404);
            as(caller).post(one + "/test").then().statusCode(404);
            as(caller).post(one + "/rotate-secret").then().statusCode(404);
            as(caller).body(Map.of("name", "x", "kind", "WEBHOOK", "url", "http://127.0.0.1:1/x")).post(CUSTOMER).then().statusCode(404);
        }
        String mspOne = MSP + "/" + mspHookId;
        for (String caller : List.of("msp-b-admin", "msp-b-analyst", "b1-viewer")) {
            as(caller).get(MSP).then().statusCode(404);
            as(caller).get(mspOne).then().statusCode(404);
            as(caller).get(mspOne + "/deliveries").then().statusCode(404);
            as(caller).delete(mspOne).then().statusCode(404);
            as(caller).post(mspOne + "/test").then().statusCode(404);
        }
        // A customer's viewer knows its MSP but not the MSP-wide destinations: forbidden, not hidden.
        as("a1-viewer").get(MSP).then().statusCode(403).contentType("application/problem+json");
        as("a1-viewer").get(mspOne).then().statusCode(403);
        // An MSP-wide destination is not reachable through a customer's path, nor one customer's through another's.
        as("msp-a-admin").get(CUSTOMER + "/" + mspHookId).then().statusCode(404);
        as("msp-a-admin").get("/api/v1/customers/a2/notifications/" + hookId).then().statusCode(404);
        as("msp-a-admin").get(MSP + "/" + hookId).then().statusCode(404);
        as("msp-b-admin").get("/api/v1/msps/msp-b/notifications/" + mspHookId).then().statusCode(404);
        as("platform-admin").get(mspOne).then().statusCode(200);
        as("platform-admin").get("/api/v1/msps/no-such-msp/notifications").then().statusCode(404);
        as("anonymous").get(CUSTOMER).then().statusCode(401).contentType("application/problem+json");
        as("client:sensor-a1").get(CUSTOMER).then().statusCode(403).contentType("application/problem+json");
        as("client:sensor-a1").get(MSP).then().statusCode(403);
    }

    /** A copy of the database cannot sign webhooks: the secret is stored sealed, and a rotation seals the new one. */
    @Test
    @Order(10)
    void webhookSecretsAreStoredSealed() {
        setUpQuietly();
        String a1 = "/api/v1/customers/a1/notifications";
        Response created = as("msp-a-admin").body(Map.of("name", "sealed hook " + TENANT, "kind", "WEBHOOK",
                "url", "https://hooks.example.com/sealed", "enabled", false)).post(a1);
        created.then().statusCode(201);
        String id = created.path("id");
        try {
            String shown = created.path("secret");
            String stored = rawSecret(id);
            assertTrue(stored.startsWith("v1:") && !stored.contains(shown) && !stored.contains("whsec_"), stored);
            String rotated = as("msp-a-admin").post(a1 + "/" + id + "/rotate-secret").then().statusCode(200).extract().path("secret");
            String after = rawSecret(id);
            assertTrue(after.startsWith("v1:") && !after.contains(rotated) && !after.equals(stored), after);
        } finally {
            as("msp-a-admin").delete(a1 + "/" + id).then().statusCode(204);
        }
    }

    private String rawSecret(String id) {
        return pool.preparedQuery("SELECT secret FROM detection.notification_destinations WHERE id = $1").execute(Tuple.of(id))
                .await().indefinitely().iterator().next().getString("secret");
    }

    private void setUpQuietly() {
        try {
            setUp();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A webhook URL's path and query often carry the receiver's own credentials (a token, an api_key). */
    @Test
    @Order(10)
    void onlyRolesThatManageADestinationSeeItsWholeUrl() {
        String a1 = "/api/v1/customers/a1/notifications";
        String url = "https://hooks.example.com/services/T0/B0/XyZsecret?api_key=SECRET";
        String id = create("msp-a-admin", a1, Map.of("name", "chat hook " + TENANT, "kind", "WEBHOOK", "url", url, "enabled", false));
        try {
            for (String reader : List.of("a1-viewer", "msp-a-analyst")) {
                as(reader).get(a1 + "/" + id).then().statusCode(200).body("url", equalTo("https://hooks.example.com/…"));
                String list = as(reader).get(a1).then().statusCode(200).extract().asString();
                assertTrue(!list.contains("SECRET") && !list.contains("XyZsecret"), reader + " reads the URL's secrets: " + list);
            }
            for (String manager : List.of("msp-a-admin", "platform-admin")) {
                as(manager).get(a1 + "/" + id).then().statusCode(200).body("url", equalTo(url));
            }
            String mspId = create("msp-a-admin", MSP, Map.of("name", "msp chat hook " + TENANT, "kind", "WEBHOOK",
                    "url", url, "enabled", false));
            try {
                as("msp-a-analyst").get(MSP + "/" + mspId).then().statusCode(200).body("url", equalTo("https://hooks.example.com/…"));
                as("msp-a-admin").get(MSP + "/" + mspId).then().statusCode(200).body("url", equalTo(url));
            } finally {
                as("msp-a-admin").delete(MSP + "/" + mspId).then().statusCode(204);
            }
        } finally {
            as("msp-a-admin").delete(a1 + "/" + id).then().statusCode(204);
        }
    }

    @Test
    @Order(10)
    void aCustomerViewerReadsItsOwnCustomersDestinationsButCannotChangeThem() {
        String a1 = "/api/v1/customers/a1/notifications";
        String id = create("msp-a-admin", a1, Map.of("name", "a1 hook " + TENANT, "kind", "WEBHOOK",
                "url", "http://127.0.0.1:1/unused", "enabled", false));
        as("a1-viewer").get(a1).then().statusCode(200).body("id", org.hamcrest.Matchers.hasItem(id))
                .body("secret", org.hamcrest.Matchers.everyItem(equalTo(null)));
        as("a1-viewer").get(a1 + "/" + id + "/deliveries").then().statusCode(200);
        as("a1-viewer").delete(a1 + "/" + id).then().statusCode(403);
        as("a1-viewer").body(Map.of("name", "x", "kind", "WEBHOOK", "url", "http://127.0.0.1:1/x")).post(a1).then().statusCode(403);
        for (String caller : List.of("a2-viewer", "b1-viewer", "msp-b-admin")) {
            as(caller).get(a1 + "/" + id).then().statusCode(404);
        }
        as("msp-a-admin").delete(a1 + "/" + id).then().statusCode(204);
        as("msp-a-admin").get(a1 + "/" + id).then().statusCode(404);
    }

    @Test
    @Order(11)
    @SuppressWarnings("unchecked")
    void publishedApiListsExactlyTheNotificationEndpoints() {
        Map<String, Object> paths = io.restassured.RestAssured.given().accept("application/json").get("/q/openapi")
                .then().statusCode(200).extract().jsonPath().getMap("paths");
        Set<String> mine = new java.util.TreeSet<>();
        for (String p : paths.keySet()) {
            if (p.contains("/notifications")) {
                mine.add(p);
            }
        }
        Set<String> expected = new java.util.TreeSet<>();
        for (String base : List.of("/api/v1/customers/{customerId}/notifications", "/api/v1/msps/{mspId}/notifications")) {
            for (String sub : List.of("", "/{destinationId}", "/{destinationId}/deliveries", "/{destinationId}/rotate-secret",
                    "/{destinationId}/test")) {
                expected.add(base + sub);
            }
        }
        assertEquals(expected, mine, "a new endpoint needs its row in the isolation tests");
        // Every operation declares the owner of its path, so clients generated from the spec can call it.
        JsonPath spec = io.restassured.RestAssured.given().accept("application/json").get("/q/openapi").then().extract().jsonPath();
        for (String path : mine) {
            String owner = path.startsWith("/api/v1/customers/") ? "customerId" : "mspId";
            Map<String, Map<String, Object>> ops = spec.getMap("paths.'" + path + "'");
            for (Map.Entry<String, Map<String, Object>> op : ops.entrySet()) {
                List<Map<String, Object>> params = (List<Map<String, Object>>) op.getValue().getOrDefault("parameters", List.of());
                assertTrue(params.stream().anyMatch(p -> owner.equals(p.get("name")) && "path".equals(p.get("in"))),
                        op.getKey() + " " + path + " declares " + owner);
            }
        }
    }

    @Test
    @Order(12)
    void deletingADestinationRemovesItAndItsDeliveryLog() {
        for (String path : List.of(CUSTOMER + "/" + hookId, MSP + "/" + mspHookId)) {
            as("msp-a-admin").delete(path).then().statusCode(204);
            as("msp-a-admin").get(path).then().statusCode(404);
            as("msp-a-admin").get(path + "/deliveries").then().statusCode(404);
        }
        long left = pool.preparedQuery("SELECT count(*) FROM detection.notification_deliveries WHERE destination_id IN ($1, $2)")
                .execute(Tuple.of(hookId, mspHookId)).await().indefinitely().iterator().next().getLong(0);
        assertEquals(0, left);
    }
}
