package io.vigil.tests.system;

import io.grpc.Status;
import io.vigil.proto.ingest.v1.ConnState;
import io.vigil.proto.ingest.v1.Flow;
import io.vigil.proto.ingest.v1.FlowBatch;
import io.vigil.tests.load.Keycloak;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tokens that must not work, against the built ingest, tenants and detection: another tenant's token (404, as if the
 * resource did not exist), an expired one, an unsigned {@code alg=none} copy of a real one, a forged signature,
 * garbage and none at all (401 on REST, UNAUTHENTICATED on gRPC, and no flow stored).
 */
@Tag("system")
class BadTokenST {

    private static final String DB = "vigil_bad_token_st";
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    /** a1's resources on each service, as paths. */
    private static final List<String> TENANTS_A1 = List.of("/api/v1/customers/a1", "/api/v1/customers/a1/sites",
            "/api/v1/customers/a1/sensors");
    private static final List<String> DETECTION_A1 = List.of("/api/v1/customers/a1/alerts", "/api/v1/customers/a1/summary",
            "/api/v1/customers/a1/allowlist", "/api/v1/customers/a1/suppressions", "/api/v1/customers/a1/audit",
            "/api/v1/customers/a1/notifications", "/api/v1/customers/a1/hosts/10.1.0.5/baseline",
            "/api/v1/msps/msp-a/summary", "/api/v1/msps/msp-a/alerts");

    private static Process ingest;
    private static Process tenants;
    private static Process detection;
    private static String ingestTarget;
    private static String tenantsUrl;
    private static String detectionUrl;

    @BeforeAll
    static void startServices() throws Exception {
        SystemStack.clickhouse("DROP DATABASE IF EXISTS " + DB);
        Path work = SystemStack.ROOT.resolve("tests/target/bad-token-st");
        Files.createDirectories(work);
        int ingestPort = SystemStack.freePort();
        ingestTarget = "127.0.0.1:" + ingestPort;
        ingest = SystemStack.startIngest(ingestPort, DB, work.resolve("ingest.log"));
        int tenantsPort = SystemStack.freePort();
        tenantsUrl = "http://127.0.0.1:" + tenantsPort;
        tenants = SystemStack.startTenants(tenantsPort, work.resolve("tenants.log"));
        int detectionPort = SystemStack.freePort();
        detectionUrl = "http://127.0.0.1:" + detectionPort;
        detection = SystemStack.startDetection(detectionPort, tenantsUrl, work.resolve("detection.log"),
                Map.of("QUARKUS_SCHEDULER_ENABLED", "false"));
    }

    @AfterAll
    static void stopServices() throws Exception {
        SystemStack.stop(detection);
        SystemStack.stop(tenants);
        SystemStack.stop(ingest);
        SystemStack.clickhouse("DROP DATABASE IF EXISTS " + DB);
    }

    @Test
    void anotherTenantsTokenFindsNothingOfA1() throws Exception {
        String b1 = SystemStack.userToken("b1-viewer");
        String mspB = SystemStack.userToken("msp-b-admin");
        for (String token : List.of(b1, mspB)) {
            for (String path : TENANTS_A1) {
                assertProblem(404, get(tenantsUrl + path, token), path);
            }
            for (String path : DETECTION_A1) {
                assertProblem(404, get(detectionUrl + path, token), path);
            }
        }
        assertEquals(200, get(tenantsUrl + "/api/v1/customers/b1", b1).statusCode(), "b1-viewer's own customer works");
        assertEquals(200, get(detectionUrl + "/api/v1/customers/b1/alerts", b1).statusCode());
    }

    /**
     * sensor-a2-shortlived's tokens live 3 s; Keycloak cannot be asked for a user token already expired, and one cannot
     * be re-signed, so this short-lived client's token, held 4 s, is the expired token on both REST and gRPC.
     */
    @Test
    void anExpiredTokenIsRefusedOnRestAndGrpc() throws Exception {
        String token = Keycloak.clientToken(SystemStack.ISSUER, "sensor-a2-shortlived", "dev-sensor-a2-shortlived");
        long exp = claim(token, "exp");
        long wait = exp * 1000 - System.currentTimeMillis() + 1_000;
        assertTrue(wait < 10_000, "a short-lived token: exp " + exp);
        TimeUnit.MILLISECONDS.sleep(Math.max(0, wait));
        assertGrpcRefused(token, "expired");
        assertProblem(401, get(tenantsUrl + "/api/v1/customers/a2", token), "expired token on tenants");
        assertProblem(401, get(detectionUrl + "/api/v1/customers/a2/alerts", token), "expired token on detection");
    }

