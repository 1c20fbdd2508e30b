package io.vigil.tests.bench;

import com.google.protobuf.ByteString;
import io.vigil.proto.ingest.v1.ConnState;
import io.vigil.proto.ingest.v1.Flow;
import io.vigil.tests.load.ExportStream;
import io.vigil.tests.load.Keycloak;
import io.vigil.tests.system.SystemStack;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Alert latency of a fast scan: ingest and detection run as processes (detection with its short cycle); a sensor
 * client streams a horizontal SYN scan of tenant a1 through ingest as a sensor exports it, and the time from sending
 * the batch with the first probe until the alert is visible through detection's REST API (polled every 100 ms as
 * msp-a-admin) is measured over many runs, each from a new scanner address so it opens a new alert. The reference,
 * in the same runs: the time until the first batch's flows are visible in ClickHouse itself. Prints BENCH lines.
 */
@Tag("bench")
class LatencyBenchmark {

    private static final String DB = "vigil_latency_bench";
    private static final String TENANT = "a1";
    private static final String SENSOR = "sensor-a1";
    private static final int RUNS = Integer.getInteger("bench.latency-runs", 20);
    private static final int WARMUP = 3;
    private static final String CYCLE = System.getProperty("bench.cycle-interval", "2s");
    private static final long POLL_MS = 100;
    private static final long TIMEOUT_MS = 30_000;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Pattern ALERT_ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

    @Test
    void fastScanAlertLatencyAgainstClickHouseVisibility() throws Exception {
        SystemStack.clickhouse("DROP DATABASE IF EXISTS " + DB);
        Path logs = SystemStack.ROOT.resolve("tests/target");
        Files.createDirectories(logs);
        int ingestPort = SystemStack.freePort();
        int detectionPort = SystemStack.freePort();
        Process ingest = SystemStack.startIngest(ingestPort, DB, logs.resolve("bench-latency-ingest.log"));
        Process detection = null;
        try {
            detection = SystemStack.startDetection(detectionPort, DB, Map.of("VIGIL_DETECTION_ENGINE_CYCLE_INTERVAL", CYCLE,
                    "VIGIL_NOTIFY_ENABLED", "false"), logs.resolve("bench-latency-detection.log"));
            String api = "http://127.0.0.1:" + detectionPort + "/api/v1/customers/" + TENANT + "/alerts";
            Random random = new Random();
            List<Long> alertMs = new ArrayList<>();
            List<Long> storedMs = new ArrayList<>();
            try (ExportStream sensor = new ExportStream("127.0.0.1:" + ingestPort,
                    Keycloak.clientToken(SystemStack.ISSUER, SENSOR, "dev-" + SENSOR))) {
                for (int run = 0; run < WARMUP + RUNS; run++) {
                    String token = SystemStack.userToken("msp-a-admin");
                    String scanner = "100." + (64 + random.nextInt(64)) + "." + random.nextInt(256) + "." + (1 + random.nextInt(254));
                    if (!alertIds(api, token, scanner).isEmpty()) {
                        run--;
                        continue;
                    }
                    // Enter at a random phase of detection's cycle, as a real scan does.
                    TimeUnit.MILLISECONDS.sleep(random.nextInt(2_000));
                    long[] took = scan(sensor, api, token, scanner);
                    for (String id : alertIds(api, token, scanner)) {
                        post(api + "/" + id + "/resolve", token);
                    }
                    if (run >= WARMUP) {
                        alertMs.add(took[0]);
                        storedMs.add(took[1]);
                    }
                }
            }
            alertMs.sort(null);
            storedMs.sort(null);
            long a50 = percentile(alertMs, 50);
            long a95 = percentile(alertMs, 95);
            long s50 = percentile(storedMs, 50);
            long s95 = percentile(storedMs, 95);
            System.out.printf("BENCH detection_alert_latency_p50 %d ms ratio=%.1f vs clickhouse_visible_p50%n", a50, (double) a50 / s50);
            System.out.printf("BENCH detection_alert_latency_p95 %d ms ratio=%.1f vs clickhouse_visible_p95%n", a95, (double) a95 / s95);
            System.out.printf("BENCH detection_alert_latency_max %d ms%n", alertMs.get(alertMs.size() - 1));
            System.out.printf("BENCH clickhouse_visible_latency_p50 %d ms%n", s50);
            System.out.printf("BENCH clickhouse_visible_latency_p95 %d ms%n", s95);
            System.out.printf("BENCH detection_latency_runs %d runs (cycle-interval %s, REST and ClickHouse polled every %d ms)%n",
                    RUNS, CYCLE, POLL_MS);
            assertTrue(a95 <= 10_000, "p95 alert latency from ingest receipt over 10 s: " + alertMs);
        } finally {
            if (detection != null) {
                stop(detection);
            }
            stop(ingest);
            SystemStack.clickhouse("DROP DATABASE IF EXISTS " + DB);
        }
    }

