package io.vigil.tenants.isolation;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import io.vigil.lib.testing.Api;
import io.vigil.lib.api.id.Ids;
import io.vigil.tenants.sensor.TestSensorPackage;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every endpoint × every caller × own/foreign resource → the expected status (21 × 8 × 2 = 336 cells). The caller's side is MSP msp-a and
 * customer a1; "foreign" is msp-b's. The endpoint list is checked against the published OpenAPI document, so an
 * endpoint added without a row here fails this test.
 */
@QuarkusTest
class IsolationMatrixIT {

    /** The callers: every realm role, an MSP's automation client, a sensor, another service, and nobody. */
    enum Who {
        PLATFORM("platform-admin"), ADMIN("msp-a-admin"), AUTOMATION("client:msp-a-automation"), ANALYST("msp-a-analyst"),
        VIEWER("a1-viewer"), SENSOR("client:sensor-a1"), SERVICE("client:vigil-tenants"), ANONYMOUS("anonymous");

        final String caller;

        Who(String caller) {
            this.caller = caller;
        }
    }

    /** A concrete request: the path and the body (null for none). */
    record Call(String path, Object body) {
    }

    /** One endpoint, how to aim it at an own or a foreign resource, and the expected status per caller {own, foreign}. */
    record Endpoint(String method, String template, BiFunction<Who, Boolean, Call> target, Map<Who, int[]> expected) {
    }

    private static Map<Who, int[]> expect(int[] platform, int[] admin, int[] analyst, int[] viewer, int[] sensor, int[] service, int[] anonymous) {
        Map<Who, int[]> m = new EnumMap<>(Who.class);
        m.put(Who.PLATFORM, platform);
        m.put(Who.ADMIN, admin);
        // msp-a-automation is a client-credentials client holding msp-admin for msp-a: it must be answered exactly as msp-a's admin.
        m.put(Who.AUTOMATION, admin);
        m.put(Who.ANALYST, analyst);
        m.put(Who.VIEWER, viewer);
        m.put(Who.SENSOR, sensor);
        m.put(Who.SERVICE, service);
        m.put(Who.ANONYMOUS, anonymous);
        return m;
    }

    private static int[] s(int own, int foreign) {
        return new int[]{own, foreign};
    }

    private static final int[] R200 = s(200, 200);
    private static final int[] OWN200 = s(200, 404);
    private static final int[] F403 = s(403, 403);
    private static final int[] F401 = s(401, 401);
    private static final int[] RO = s(403, 404);
    private static final int[] TOKEN = s(200, 401);

    private static final Map<Who, int[]> READ = expect(R200, OWN200, OWN200, OWN200, F403, F403, F401);
    private static final Map<Who, int[]> MSP_READ = expect(R200, OWN200, OWN200, F403, F403, F403, F401);
    private static final Map<Who, int[]> MANAGE_200 = expect(R200, OWN200, RO, RO, F403, F403, F401);
    private static final Map<Who, int[]> MANAGE_201 = expect(s(201, 201), s(201, 404), RO, RO, F403, F403, F401);

