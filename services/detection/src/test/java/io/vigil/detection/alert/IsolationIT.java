package io.vigil.detection.alert;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.specification.RequestSpecification;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import io.vigil.detection.support.TestCustomers;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import static io.vigil.lib.testing.Api.as;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Every endpoint the service publishes, against callers who must not reach a customer of msp-a: another MSP's people
 * and viewers, another customer's viewer (403 on its own MSP's MSP-wide paths), no token (401) and a sensor's token
 * (403). The published OpenAPI must list exactly the endpoints of this table, so a new endpoint fails here until it has
 * its row.
 */
@QuarkusTest
class IsolationIT {

    static final String BODY_RULE = "{\"sourceCidr\":\"10.1.0.9/32\",\"reason\":\"isolation check\",\"expiresAt\":\"2099-01-01T00:00:00Z\"}";
    static final String BODY_COMMENT = "{\"body\":\"isolation check\"}";

    @Inject
    Pool pool;

    /** "METHOD path template" → (concrete path, body or null). */
    private Map<String, String[]> endpoints(String customer, String alertId, String ruleId, String mspRuleId) {
        String c = "/api/v1/customers/" + customer;
        Map<String, String[]> m = new LinkedHashMap<>();
        m.put("GET /api/v1/customers/{customerId}/alerts", new String[]{c + "/alerts", null});
        m.put("GET /api/v1/customers/{customerId}/alerts/{alertId}", new String[]{c + "/alerts/" + alertId, null});
        m.put("POST /api/v1/customers/{customerId}/alerts/{alertId}/ack", new String[]{c + "/alerts/" + alertId + "/ack", ""});
        m.put("POST /api/v1/customers/{customerId}/alerts/{alertId}/resolve", new String[]{c + "/alerts/" + alertId + "/resolve", ""});
        m.put("GET /api/v1/customers/{customerId}/alerts/{alertId}/comments", new String[]{c + "/alerts/" + alertId + "/comments", null});
        m.put("POST /api/v1/customers/{customerId}/alerts/{alertId}/comments", new String[]{c + "/alerts/" + alertId + "/comments", BODY_COMMENT});
        m.put("GET /api/v1/customers/{customerId}/alerts/{alertId}/flows", new String[]{c + "/alerts/" + alertId + "/flows", null});
        m.put("GET /api/v1/customers/{customerId}/suppressions", new String[]{c + "/suppressions", null});
        m.put("POST /api/v1/customers/{customerId}/suppressions", new String[]{c + "/suppressions", BODY_RULE});
        m.put("GET /api/v1/customers/{customerId}/suppressions/{ruleId}", new String[]{c + "/suppressions/" + ruleId, null});
        m.put("PUT /api/v1/customers/{customerId}/suppressions/{ruleId}", new String[]{c + "/suppressions/" + ruleId, BODY_RULE});
        m.put("DELETE /api/v1/customers/{customerId}/suppressions/{ruleId}", new String[]{c + "/suppressions/" + ruleId, null});
        m.put("GET /api/v1/customers/{customerId}/allowlist", new String[]{c + "/allowlist", null});
        m.put("POST /api/v1/customers/{customerId}/allowlist", new String[]{c + "/allowlist", BODY_RULE});
        m.put("DELETE /api/v1/customers/{customerId}/allowlist/{ruleId}", new String[]{c + "/allowlist/" + ruleId, null});
        m.put("GET /api/v1/msps/{mspId}/allowlist", new String[]{"/api/v1/msps/msp-a/allowlist", null});
        m.put("POST /api/v1/msps/{mspId}/allowlist", new String[]{"/api/v1/msps/msp-a/allowlist", BODY_RULE});
        m.put("DELETE /api/v1/msps/{mspId}/allowlist/{ruleId}", new String[]{"/api/v1/msps/msp-a/allowlist/" + mspRuleId, null});
        m.put("GET /api/v1/customers/{customerId}/hosts/{ip}/baseline", new String[]{c + "/hosts/10.1.0.5/baseline", null});
        m.put("GET /api/v1/customers/{customerId}/summary", new String[]{c + "/summary", null});
        m.put("GET /api/v1/msps/{mspId}/summary", new String[]{"/api/v1/msps/msp-a/summary", null});
        m.put("GET /api/v1/msps/{mspId}/alerts", new String[]{"/api/v1/msps/msp-a/alerts", null});
        m.put("GET /api/v1/customers/{customerId}/audit", new String[]{c + "/audit", null});
        m.put("GET /api/v1/msps/{mspId}/audit", new String[]{"/api/v1/msps/msp-a/audit", null});
        return m;
    }

    private static int call(RequestSpecification spec, String method, String[] target) {
        if (target[1] != null && !target[1].isEmpty()) {
            spec = spec.body(target[1]);
        }
        return spec.request(method, target[0]).then().extract().statusCode();
    }