    /**
     * One fast horizontal SYN scan from {@code scanner}: 40 unanswered probes of 10.1.9.x:22, 10 ms apart, exported
     * as the sensor would: the first 10 in one batch, the rest in a second 250 ms later. Returns {ms until the alert
     * is visible through REST, ms until the first batch's flows are visible in ClickHouse}, from sending the first batch.
     */
    private static long[] scan(ExportStream sensor, String api, String token, String scanner) throws Exception {
        long now = System.currentTimeMillis();
        List<Flow> probes = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            probes.add(Flow.newBuilder().setStartTimeMs(now - 4_500 + i * 10L).setEndTimeMs(now - 4_500 + i * 10L)
                    .setIpVersion(4).setOrigAddr(ipv4(scanner)).setRespAddr(ipv4("10.1.9." + (1 + i)))
                    .setOrigPort(40_000 + i).setRespPort(22).setProtocol(6).setOrigPackets(1).setOrigBytes(44)
                    .setOrigTcpFlags(0x02).setConnState(ConnState.S0).setHistory("S").build());
        }
        String visible = "SELECT count() FROM " + DB + ".flows WHERE tenant_id = '" + TENANT
                + "' AND orig_addr = IPv6StringToNum('::ffff:" + scanner + "')";
        long t0 = System.nanoTime();
        sensor.send(probes.subList(0, 10));
        long stored = -1;
        long alert = -1;
        boolean second = false;
        while (alert < 0 || stored < 0) {
            long elapsed = (System.nanoTime() - t0) / 1_000_000;
            if (elapsed > TIMEOUT_MS) {
                throw new IllegalStateException("no alert for scanner " + scanner + " within " + TIMEOUT_MS + " ms");
            }
            if (!second && elapsed >= 250) {
                sensor.send(probes.subList(10, probes.size()));
                second = true;
            }
            if (stored < 0 && !"0".equals(SystemStack.clickhouse(visible))) {
                stored = (System.nanoTime() - t0) / 1_000_000;
            }
            if (alert < 0 && !alertIds(api, token, scanner).isEmpty()) {
                alert = (System.nanoTime() - t0) / 1_000_000;
            }
            TimeUnit.MILLISECONDS.sleep(POLL_MS);
        }
        if (!second) {
            sensor.send(probes.subList(10, probes.size()));
        }
        return new long[]{alert, stored};
    }

    private static List<String> alertIds(String api, String token, String scanner) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(api + "?source=" + scanner))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("alerts: HTTP " + r.statusCode() + " " + r.body());
        }
        List<String> ids = new ArrayList<>();
        Matcher m = ALERT_ID.matcher(r.body());
        while (m.find()) {
            ids.add(m.group(1));
        }
        return ids;
    }

    private static void post(String url, String token) throws Exception {
        HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
    }

    /** Nearest-rank percentile of a sorted list. */
    private static long percentile(List<Long> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    private static ByteString ipv4(String ip) {
        String[] p = ip.split("\\.");
        return ByteString.copyFrom(new byte[]{(byte) Integer.parseInt(p[0]), (byte) Integer.parseInt(p[1]),
                (byte) Integer.parseInt(p[2]), (byte) Integer.parseInt(p[3])});
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }
}
