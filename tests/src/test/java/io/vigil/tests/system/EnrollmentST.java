package io.vigil.tests.system;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole enrollment path with the built services as processes: an MSP admin issues a one-time token through
 * the tenants API, the sensor redeems it, exports a capture that ingest stores under the customer, and after the
 * sensor is revoked it can no longer deliver anything.
 */
@Tag("system")
class EnrollmentST {

    private static final String DB = "vigil_enrollment_st";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @AfterAll
    static void dropDatabase() throws Exception {
        SystemStack.clickhouse("DROP DATABASE IF EXISTS " + DB);
    }

    @Test
    void aSensorEnrolledWithAOneTimeTokenExportsUnderItsCustomerUntilRevoked() throws Exception {
        Path work = SystemStack.ROOT.resolve("tests/target/enrollment-st");
        Files.createDirectories(work);
        Path capture = work.resolve("udp-3s.pcap");
        long pairs = SystemStack.writeUdpCapture(capture, 3, 100);
        Path configDir = Files.createTempDirectory(work, "sensor-");
        Path log = work.resolve("sensor.log");
        int tenantsPort = SystemStack.freePort();
        int ingestPort = SystemStack.freePort();
        Process tenants = SystemStack.startTenants(tenantsPort, work.resolve("tenants.log"));
        Process ingest = SystemStack.startIngest(ingestPort, DB, work.resolve("ingest.log"));
        try {
            String tenantsUrl = "http://127.0.0.1:" + tenantsPort;
            String admin = SystemStack.userToken("msp-a-admin");
            HttpResponse<String> issued = HTTP.send(HttpRequest.newBuilder(URI.create(tenantsUrl + "/api/v1/customers/a1/sensors"))
                    .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"st-" + System.nanoTime() + "\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, issued.statusCode(), issued.body());
            String token = SystemStack.jsonString(issued.body(), "enrollmentToken");
            String sensorId = SystemStack.jsonString(issued.body(), "id");

            Process enroll = SystemStack.sensor(log, "enroll", "--config-dir", configDir.toString(), "--url", tenantsUrl,
                    "--token", token, "--ingest", "127.0.0.1:" + ingestPort);
            assertTrue(enroll.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, enroll.exitValue(), "enroll; see " + log);
            Process again = SystemStack.sensor(log, "enroll", "--config-dir", Files.createTempDirectory(work, "again-").toString(),
                    "--url", tenantsUrl, "--token", token);
            assertTrue(again.waitFor(60, TimeUnit.SECONDS));
            assertNotEquals(0, again.exitValue(), "a used enrollment token is refused; see " + log);

            Process replay = SystemStack.sensor(log, "replay", "--config-dir", configDir.toString(), "--retime",
                    "--quiet", capture.toString());
            assertTrue(replay.waitFor(120, TimeUnit.SECONDS), "see " + log);
            assertEquals(0, replay.exitValue(), "replay; see " + log);
            assertEquals("a1\t" + pairs, SystemStack.clickhouse("SELECT tenant_id, count() FROM " + DB
                    + ".flows WHERE sensor_id = '" + sensorId + "' GROUP BY tenant_id"), "stored under a1, exactly once");

            HttpResponse<String> revoked = HTTP.send(HttpRequest.newBuilder(
                            URI.create(tenantsUrl + "/api/v1/customers/a1/sensors/" + sensorId + "/revoke"))
                    .header("Authorization", "Bearer " + admin).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, revoked.statusCode(), revoked.body());
            Process afterRevoke = SystemStack.sensor(log, "replay", "--config-dir", configDir.toString(), "--retime",
                    "--quiet", "--ack-timeout", "15s", capture.toString());
            assertTrue(afterRevoke.waitFor(90, TimeUnit.SECONDS), "see " + log);
            assertEquals(3, afterRevoke.exitValue(), "a revoked sensor gets no token, so nothing is acknowledged");
            assertEquals(String.valueOf(pairs), SystemStack.clickhouse("SELECT count() FROM " + DB
                    + ".flows WHERE sensor_id = '" + sensorId + "'"), "nothing more was stored after the revoke");
        } finally {
            ingest.destroy();
            tenants.destroy();
            ingest.waitFor(30, TimeUnit.SECONDS);
            tenants.waitFor(30, TimeUnit.SECONDS);
        }
    }
}
