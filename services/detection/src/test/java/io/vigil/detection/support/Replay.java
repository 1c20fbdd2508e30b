package io.vigil.detection.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.vigil.lib.clickhouse.Sql.quote;

/**
 * Shared captures metered by the real sensor ({@code vigil-sensor replay --stdout --retime}) and stored in ClickHouse
 * {@code flows} for a test tenant. The flows are inserted directly, not streamed through ingest: detection's tests then
 * need no running ingest, and the rows are the ones ingest would write (same table, same columns, the materialized
 * roll-up fills flows_1m the same way).
 */
public final class Replay {

    public static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();
    public static final Path PCAPS = ROOT.resolve("../shared/pcaps").normalize();
    private static final String CLICKHOUSE = env("VIGIL_CLICKHOUSE_URL", "http://127.0.0.1:18123");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The sensor the replayed batches come from. */
    public static final String SENSOR = "detection-it";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Replay() {
    }

    /** The capture's flows as the sensor meters them, one JSON object each. */
    public static List<JsonNode> meter(String capture) throws IOException, InterruptedException {
        return meter(capture, new String[0]);
    }

    /** {@link #meter(String)} with more {@code vigil-sensor replay} options, such as {@code --idle-timeout 6s}. */
    public static List<JsonNode> meter(String capture, String... options) throws IOException, InterruptedException {
        Path pcap = PCAPS.resolve(capture);
        Path out = Files.createTempFile("replay-", ".jsonl");
        try {
            List<String> command = new ArrayList<>(List.of(sensor().toString(), "replay", "--stdout", "-q", "--retime"));
            command.addAll(List.of(options));
            command.add(pcap.toString());
            Process p = new ProcessBuilder(command)
                    .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("vigil-sensor replay failed on " + pcap);
            }
            return jsonLines(out);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** The built sensor's launcher; fails with how to build it when the jar is missing. */
    static Path sensor() {
        if (!Files.exists(ROOT.resolve("sensor/target/quarkus-app/quarkus-run.jar"))) {
            throw new IllegalStateException("build the sensor first: mvn -B -q install -DskipTests -pl proto,sensor");
        }
        return ROOT.resolve("sensor/vigil-sensor");
    }

    /** One JSON object per non-blank line, as {@code --stdout} writes flows. */
    static List<JsonNode> jsonLines(Path file) throws IOException {
        List<JsonNode> flows = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            if (!line.isBlank()) {
                flows.add(JSON.readTree(line));
            }
        }
        return flows;
    }

    /**
     * Stores the flows for {@code tenant}, received at {@code receivedAt}, with their times shifted so the capture's
     * first flow starts at {@code firstStart}.
     */
    public static void store(String tenant, List<JsonNode> flows, Instant receivedAt, Instant firstStart) throws IOException, InterruptedException {
        long min = flows.stream().mapToLong(f -> f.get("start_time_ms").asLong()).min().orElse(0);
        storeShifted(tenant, flows, receivedAt, firstStart.toEpochMilli() - min);
    }

    /** Stores the flows for {@code tenant}, received at {@code receivedAt}, with their times moved by {@code shift} ms. */
    public static void storeShifted(String tenant, List<JsonNode> flows, Instant receivedAt, long shift) throws IOException, InterruptedException {
        storeBatch(tenant, SENSOR, Batches.next(), flows, receivedAt, shift);
    }

    /** Stores the flows as batch {@code seq} of {@code sensor}, as ingest writes a sensor's batch. */
    public static void storeBatch(String tenant, String sensor, long seq, List<JsonNode> flows, Instant receivedAt, long shift)
            throws IOException, InterruptedException {
        StringBuilder sql = new StringBuilder("INSERT INTO vigil.flows (tenant_id, sensor_id, batch_seq, received_at, start,"
                + " start_ms, end_ms, ip_version, orig_addr, resp_addr, orig_port, resp_port, protocol, icmp_type, icmp_code,"
                + " icmp_reply, orig_packets, orig_bytes, resp_packets, resp_bytes, orig_tcp_flags, resp_tcp_flags, conn_state,"
                + " history, vlan, community_id, zeek_uid, exporter_addr, sampling_rate) VALUES ");
        boolean first = true;
        for (JsonNode f : flows) {
            long start = f.get("start_time_ms").asLong() + shift;
            long end = f.get("end_time_ms").asLong() + shift;
            sql.append(first ? "" : ",").append('(')
                    .append(quote(tenant)).append(',').append(quote(sensor)).append(',').append(seq).append(',').append(receivedAt.getEpochSecond()).append(',')
                    .append(start / 1000).append(',').append(start).append(',').append(end).append(',')
                    .append(f.get("ip_version").asInt()).append(',')
                    .append(addr(f.get("orig_addr").asText())).append(',').append(addr(f.get("resp_addr").asText())).append(',');
            for (String n : new String[]{"orig_port", "resp_port", "protocol", "icmp_type", "icmp_code", "icmp_reply",
                    "orig_packets", "orig_bytes", "resp_packets", "resp_bytes", "orig_tcp_flags", "resp_tcp_flags"}) {
                sql.append(f.get(n).asLong()).append(',');
            }
            sql.append(quote(f.get("conn_state").asText())).append(',').append(quote(f.get("history").asText())).append(',')
                    .append(f.get("vlan").asInt()).append(',').append(quote(f.get("community_id").asText())).append(',')
                    .append(quote(f.hasNonNull("zeek_uid") ? f.get("zeek_uid").asText() : "")).append(',')
                    .append(f.hasNonNull("exporter_addr") ? addr(f.get("exporter_addr").asText()) : addr("::"))
                    .append(',').append(f.hasNonNull("sampling_rate") ? f.get("sampling_rate").asLong() : 0).append(')');
            first = false;
        }
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(CLICKHOUSE + "/"))
                .POST(HttpRequest.BodyPublishers.ofString(sql.toString(), StandardCharsets.UTF_8)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("ClickHouse refused the insert: " + r.statusCode() + " " + r.body());
        }
    }

    /** FixedString(16) literal of an address, IPv4 mapped into ::ffff:a.b.c.d as ingest stores it. */
    static String addr(String ip) throws IOException {
        byte[] raw = java.net.InetAddress.getByName(ip).getAddress();
        byte[] b = new byte[16];
        if (raw.length == 4) {
            b[10] = (byte) 0xff;
            b[11] = (byte) 0xff;
            System.arraycopy(raw, 0, b, 12, 4);
        } else {
            b = raw;
        }
        StringBuilder sb = new StringBuilder("'");
        for (byte x : b) {
            sb.append(String.format("\\x%02x", x & 0xff));
        }
        return sb.append('\'').toString();
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