    @Test
    void anUnsignedAlgNoneCopyOfARealTokenIsRefused() throws Exception {
        String admin = SystemStack.userToken("msp-a-admin");
        String sensor = Keycloak.clientToken(SystemStack.ISSUER, "sensor-a1", "dev-sensor-a1");
        for (String forged : List.of(algNone(admin), algNone(admin) + "c2ln", forgedSignature(admin), "not.a.jwt", "")) {
            assertProblem(401, get(tenantsUrl + "/api/v1/customers/a1", forged), "forged '" + abbreviate(forged) + "'");
            assertProblem(401, get(detectionUrl + "/api/v1/customers/a1/alerts", forged), "forged on detection");
        }
        for (String forged : List.of(algNone(sensor), forgedSignature(sensor), "garbage")) {
            assertGrpcRefused(forged, "forged");
        }
        assertGrpcRefused(null, "no token");
    }

    /** Opens Export with {@code token}, sends a valid batch at once, and expects UNAUTHENTICATED and nothing stored. */
    private static void assertGrpcRefused(String token, String what) throws Exception {
        try (ExportCall call = ExportCall.open(ingestTarget, token)) {
            long now = System.currentTimeMillis();
            call.send(FlowBatch.newBuilder().setSequence(1_000_000 + (now % 1_000_000)).addFlows(Flow.newBuilder()
                    .setStartTimeMs(now - 1_000).setEndTimeMs(now).setIpVersion(4)
                    .setOrigAddr(com.google.protobuf.ByteString.copyFrom(new byte[]{10, 0, 0, 1}))
                    .setRespAddr(com.google.protobuf.ByteString.copyFrom(new byte[]{10, 0, 0, 2}))
                    .setOrigPort(40_000).setRespPort(22).setProtocol(6).setConnState(ConnState.S0).setHistory("S"))
                    .build().toByteArray());
            call.halfClose();
            ExportCall.End end = call.awaitEnd(30);
            assertEquals(Status.Code.UNAUTHENTICATED, end.status().getCode(), what + ": " + end.status());
            assertTrue(end.acks().isEmpty(), what + ": nothing acknowledged");
        }
        String tables = SystemStack.clickhouse("EXISTS TABLE " + DB + ".flows");
        if ("1".equals(tables)) {
            assertEquals("0", SystemStack.clickhouse("SELECT count() FROM " + DB + ".flows"), what + ": nothing stored");
        }
    }

    /** The token with header {"alg":"none"}, the same claims, and an empty signature. */
    private static String algNone(String jwt) {
        String[] parts = jwt.split("\\.");
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}"
                .getBytes(StandardCharsets.UTF_8));
        return header + "." + parts[1] + ".";
    }

    /** The token's header and claims with another signature of the same length. */
    private static String forgedSignature(String jwt) {
        String[] parts = jwt.split("\\.");
        char[] sig = parts[2].toCharArray();
        for (int i = 0; i < sig.length; i += 7) {
            sig[i] = sig[i] == 'A' ? 'B' : 'A';
        }
        return parts[0] + "." + parts[1] + "." + new String(sig);
    }

    private static long claim(String jwt, String name) {
        String claims = new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]), StandardCharsets.UTF_8);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + name + "\"\\s*:\\s*(\\d+)").matcher(claims);
        assertTrue(m.find(), claims);
        return Long.parseLong(m.group(1));
    }

    private static HttpResponse<String> get(String url, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static void assertProblem(int status, HttpResponse<String> r, String what) {
        List<String> problems = new ArrayList<>();
        if (r.statusCode() != status) {
            problems.add("HTTP " + r.statusCode() + " " + abbreviate(r.body()));
        }
        String type = r.headers().firstValue("Content-Type").orElse("");
        if (!type.startsWith("application/problem+json") || !r.body().contains("\"status\":" + status)) {
            problems.add("not a problem+json " + status + ": '" + type + "' " + abbreviate(r.body()));
        }
        assertTrue(problems.isEmpty(), r.request().uri() + " " + what + ": " + problems);
    }

    private static String abbreviate(String s) {
        return s.length() > 120 ? s.substring(0, 120) + "…" : s;
    }
}