    @Test
    void everyPublishedEndpointIsInTheTableAndRefusesOutsiders() {
        String tenant = TestCustomers.create(pool, "10.1.0.0/16");
        String alertId = "al-iso" + UUID.randomUUID().toString().substring(0, 8);
        pool.preparedQuery("INSERT INTO detection.alerts (id, customer_id, msp_id, family, type, source, status, severity, score,"
                        + " direction, slow, mitre, summary, targets, target_count, ports, port_count, attempts, failed, answered,"
                        + " trw_failures, first_seen, last_seen, samples, created_at, updated_at) VALUES ($1, $2, 'msp-a', 'RECONNAISSANCE',"
                        + " 'HORIZONTAL', '10.1.0.9', 'OPEN', 'MEDIUM', 45, 'LATERAL', false, '{T1046}', 'test', '{10.1.0.1}', 1, '{22/tcp}',"
                        + " 1, 4, 4, 0, 4, now(), now(), '[]', now(), now())")
                .execute(Tuple.of(alertId, tenant)).await().indefinitely();
        String ruleId = as("msp-a-admin").body(BODY_RULE).post("/api/v1/customers/" + tenant + "/suppressions").then().statusCode(201)
                .extract().path("id");
        String mspRuleId = as("msp-a-admin").body("{\"sourceCidr\":\"192.0.2." + (1 + (int) (Math.random() * 250)) + "\",\"reason\":\"isolation check\",\"expiresAt\":\"2099-01-01T00:00:00Z\"}")
                .post("/api/v1/msps/msp-a/allowlist").then().statusCode(201).extract().path("id");
        try {
            Map<String, String[]> table = endpoints(tenant, alertId, ruleId, mspRuleId);

            Map<String, Object> paths = RestAssured.given().accept("application/json").get("/q/openapi").then().statusCode(200)
                    .extract().jsonPath().getMap("paths");
            Set<String> published = new TreeSet<>();
            // Notification endpoints have their own isolation table in NotificationsIT.
            paths.entrySet().stream().filter(e -> !e.getKey().contains("/notifications")).forEach(e -> {
                String path = e.getKey();
                ((Map<?, ?>) e.getValue()).keySet().stream().map(Object::toString)
                        .filter(op -> List.of("get", "post", "put", "delete", "patch").contains(op))
                        .forEach(op -> published.add(op.toUpperCase() + " " + path));
            });
            assertEquals(new TreeSet<>(table.keySet()), published, "a new endpoint needs its row in this isolation table");
            // Both alert lists document the same query parameters (one @BeanParam).
            for (String list : List.of("/api/v1/customers/{customerId}/alerts", "/api/v1/msps/{mspId}/alerts")) {
                List<?> params = (List<?>) ((Map<?, ?>) ((Map<?, ?>) paths.get(list)).get("get")).get("parameters");
                Set<Object> names = new TreeSet<>();
                params.forEach(p -> names.add(((Map<?, ?>) p).get("name")));
                names.remove("customerId");
                names.remove("mspId");
                assertEquals(Set.of("cursor", "limit", "status", "family", "type", "severity", "source", "updatedSince"), names, list);
            }

            for (Map.Entry<String, String[]> e : table.entrySet()) {
                String method = e.getKey().substring(0, e.getKey().indexOf(' '));
                boolean mspPath = e.getKey().contains("/msps/");
                for (String caller : List.of("msp-b-admin", "msp-b-analyst", "b1-viewer")) {
                    assertEquals(404, call(as(caller), method, e.getValue()), caller + " on " + e.getKey());
                }
                // A viewer of msp-a's other customer: not found on a1's paths; on msp-a's own paths it knows the MSP
                // exists and is forbidden (403), as in tenants.
                assertEquals(mspPath ? 403 : 404, call(as("a2-viewer"), method, e.getValue()), "a2-viewer on " + e.getKey());
                if (mspPath) {
                    assertEquals(403, call(as("a1-viewer"), method, e.getValue()), "a1-viewer on " + e.getKey());
                }
                assertEquals(401, call(as("anonymous"), method, e.getValue()), "no token on " + e.getKey());
                if (e.getKey().endsWith("/alerts")) {
                    // a filter opens nothing: the lists answer outsiders the same with updatedSince
                    for (String caller : List.of("msp-b-admin", "msp-b-analyst", "b1-viewer")) {
                        assertEquals(404, call(as(caller).queryParam("updatedSince", "2000-01-01T00:00:00Z"), method, e.getValue()),
                                caller + " on " + e.getKey() + "?updatedSince");
                    }
                }
                assertEquals(403, call(as("client:sensor-a1"), method, e.getValue()), "a sensor on " + e.getKey());
            }
            // The owner's MSP reaches every one of them (the table's paths are real).
            as("msp-a-analyst").get("/api/v1/customers/" + tenant + "/alerts/" + alertId + "/flows").then().statusCode(200)
                    .body("items.size()", equalTo(0));
            as("msp-a-analyst").get("/api/v1/customers/" + tenant + "/suppressions/" + ruleId).then().statusCode(200);
        } finally {
            as("msp-a-admin").delete("/api/v1/msps/msp-a/allowlist/" + mspRuleId).then().statusCode(204);
        }
    }
}
