package io.vigil.tests.bench;

import io.vigil.lib.testing.ListeningProcess;
import io.vigil.lib.testing.OtlpReceiver;
import io.vigil.tests.load.FlowLoad;
import io.vigil.tests.load.Keycloak;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * End-to-end ingest throughput: two sensors stream generated flows over gRPC through a freshly started ingest
 * process into ClickHouse; then clickhouse-client inserts the very same rows into the same table, in the same
 * run, as the reference. Prints BENCH lines; asserts only that every flow was stored exactly once.
 *
 * <p>A second benchmark runs the same load through ingest with tracing on (exporting to an in-test OTLP receiver that
 * stands in for a collector) and JSON console logs on, against ingest with both off, in the same run.
 *
 * <p>Run with scripts/bench (or mvn -Pbench verify -pl tests after mvn install -DskipTests).
 */
@Tag("bench")
class IngestBenchmark {

    private static final String CLICKHOUSE = env("VIGIL_CLICKHOUSE_URL", "http://127.0.0.1:18123");
    private static final String CH_TCP_PORT = env("VIGIL_CLICKHOUSE_TCP_PORT", "19000");
    private static final String ISSUER = env("VIGIL_OIDC_ISSUER", "http://127.0.0.1:18080/realms/vigil");
    private static final String DB = "vigil_bench";
    private static final int PORT = 18095;
    private static final long FLOWS_PER_SENSOR = Long.getLong("bench.flows", 1_500_000);
    private static final int BATCH = Integer.getInteger("bench.batch", 5_000);
    /** JVM options of the ingest process under test; scripts/services uses the same default. */
    private static final String INGEST_JVM = System.getProperty("bench.ingest.jvm", "-Xmx512m");
    private static final List<String> SENSORS = List.of("sensor-a1", "sensor-b1");
    private static final String COLUMNS = "tenant_id, sensor_id, batch_seq, received_at, start, start_ms, end_ms,"
            + " ip_version, orig_addr, resp_addr, orig_port, resp_port, protocol, icmp_type, icmp_code, icmp_reply,"
            + " orig_packets, orig_bytes, resp_packets, resp_bytes, orig_tcp_flags, resp_tcp_flags, conn_state,"
            + " history, vlan, community_id";

    /** Flows per sensor per measured round of the tracing benchmark. */
    private static final long TRACING_FLOWS_PER_SENSOR = Long.getLong("bench.tracing-flows", 500_000);

    @Test
    void ingestThroughputAgainstClickHouseClient() throws Exception {
        clickhouse("DROP DATABASE IF EXISTS " + DB);
        Process ingest = startIngest(Map.of());
        try {
            run(600_000, "warmup", null);
            AtomicLong peakRss = new AtomicLong();
            ScheduledRss sampler = new ScheduledRss(ingest.pid(), peakRss);
            String marker = "bench-" + System.nanoTime();
            long clickhousePid = clickhousePid();
            long[] cpu0 = {cpuTicks(ingest.pid()), cpuTicks(ProcessHandle.current().pid()), cpuTicks(clickhousePid)};
            long[] result = run(FLOWS_PER_SENSOR, marker, sampler);
            long[] cpu1 = {cpuTicks(ingest.pid()), cpuTicks(ProcessHandle.current().pid()), cpuTicks(clickhousePid)};
            long sent = result[0];
            double seconds = result[1] / 1e9;
            long stored = Long.parseLong(clickhouse("SELECT count() FROM " + DB + ".flows WHERE community_id = '" + marker + "'"));
            assertEquals(sent, stored, "every flow sent is stored exactly once");

            Path rows = Files.createTempFile("vigil-bench-", ".rowbinary");
            try {
                shell("clickhouse-client --port " + CH_TCP_PORT + " --query \"SELECT " + COLUMNS + " FROM " + DB
                        + ".flows WHERE community_id = '" + marker + "' FORMAT RowBinary\" > " + rows);
                // The reference gets a quiet server and its best of three runs: the comparison errs against ingest.
                double rawSeconds = Double.MAX_VALUE;
                double rawClickHouseCpu = 0;
                for (int run = 0; run < 3; run++) {
                    awaitMerges();
                    long rawCpu0 = cpuTicks(clickhousePid);
                    long t0 = System.nanoTime();
                    shell("clickhouse-client --port " + CH_TCP_PORT + " --query \"INSERT INTO " + DB + ".flows ("
                            + COLUMNS + ") FORMAT RowBinary\" < " + rows);
                    double took = (System.nanoTime() - t0) / 1e9;
                    if (took < rawSeconds) {
                        rawSeconds = took;
                        rawClickHouseCpu = (cpuTicks(clickhousePid) - rawCpu0) / 100.0 / (stored / 1e6);
                    }
                }
                double ingestRate = sent / seconds;
                double rawRate = stored / rawSeconds;
                System.out.printf("BENCH ingest_e2e_flows_per_s %.0f flows/s ratio=%.2f vs clickhouse-client%n",
                        ingestRate, ingestRate / rawRate);
                System.out.printf("BENCH clickhouse_client_insert_flows_per_s %.0f flows/s (best of 3)%n", rawRate);
                System.out.printf("BENCH ingest_rss_peak %d MB (JVM %s)%n", peakRss.get() / 1024, INGEST_JVM);
                String[] who = {"ingest", "load_client", "clickhouse"};
                for (int i = 0; i < who.length; i++) {
                    System.out.printf("BENCH cpu_%s_per_million_flows %.2f cpu-s%n", who[i],
                            (cpu1[i] - cpu0[i]) / 100.0 / (sent / 1e6));
                }
                System.out.printf("BENCH cpu_clickhouse_per_million_flows_from_clickhouse_client %.2f cpu-s%n",
                        rawClickHouseCpu);
                System.out.printf("BENCH ingest_flows_measured %d flows (%d sensors, batch %d, %.1f s)%n", sent,
                        SENSORS.size(), BATCH, seconds);
            } finally {
                Files.deleteIfExists(rows);
            }
        } finally {
            ingest.destroy();
            ingest.waitFor(30, TimeUnit.SECONDS);
            clickhouse("DROP DATABASE IF EXISTS " + DB);
        }
    }

