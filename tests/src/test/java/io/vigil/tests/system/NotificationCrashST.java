package io.vigil.tests.system;

import com.sun.net.httpserver.HttpServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Detection crashes right after a cycle's transaction commits an alert, before anything else runs (the process halts,
 * as a kill -9 there would), and the alert's webhook is still delivered, exactly once, after the restart. The
 * deliveries are written in the same transaction as the alert, so nothing that happens after the commit can lose them.
 * The crash point is the engine's fault-injection setting {@code vigil.detection.engine.fault.halt-after-commit}.
 */
@Tag("system")
class NotificationCrashST {

    private static final String DB = "vigil_crash_st";
    private static final Path WORK = SystemStack.ROOT.resolve("tests/target/notification-crash-st");
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String TENANT = "crash-" + UUID.randomUUID().toString().substring(0, 8);
    private static final String SCANNER = "10.1.0.66";

    private static HttpServer receiver;
    private static final List<String> received = new CopyOnWriteArrayList<>();
    private static Process detection;

    @BeforeAll
    static void setUp() throws Exception {
        Files.createDirectories(WORK);
        SystemStack.clickhouse("DROP DATABASE IF EXISTS " + DB);
        // Ingest's migrator creates the database detection reads; ingest itself is not needed after that.
        Process ingest = SystemStack.startIngest(SystemStack.freePort(), DB, WORK.resolve("ingest.log"));
        SystemStack.stop(ingest);
        SystemStack.postgres("INSERT INTO detection.customers (id, msp_id, internal_networks, updated_at) VALUES ('" + TENANT
                + "', 'msp-a', ARRAY['10.1.0.0/16'], now())");
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            received.add(exchange.getRequestHeaders().getFirst("Vigil-Delivery") + " "
                    + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterAll
    static void tearDown() throws Exception {
        SystemStack.stop(detection);
        if (receiver != null) {
            receiver.stop(0);
        }
        SystemStack.clickhouse("DROP DATABASE IF EXISTS " + DB);
    }

    private static Process startDetection(int port, boolean haltAfterCommit, String log) throws Exception {
        return SystemStack.startDetection(port, DB, Map.of("VIGIL_NOTIFY_ALLOW_PRIVATE_ADDRESSES", "true",
                "VIGIL_NOTIFY_WEBHOOK_REQUIRE_HTTPS", "false",
                "VIGIL_DETECTION_ENGINE_FAULT_HALT_AFTER_COMMIT", String.valueOf(haltAfterCommit)), WORK.resolve(log));
    }

    @Test
    void aWebhookQueuedByACycleThatCrashedRightAfterItsCommitIsDeliveredOnceAfterTheRestart() throws Exception {
        int port = SystemStack.freePort();
        detection = startDetection(port, true, "detection-crashing.log");
        String hook = "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
        HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/api/v1/customers/" + TENANT + "/notifications"))
                .header("Authorization", "Bearer " + SystemStack.userToken("msp-a-admin")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"crash hook\",\"kind\":\"WEBHOOK\",\"url\":\"" + hook + "\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, created.statusCode(), created.body());

        // A vertical SYN scan stored as one batch: the next cycle commits its alert, then the process halts.
        long now = Instant.now().getEpochSecond();
        SystemStack.clickhouse("INSERT INTO " + DB + ".flows (tenant_id, sensor_id, batch_seq, received_at, start, start_ms, end_ms,"
                + " ip_version, orig_addr, resp_addr, orig_port, resp_port, protocol, icmp_type, icmp_code, icmp_reply, orig_packets,"
                + " orig_bytes, resp_packets, resp_bytes, orig_tcp_flags, resp_tcp_flags, conn_state, history, vlan, community_id)"
                + " SELECT '" + TENANT + "', 's1', 1, toDateTime(" + now + "), toDateTime(" + (now - 5) + "), " + (now - 5) + " * 1000 + number,"
                + " " + (now - 5) + " * 1000 + number + 1, 4, IPv6StringToNum('::ffff:" + SCANNER + "'), IPv6StringToNum('::ffff:10.1.0.10'),"
                + " 40000 + number, 1 + number, 6, 0, 0, 0, 1, 60, 0, 0, 2, 0, 'S0', 'S', 0, '' FROM system.numbers LIMIT 30");
        assertTrue(detection.waitFor(60, TimeUnit.SECONDS), "detection halted after its commit");
        assertEquals(86, detection.exitValue(), "halted by the fault injection, not by anything else");

        assertEquals("1", SystemStack.postgres("SELECT count(*) FROM detection.alerts WHERE customer_id = '" + TENANT + "'"),
                "the alert was committed before the crash");
        assertEquals("PENDING", SystemStack.postgres("SELECT string_agg(status, ',') FROM detection.notification_deliveries"
                + " WHERE customer_id = '" + TENANT + "'"), "its delivery was committed with it, and not sent");
        assertTrue(received.isEmpty(), "nothing was sent before the crash: " + received);

        detection = startDetection(port, false, "detection-restarted.log");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (received.isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        // A few more delivery polls (2 s each) and cycles: nothing is sent twice, and the batch is not judged again.
        Thread.sleep(6000);
        assertEquals(1, received.size(), "delivered exactly once: " + received);
        assertTrue(received.get(0).contains("\"alert.opened\"") && received.get(0).contains(SCANNER)
                && received.get(0).contains("\"family\":\"RECONNAISSANCE\""), received.get(0));
        assertEquals("DELIVERED", SystemStack.postgres("SELECT string_agg(status, ',') FROM detection.notification_deliveries"
                + " WHERE customer_id = '" + TENANT + "'"));
        assertEquals("30", SystemStack.postgres("SELECT attempts FROM detection.alerts WHERE customer_id = '" + TENANT + "'"),
                "the batch was judged once, before the crash");
    }
}