    List<Endpoint> endpoints() {
        return List.of(
                new Endpoint("GET", "/api/v1/customers", (w, own) -> new Call("/api/v1/customers", null),
                        expect(R200, R200, R200, R200, F403, F403, F401)),
                new Endpoint("POST", "/api/v1/customers",
                        (w, own) -> new Call("/api/v1/customers", Map.of("name", Api.unique("Matrix"), "mspId", own ? "msp-a" : "msp-b")),
                        expect(s(201, 201), s(201, 403), F403, F403, F403, F403, F401)),
                new Endpoint("GET", "/api/v1/customers/{customerId}",
                        (w, own) -> new Call("/api/v1/customers/" + (own ? "a1" : "b1"), null), READ),
                new Endpoint("PATCH", "/api/v1/customers/{customerId}",
                        (w, own) -> new Call("/api/v1/customers/" + writable(w, own), Map.of("retentionDays", 30)), MANAGE_200),
                new Endpoint("DELETE", "/api/v1/customers/{customerId}",
                        (w, own) -> new Call("/api/v1/customers/" + writable(w, own), null),
                        expect(s(204, 204), s(204, 404), RO, RO, F403, F403, F401)),
                new Endpoint("GET", "/api/v1/customers/{customerId}/sites",
                        (w, own) -> new Call("/api/v1/customers/" + (own ? "a1" : "b1") + "/sites", null), READ),
                new Endpoint("POST", "/api/v1/customers/{customerId}/sites",
                        (w, own) -> new Call("/api/v1/customers/" + writable(w, own) + "/sites", Map.of("name", Api.unique("site"))), MANAGE_201),
                new Endpoint("GET", "/api/v1/customers/{customerId}/sites/{siteId}",
                        (w, own) -> {
                            String customer = own ? "a1" : "b1";
                            return new Call("/api/v1/customers/" + customer + "/sites/" + site(customer), null);
                        }, READ),
                new Endpoint("GET", "/api/v1/customers/{customerId}/sensors",
                        (w, own) -> new Call("/api/v1/customers/" + (own ? "a1" : "b1") + "/sensors", null), READ),
                new Endpoint("POST", "/api/v1/customers/{customerId}/sensors",
                        (w, own) -> new Call("/api/v1/customers/" + writable(w, own) + "/sensors", Map.of("name", "matrix")), MANAGE_201),
                new Endpoint("GET", "/api/v1/customers/{customerId}/sensors/{sensorId}",
                        (w, own) -> {
                            String customer = own ? "a1" : "b1";
                            return new Call("/api/v1/customers/" + customer + "/sensors/" + pendingSensor(customer), null);
                        }, READ),
                new Endpoint("POST", "/api/v1/customers/{customerId}/sensors/{sensorId}/revoke",
                        (w, own) -> {
                            String customer = writable(w, own);
                            return new Call("/api/v1/customers/" + customer + "/sensors/" + pendingSensor(customer) + "/revoke", null);
                        }, MANAGE_200),
                new Endpoint("POST", "/api/v1/sensors/enroll",
                        (w, own) -> new Call("/api/v1/sensors/enroll", Map.of("token", "vet_matrix-not-a-token")),
                        expect(F401, F401, F401, F401, F401, F401, F401)),
                // The enrollment token is the credential, whoever else calls: the holder of a usable token (own) gets the
                // package or its installer, an unknown token (foreign) is refused; no bearer token changes either.
                new Endpoint("GET", "/api/v1/sensor-package",
                        (w, own) -> new Call("/api/v1/sensor-package?token=" + (own ? usableToken() : "vet_matrix-not-a-token"), null),
                        expect(TOKEN, TOKEN, TOKEN, TOKEN, TOKEN, TOKEN, TOKEN)),
                new Endpoint("GET", "/install",
                        (w, own) -> new Call("/install?token=" + (own ? usableToken() : "vet_matrix-not-a-token"), null),
                        expect(TOKEN, TOKEN, TOKEN, TOKEN, TOKEN, TOKEN, TOKEN)),
                new Endpoint("GET", "/api/v1/msps", (w, own) -> new Call("/api/v1/msps", null),
                        expect(R200, R200, R200, F403, F403, F403, F401)),
                new Endpoint("POST", "/api/v1/msps",
                        (w, own) -> new Call("/api/v1/msps", Map.of("id", Ids.newId("m"), "name", Api.unique("Matrix MSP"))),
                        expect(s(201, 201), F403, F403, F403, F403, F403, F401)),
                new Endpoint("GET", "/api/v1/msps/{mspId}",
                        (w, own) -> new Call("/api/v1/msps/" + (own ? "msp-a" : "msp-b"), null), MSP_READ),
                new Endpoint("GET", "/api/v1/msps/{mspId}/audit",
                        (w, own) -> new Call("/api/v1/msps/" + (own ? "msp-a" : "msp-b") + "/audit", null),
                        expect(R200, OWN200, OWN200, RO, F403, F403, F401)),
                new Endpoint("GET", "/api/v1/msps/{mspId}/sensors",
                        (w, own) -> new Call("/api/v1/msps/" + (own ? "msp-a" : "msp-b") + "/sensors?limit=1", null),
                        expect(R200, OWN200, OWN200, RO, F403, F403, F401)),
                new Endpoint("GET", "/api/v1/internal/customers/{customerId}",
                        (w, own) -> new Call("/api/v1/internal/customers/" + (own ? "a1" : "b1"), null),
                        expect(F403, F403, F403, F403, F403, R200, F401)),
                // Every customer of every MSP, for ingest's retention job: service accounts only.
                new Endpoint("GET", "/api/v1/internal/customers",
                        (w, own) -> new Call("/api/v1/internal/customers?limit=1", null),
                        expect(F403, F403, F403, F403, F403, R200, F401)),
                // Every sensor of every MSP, for detection's offline watch: service accounts only.
                new Endpoint("GET", "/api/v1/internal/sensors",
                        (w, own) -> new Call("/api/v1/internal/sensors?limit=1", null),
                        expect(F403, F403, F403, F403, F403, R200, F401)));
    }

