package io.vigil.detection.notify;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vigil.detection.support.TestCustomers;
import io.vigil.detection.cycle.DetectionCycle;
import io.vigil.detection.support.Replay;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import static io.vigil.lib.testing.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Syslog notifications to a real Debian rsyslogd over TCP (octet counting) and UDP: a port scan capture metered by the
 * real sensor, judged by the real detection cycle, opens an alert whose RFC 5424 message with a CEF payload rsyslog
 * must parse field by field.
 */
@QuarkusTest
class SyslogNotificationsIT {

    static final Pattern RFC5424 = Pattern.compile(
            "<(\\d{1,3})>1 (\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z) (\\S{1,255}) (\\S{1,48}) (\\S{1,128}) (\\S{1,32}) (-|\\[.*\\]) (.*)",
            Pattern.DOTALL);

    @Inject
    DetectionCycle cycle;

    @Inject
    Pool pool;

    @Test
    void anOpenedAlertReachesRsyslogAsRfc5424WithCefOverTcpAndUdp() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String tenant = "it-" + run;
        String base = "/api/v1/customers/" + tenant + "/notifications";
        // Its own MSP, so no other test's MSP-wide destination sees these alerts.
        TestCustomers.named(pool, tenant, "it-msp-" + run, "192.168.0.0/16");
        try (RsyslogReceiver rsyslog = RsyslogReceiver.start(Path.of("target", "rsyslog-" + run).toAbsolutePath())) {
            String tcp = as("platform-admin").body(Map.of("name", "SIEM tcp", "kind", "SYSLOG", "host", "127.0.0.1",
                    "port", rsyslog.port(), "transport", "TCP")).post(base).then().statusCode(201).extract().path("id");
            String udp = as("platform-admin").body(Map.of("name", "SIEM udp", "kind", "SYSLOG", "host", "127.0.0.1",
                    "port", rsyslog.port(), "transport", "UDP", "minSeverity", "MEDIUM")).post(base).then().statusCode(201)
                    .extract().path("id");

            JsonPath alert = portScanAlerts(tenant);
            assertEquals(1, alert.getList("items").size());
            String alertId = alert.getString("items[0].id");
            String summary = alert.getString("items[0].summary");
            assertEquals("HIGH", alert.getString("items[0].severity"));

            for (String input : List.of("imtcp", "imudp")) {
                JsonNode line = rsyslog.await(n -> n.get("input").asText().equals(input) && n.get("msg").asText().contains(alertId),
                        Duration.ofSeconds(20));
                assertParsedAlert(line, alertId, summary, tenant);
            }
            for (String id : List.of(tcp, udp)) {
                as("platform-admin").get(base + "/" + id + "/deliveries").then().statusCode(200)
                        .body("items.size()", org.hamcrest.Matchers.equalTo(1))
                        .body("items[0].status", org.hamcrest.Matchers.equalTo("DELIVERED"))
                        .body("items[0].attempts", org.hamcrest.Matchers.equalTo(1))
                        .body("items[0].alertId", org.hamcrest.Matchers.equalTo(alertId));
            }
            assertEquals(2, rsyslog.received().stream().filter(n -> n.get("msg").asText().contains(alertId)).count(),
                    "one message per destination");

            // A test send through the API arrives too (TCP).
            as("platform-admin").post(base + "/" + tcp + "/test").then().statusCode(202);
            JsonNode test = rsyslog.await(n -> n.get("msgid").asText().equals("TEST") && n.get("msg").asText().contains(tenant),
                    Duration.ofSeconds(20));
            assertEquals("test", CefParser.parse(test.get("msg").asText()).header().get(3));
        } finally {
            deleteDestinations(base);
        }
    }

    /**
     * RFC 5425: an alert reaches an rsyslogd that takes TLS only and requires a client certificate issued by the test's
     * CA; the destination trusts that CA and presents the client certificate, whose key the worker unseals. A second
     * destination to the same receiver trusts only the JVM's store: each attempt fails the handshake, and the delivery
     * log says why until the delivery is FAILED.
     */
    @Test
    void anOpenedAlertReachesRsyslogOverMutualTlsAndAnUntrustedReceiverIsAFailedDeliveryWithItsReason() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String tenant = "it-" + run;
        String base = "/api/v1/customers/" + tenant + "/notifications";
        TestCustomers.named(pool, tenant, "it-msp-" + run, "192.168.0.0/16");
        Path dir = Path.of("target", "rsyslog-tls-" + run).toAbsolutePath();
        TestPki pki = TestPki.ca(dir.resolve("pki"), "vigil-it-ca");
        TestPki.Issued server = pki.issue("rsyslog", "ip:127.0.0.1,dns:localhost", "serverAuth");
        TestPki.Issued client = pki.issue("vigil-detection", null, "clientAuth");
        try (RsyslogReceiver rsyslog = RsyslogReceiver.startTls(dir.resolve("rsyslog"), pki.caFile(), server.certificateFile(),
                server.keyFile(), true)) {
            JsonPath created = as("platform-admin").body(Map.of("name", "SIEM tls", "kind", "SYSLOG", "host", "127.0.0.1",
                    "port", rsyslog.port(), "transport", "TLS", "tls", Map.of("caCertificate", pki.caPem(),
                            "clientCertificate", client.certificate(), "clientKey", client.key())))
                    .post(base).then().statusCode(201).extract().jsonPath();
            String tls = created.getString("id");
            assertEquals("TLS", created.getString("transport"));
            assertEquals(pki.caPem(), created.getString("tls.caCertificate"));
            assertEquals(client.certificate(), created.getString("tls.clientCertificate"));
            assertTrue(created.getBoolean("tls.verifyHostname"));
            assertFalse(created.prettify().contains("PRIVATE KEY"), "the client key is never shown");
            String untrusted = as("platform-admin").body(Map.of("name", "SIEM tls, JVM trust", "kind", "SYSLOG",
                    "host", "127.0.0.1", "port", rsyslog.port(), "transport", "TLS")).post(base).then().statusCode(201)
                    .extract().path("id");

            JsonPath alert = portScanAlerts(tenant);
            String alertId = alert.getString("items[0].id");

            JsonNode line = rsyslog.await(n -> n.get("msg").asText().contains(alertId), Duration.ofSeconds(20));
            assertEquals("imtcp", line.get("input").asText());
            assertParsedAlert(line, alertId, alert.getString("items[0].summary"), tenant);
            as("platform-admin").get(base + "/" + tls + "/deliveries").then().statusCode(200)
                    .body("items[0].status", org.hamcrest.Matchers.equalTo("DELIVERED"))
                    .body("items[0].alertId", org.hamcrest.Matchers.equalTo(alertId));

            // %test: 4 attempts, 300 ms backoff doubling: FAILED within seconds, each attempt a handshake refused by us
            JsonPath failed = null;
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < end) {
                failed = as("platform-admin").get(base + "/" + untrusted + "/deliveries").then().statusCode(200).extract().jsonPath();
                if ("FAILED".equals(failed.getString("items[0].status"))) {
                    break;
                }
                assertTrue(failed.getString("items[0].lastError") == null
                        || failed.getString("items[0].lastError").equals("TLS failed: untrusted certificate"), failed.prettify());
                Thread.sleep(200);
            }
            assertEquals("FAILED", failed.getString("items[0].status"), failed.prettify());
            assertEquals("TLS failed: untrusted certificate", failed.getString("items[0].lastError"));
            assertEquals(4, failed.getInt("items[0].attempts"));
            assertEquals(1, rsyslog.received().stream().filter(n -> n.get("msg").asText().contains(alertId)).count(),
                    "only the trusting destination's message arrived");
        } finally {
            deleteDestinations(base);
        }
    }

    /**
     * A TLS destination's PEM fields are checked when it is created, each error naming its field (never a 500), the port
     * defaults to 6514, and the client key is stored sealed to the destination and never shown again.
     */
    @Test
    void tlsDestinationsAreCheckedFieldByFieldAndTheirClientKeyIsStoredSealed() throws Exception {
        String run = UUID.randomUUID().toString().substring(0, 8);
        String tenant = "it-" + run;
        String base = "/api/v1/customers/" + tenant + "/notifications";
        TestCustomers.named(pool, tenant, "it-msp-" + run, "192.168.0.0/16");
        TestPki pki = TestPki.ca(Path.of("target", "pki-" + run).toAbsolutePath(), "vigil-it-ca");
        TestPki.Issued client = pki.issue("vigil-detection", null, "clientAuth");
        TestPki.Issued other = pki.issue("someone-else", null, "clientAuth");
        try {
            as("platform-admin").body(Map.of("name", "bad ca", "kind", "SYSLOG", "host", "127.0.0.1", "transport", "TLS",
                            "tls", Map.of("caCertificate", "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----")))
                    .post(base).then().statusCode(400).contentType("application/problem+json")
                    .body("errors.field", org.hamcrest.Matchers.equalTo(List.of("tls.caCertificate")));
            as("platform-admin").body(Map.of("name", "key as ca", "kind", "SYSLOG", "host", "127.0.0.1", "transport", "TLS",
                            "tls", Map.of("caCertificate", client.key())))
                    .post(base).then().statusCode(400).contentType("application/problem+json")
                    .body("errors[0].field", org.hamcrest.Matchers.equalTo("tls.caCertificate"))
                    .body("errors[0].message", org.hamcrest.Matchers.containsString("private key"));
            as("platform-admin").body(Map.of("name", "wrong key", "kind", "SYSLOG", "host", "127.0.0.1", "transport", "TLS",
                            "tls", Map.of("clientCertificate", client.certificate(), "clientKey", other.key())))
                    .post(base).then().statusCode(400).contentType("application/problem+json")
                    .body("errors.field", org.hamcrest.Matchers.equalTo(List.of("tls.clientKey")));
            as("platform-admin").body(Map.of("name", "tls on tcp", "kind", "SYSLOG", "host", "127.0.0.1", "port", 514,
                            "transport", "TCP", "tls", Map.of("caCertificate", pki.caPem())))
                    .post(base).then().statusCode(400).contentType("application/problem+json")
                    .body("errors.field", org.hamcrest.Matchers.equalTo(List.of("tls")));
            as("platform-admin").body(Map.of("name", "tls on a webhook", "kind", "WEBHOOK", "url", "https://hooks.example.com/x",
                            "tls", Map.of()))
                    .post(base).then().statusCode(400).body("errors.field", org.hamcrest.Matchers.equalTo(List.of("tls")));

            JsonPath created = as("platform-admin").body(Map.of("name", "SIEM mtls", "kind", "SYSLOG", "host", "localhost",
                            "transport", "TLS", "enabled", false, "tls", Map.of("clientCertificate", client.certificate(),
                                    "clientKey", client.key(), "verifyHostname", false)))
                    .post(base).then().statusCode(201).extract().jsonPath();
            String id = created.getString("id");
            assertEquals(6514, created.getInt("port"), "RFC 5425's port");
            assertFalse(created.getBoolean("tls.verifyHostname"));
            assertFalse(created.prettify().contains("PRIVATE KEY"));
            assertFalse(as("platform-admin").get(base + "/" + id).then().statusCode(200).extract().asString().contains("PRIVATE KEY"));
            String stored = pool.preparedQuery("SELECT tls_client_key FROM detection.notification_destinations WHERE id = $1")
                    .execute(io.vertx.mutiny.sqlclient.Tuple.of(id)).await().indefinitely().iterator().next().getString("tls_client_key");
            assertTrue(stored.startsWith("v1:") && !stored.contains("PRIVATE KEY"), stored);
        } finally {
            deleteDestinations(base);
        }
    }

    /** What rsyslog's own RFC 5424 parser and our CEF parser found in the line of the port-scan alert. */
    static void assertParsedAlert(JsonNode line, String alertId, String summary, String tenant) {
        // rsyslog's own RFC 5424 parser split the fields: version 1, local0.err (16 * 8 + 3), our header fields.
        assertEquals("1", line.get("version").asText(), line.toString());
        assertEquals("131", line.get("pri").asText());
        assertEquals("vigil-detection", line.get("app").asText());
        assertEquals("OPENED", line.get("msgid").asText());
        assertEquals(String.valueOf(ProcessHandle.current().pid()), line.get("procid").asText());
        assertEquals("-", line.get("sd").asText());
        assertFalse(line.get("hostname").asText().isBlank());
        var m = RFC5424.matcher(line.get("raw").asText());
        assertTrue(m.matches(), "RFC 5424: " + line.get("raw").asText());
        assertTrue(Duration.between(Instant.parse(m.group(2)), Instant.now()).abs().toMinutes() < 5);

        CefParser.Parsed cef = CefParser.parse(line.get("msg").asText());
        assertEquals(List.of("Vigil", "Vigil"), cef.header().subList(0, 2));
        assertFalse(cef.header().get(2).isBlank(), "the product version");
        assertEquals("scan.vertical", cef.header().get(3));
        assertEquals("Probing and Reconnaissance (vertical)", cef.header().get(4));
        assertEquals("8", cef.header().get(5));
        Map<String, String> ext = cef.extensions();
        assertEquals("192.168.2.154", ext.get("src"));
        assertEquals("opened", ext.get("act"));
        assertEquals("Probing and Reconnaissance", ext.get("cat"), "the category is the family");
        assertEquals(alertId, ext.get("externalId"));
        assertEquals(summary, ext.get("msg"));
        assertEquals(tenant, ext.get("cs1"));
        assertEquals("customer", ext.get("cs1Label"));
        assertEquals("T1046", ext.get("cs3"));
        assertEquals("LATERAL", ext.get("cs4"));
        assertEquals("10", ext.get("cn2"));
        assertEquals("ports", ext.get("cn2Label"));
    }

    /** The port-scan capture metered and stored for {@code tenant}, judged by one cycle: the tenant's VERTICAL alerts. */
    private JsonPath portScanAlerts(String tenant) throws Exception {
        Instant received = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Replay.store(tenant, Replay.meter("ncsa_port_scan.pcap"), received, received.minusSeconds(30));
        cycle.runTenant(tenant, received.plusSeconds(1));
        return as("platform-admin").get("/api/v1/customers/" + tenant + "/alerts?type=VERTICAL").then()
                .statusCode(200).extract().jsonPath();
    }

    /** Deletes every destination under {@code base}, so no later test's alert reaches this test's receivers. */
    private static void deleteDestinations(String base) {
        for (Map<String, Object> d : as("platform-admin").get(base).then().extract().jsonPath().<Map<String, Object>>getList("$")) {
            as("platform-admin").delete(base + "/" + d.get("id"));
        }
    }
}
