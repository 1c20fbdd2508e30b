package io.vigil.tests.system;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Detection scaled out as k8s/ deploys it: two replicas of the built service, each owning the tenants whose hash
 * falls in its slot. Six customers onboarded through the tenants API are each scanned once; every customer gets
 * exactly one alert, judged by the replica that owns it and by no other, and either replica serves every alert.
 */
@Tag("system")
class DetectionShardsST {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern JUDGED = Pattern.compile("tenant (\\S+) \\[.*\\]: \\d+ findings");

    @Test
    void eachCustomerIsJudgedByExactlyTheReplicaThatOwnsIt() throws Exception {
        Path work = SystemStack.ROOT.resolve("tests/target/detection-shards-st");
        Files.createDirectories(work);
        int tenantsPort = SystemStack.freePort();
        String tenantsUrl = "http://127.0.0.1:" + tenantsPort;
        List<Process> started = new ArrayList<>();
        try {
            started.add(SystemStack.startTenants(tenantsPort, work.resolve("tenants.log")));
            String admin = SystemStack.userToken("msp-a-admin");
            List<String> customers = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                HttpResponse<String> created = HTTP.send(HttpRequest.newBuilder(URI.create(tenantsUrl + "/api/v1/customers"))
                        .header("Authorization", "Bearer " + admin).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"shards-st-" + System.nanoTime()
                                + "\",\"internalNetworks\":[\"10.9.0.0/16\"]}")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(201, created.statusCode(), created.body());
                customers.add(SystemStack.jsonString(created.body(), "id"));
            }

            long now = Instant.now().getEpochSecond();
            // Each customer's flows are batch 1 of its own sensor, as ingest would store a sensor's first batch.
            for (String customer : customers) {
                SystemStack.clickhouse(verticalScan(customer, now - 5));
            }
            List<Path> logs = List.of(work.resolve("detection-0.log"), work.resolve("detection-1.log"));
            List<Integer> ports = List.of(SystemStack.freePort(), SystemStack.freePort());
            for (int ordinal = 0; ordinal < 2; ordinal++) {
                Files.deleteIfExists(logs.get(ordinal));
                started.add(SystemStack.startDetection(ports.get(ordinal), tenantsUrl, logs.get(ordinal),
                        Map.of("VIGIL_DETECTION_SHARD_COUNT", "2", "VIGIL_DETECTION_SHARD_ORDINAL", String.valueOf(ordinal))));
            }

            for (String customer : customers) {
                for (int ordinal = 0; ordinal < 2; ordinal++) {
                    String alerts = waitForAlerts(ports.get(ordinal), customer, admin);
                    assertEquals(1, count(alerts, "\"id\":\"al-"), customer + " via replica " + ordinal + ": " + alerts);
                    assertTrue(alerts.contains("\"type\":\"VERTICAL\"") && alerts.contains("\"source\":\"10.9.9.9\""), alerts);
                }
            }
            for (int ordinal = 0; ordinal < 2; ordinal++) {
                List<String> judged = judged(logs.get(ordinal));
                for (String customer : customers) {
                    boolean owns = slot(customer, 2) == ordinal;
                    assertEquals(owns, judged.contains(customer), "replica " + ordinal + (owns ? " judges " : " leaves ")
                            + customer + "; see " + logs.get(ordinal));
                }
            }
        } finally {
            for (Process p : started) {
                p.destroy();
                p.waitFor(20, TimeUnit.SECONDS);
            }
        }
    }

    /** The slot detection's TenantShard gives a tenant (CRC32 of its id, modulo the replica count). */
    private static int slot(String tenant, int replicas) {
        CRC32 crc = new CRC32();
        crc.update(tenant.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % replicas);
    }

    /** Ten refused SYNs from 10.9.9.9 to ten ports of 10.9.9.10, stored as ingest would store them. */
    private static String verticalScan(String tenant, long receivedAt) {
        StringBuilder sql = new StringBuilder("INSERT INTO vigil.flows (tenant_id, sensor_id, batch_seq, received_at, start,"
                + " start_ms, end_ms, ip_version, orig_addr, resp_addr, orig_port, resp_port, protocol, orig_packets, orig_bytes,"
                + " resp_packets, resp_bytes, orig_tcp_flags, resp_tcp_flags, conn_state, history) VALUES ");
        long ms = receivedAt * 1000 - 2000;
        for (int port = 1; port <= 10; port++) {
            sql.append(port == 1 ? "" : ",").append("('").append(tenant).append("','shards-st',1,").append(receivedAt)
                    .append(',').append(ms / 1000).append(',').append(ms + port).append(',').append(ms + port + 1)
                    .append(",4,").append(mapped(9)).append(',').append(mapped(10)).append(",40000,").append(port)
                    .append(",6,1,44,1,40,2,20,'REJ','Sr')");
        }
        return sql.toString();
    }

    private static String mapped(int last) {
        return "'\\0\\0\\0\\0\\0\\0\\0\\0\\0\\0\\xff\\xff\\x0a\\x09\\x09" + String.format("\\x%02x", last) + "'";
    }

    private static String waitForAlerts(int port, String customer, String token) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String body = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/api/v1/customers/" + customer + "/alerts")).header("Authorization", "Bearer " + token).build(),
                    HttpResponse.BodyHandlers.ofString());
            body = r.body();
            if (r.statusCode() == 200 && body.contains("\"id\":\"al-")) {
                return body;
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
        throw new AssertionError("no alert for " + customer + " via port " + port + " in 90 s: " + body);
    }

    private static List<String> judged(Path log) throws Exception {
        List<String> tenants = new ArrayList<>();
        Matcher m = JUDGED.matcher(Files.readString(log));
        while (m.find()) {
            tenants.add(m.group(1));
        }
        return tenants;
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
