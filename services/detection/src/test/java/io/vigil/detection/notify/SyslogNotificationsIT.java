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

            Instant received = Instant.now().truncatedTo(ChronoUnit.SECONDS);
            Replay.store(tenant, Replay.meter("ncsa_port_scan.pcap"), received, received.minusSeconds(30));
            cycle.runTenant(tenant, received.plusSeconds(1));
            JsonPath alert = as("platform-admin").get("/api/v1/customers/" + tenant + "/alerts?type=VERTICAL").then()
                    .statusCode(200).extract().jsonPath();
            assertEquals(1, alert.getList("items").size());
            String alertId = alert.getString("items[0].id");
            String summary = alert.getString("items[0].summary");
            assertEquals("HIGH", alert.getString("items[0].severity"));

            for (String input : List.of("imtcp", "imudp")) {
                JsonNode line = rsyslog.await(n -> n.get("input").asText().equals(input) && n.get("msg").asText().contains(alertId),
                        Duration.ofSeconds(20));
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
            for (Map<String, Object> d : as("platform-admin").get(base).then().extract().jsonPath().<Map<String, Object>>getList("$")) {
                as("platform-admin").delete(base + "/" + d.get("id"));
            }
        }
    }
}