    @Test
    void everyPublishedEndpointHasARow() {
        Set<String> published = new TreeSet<>();
        JsonPath spec = RestAssured.given().queryParam("format", "json").get("/q/openapi").then().statusCode(200).extract().jsonPath();
        Map<String, Map<String, Object>> paths = spec.getMap("paths");
        paths.forEach((path, ops) -> ops.keySet().stream()
                .filter(m -> Set.of("get", "post", "put", "patch", "delete").contains(m))
                .forEach(m -> published.add(m.toUpperCase() + " " + path)));
        Set<String> covered = new TreeSet<>();
        for (Endpoint e : endpoints()) {
            covered.add(e.method() + " " + e.template());
            assertEquals(Who.values().length, e.expected().size(), "every caller needs an entry for " + e.template());
        }
        assertEquals(published, covered, "the isolation matrix must list exactly the published endpoints");
    }

    @Test
    void everyCallerGetsExactlyTheExpectedStatusOnOwnAndForeignResources() {
        List<String> wrong = new ArrayList<>();
        int cells = 0;
        for (Endpoint e : endpoints()) {
            for (Who who : Who.values()) {
                for (boolean own : new boolean[]{true, false}) {
                    Call call = e.target().apply(who, own);
                    RequestSpecification req = Api.as(who.caller);
                    if (call.body() != null) {
                        req.body(call.body());
                    }
                    io.restassured.response.Response r = req.request(e.method(), call.path());
                    int expected = e.expected().get(who)[own ? 0 : 1];
                    cells++;
                    if (r.statusCode() != expected) {
                        wrong.add(String.format("%s %s as %s (%s): expected %d, got %d %s", e.method(), call.path(), who.caller,
                                own ? "own" : "foreign", expected, r.statusCode(), r.asString()));
                    }
                    if (r.statusCode() >= 400 && r.statusCode() != 401) {
                        assertTrue(String.valueOf(r.contentType()).startsWith("application/problem+json"),
                                e.method() + " " + call.path() + " as " + who + ": errors are problem+json, got " + r.contentType());
                    }
                }
            }
        }
        assertTrue(wrong.isEmpty(), wrong.size() + " of " + cells + " cells wrong:\n" + String.join("\n", wrong));
    }

    /** A customer to mutate: a1 for its viewer (who may not change it anyway), otherwise a fresh one in msp-a or msp-b. */
    private static String writable(Who who, boolean own) {
        if (who == Who.VIEWER && own) {
            return "a1";
        }
        return Api.as("platform-admin").body(Map.of("name", Api.unique("Matrix"), "mspId", own ? "msp-a" : "msp-b"))
                .post("/api/v1/customers").then().statusCode(201).extract().path("id");
    }

    private static String site(String customer) {
        return Api.as("platform-admin").body(Map.of("name", Api.unique("matrix site"))).post("/api/v1/customers/" + customer + "/sites")
                .then().statusCode(201).extract().path("id");
    }

    /** A fresh, unused enrollment token of a pending sensor of a1 (and the package the tests' tenants serves). */
    private static String usableToken() {
        TestSensorPackage.ensure();
        return Api.as("platform-admin").body(Map.of("name", "matrix")).post("/api/v1/customers/a1/sensors")
                .then().statusCode(201).extract().path("enrollmentToken");
    }

    private static String pendingSensor(String customer) {
        return Api.as("platform-admin").body(Map.of("name", "matrix")).post("/api/v1/customers/" + customer + "/sensors")
                .then().statusCode(201).extract().path("sensor.id");
    }
}