    /**
     * Ingest's throughput with tracing and JSON console logs on, against both off: the two configurations alternate for
     * three rounds each (a fresh ingest process per round, warmed up first), and each keeps its best round, so a slow
     * moment of the shared machine does not decide the ratio.
     */
    @Test
    void ingestThroughputWithTracingAndJsonLogsAgainstBothOff() throws Exception {
        clickhouse("DROP DATABASE IF EXISTS " + DB);
        try (OtlpReceiver collector = new OtlpReceiver()) {
            Map<String, String> on = new java.util.HashMap<>(collector.serviceEnv());
            on.put("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "true");
            Map<String, String> off = Map.of("QUARKUS_OTEL_SDK_DISABLED", "true", "QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false");
            double bestOn = 0;
            double bestOff = 0;
            for (int round = 0; round < 3; round++) {
                bestOff = Math.max(bestOff, measuredRate(off, "off-" + round));
                bestOn = Math.max(bestOn, measuredRate(on, "on-" + round));
            }
            assertTrue(collector.spans().stream().anyMatch(s -> s.service().equals("vigil-ingest")
                    && s.name().contains("Export")), "ingest with tracing on exported its Export spans: " + collector.spans());
            System.out.printf("BENCH ingest_tracing_json_logs_throughput %.0f flows/s ratio=%.3f vs tracing and JSON logs off"
                    + " (%.0f flows/s; best of 3 rounds each, %d flows per round)%n", bestOn, bestOn / bestOff, bestOff,
                    TRACING_FLOWS_PER_SENSOR * SENSORS.size());
        } finally {
            clickhouse("DROP DATABASE IF EXISTS " + DB);
        }
    }

    /** One round: a fresh ingest with {@code settings}, warmed up, then measured; its flows/s. */
    private double measuredRate(Map<String, String> settings, String name) throws Exception {
        Process ingest = startIngest(settings);
        try {
            run(200_000, "warmup-" + name, null);
            String marker = "bench-tracing-" + name + "-" + System.nanoTime();
            long[] result = run(TRACING_FLOWS_PER_SENSOR, marker, null);
            long stored = Long.parseLong(clickhouse("SELECT count() FROM " + DB + ".flows WHERE community_id = '" + marker + "'"));
            assertEquals(result[0], stored, "every flow sent is stored exactly once");
            return result[0] / (result[1] / 1e9);
        } finally {
            ingest.destroy();
            ingest.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** Streams from every sensor at once; returns {flows sent, nanoseconds}. */
    private long[] run(long flowsPerSensor, String marker, ScheduledRss sampler) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(SENSORS.size());
        try {
            List<Future<FlowLoad.Result>> futures = new ArrayList<>();
            for (String sensor : SENSORS) {
                FlowLoad load = new FlowLoad("127.0.0.1:" + PORT, Keycloak.clientToken(ISSUER, sensor, "dev-" + sensor),
                        sensor, BATCH);
                futures.add(pool.submit(() -> load.run(flowsPerSensor, marker, acked -> { })));
            }
            if (sampler != null) {
                sampler.start();
            }
            long t0 = System.nanoTime();
            long sent = 0;
            for (Future<FlowLoad.Result> f : futures) {
                sent += f.get().flowsSent();
            }
            long nanos = System.nanoTime() - t0;
            if (sampler != null) {
                sampler.stop();
            }
            return new long[]{sent, nanos};
        } finally {
            pool.shutdownNow();
        }
    }

    private static Process startIngest(Map<String, String> settings) throws Exception {
        Path root = Path.of("").toAbsolutePath();
        while (!Files.exists(root.resolve("services/ingest"))) {
            root = root.getParent();
        }
        Path jar = root.resolve("services/ingest/target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: run mvn -B install -DskipTests first");
        }
        Path log = root.resolve("tests/target/bench-ingest.log");
        List<String> command = new ArrayList<>(List.of("java"));
        command.addAll(List.of(INGEST_JVM.split(" ")));
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder pb = new ProcessBuilder(command)
                .redirectErrorStream(true).redirectOutput(log.toFile());
        Map<String, String> env = pb.environment();
        env.put("QUARKUS_HTTP_PORT", String.valueOf(PORT));
        env.put("VIGIL_CLICKHOUSE_DATABASE", DB);
        env.put("VIGIL_CLICKHOUSE_URL", CLICKHOUSE);
        env.put("VIGIL_OIDC_ISSUER", ISSUER);
        env.putAll(io.vigil.tests.system.SystemStack.INGEST_ENV);
        env.putAll(settings);
        Process p = pb.start();
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + PORT + "/q/health/ready")).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return p;
                }
            } catch (IOException notYet) {
                // still starting
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("ingest exited; see " + log);
            }
            TimeUnit.MILLISECONDS.sleep(300);
        }
        p.destroy();
        throw new IllegalStateException("ingest not ready in 90 s; see " + log);
    }

    /** Waits (at most 60 s) until ClickHouse runs no merge in the benchmark database. */
    private static void awaitMerges() throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline
                && !"0".equals(clickhouse("SELECT count() FROM system.merges WHERE database = '" + DB + "'"))) {
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    /** utime + stime of a process, in clock ticks (1/100 s), or 0 if unknown. */
    private static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** The ClickHouse server that answers on {@link #CLICKHOUSE}'s port (not the cluster's nodes beside it). */
    private static long clickhousePid() throws IOException {
        int port = URI.create(CLICKHOUSE).getPort();
        try {
            return ListeningProcess.pid(port);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("no process listens on ClickHouse's port " + port + " (" + CLICKHOUSE
                    + "): cannot measure its CPU", e);
        }
    }

    private static String clickhouse(String sql) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(CLICKHOUSE + "/"))
                .POST(HttpRequest.BodyPublishers.ofString(sql)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("ClickHouse: " + r.body());
        }
        return r.body().trim();
    }

    private static void shell(String command) throws Exception {
        Process p = new ProcessBuilder("bash", "-c", command).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("failed: " + command);
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    /** Samples a process's resident set size (kB) every 200 ms and keeps the peak. */
    private static final class ScheduledRss {
        private final long pid;
        private final AtomicLong peak;
        private final java.util.concurrent.ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

        ScheduledRss(long pid, AtomicLong peak) {
            this.pid = pid;
            this.peak = peak;
        }

        void start() {
            timer.scheduleAtFixedRate(() -> {
                try {
                    for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                        if (line.startsWith("VmRSS:")) {
                            long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
                            peak.accumulateAndGet(kb, Math::max);
                        }
                    }
                } catch (IOException gone) {
                    // the process ended
                }
            }, 0, 200, TimeUnit.MILLISECONDS);
        }

        void stop() {
            timer.shutdownNow();
        }
    }
}
