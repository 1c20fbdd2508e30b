package io.vigil.tests.system;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole product as processes for one system test: tenants, ingest and detection (customers from tenants) over a
 * ClickHouse database of the test's own, so no other detection takes its batches; plus the onboarding steps the demo
 * takes (a customer, a sensor enrolled with a one-time token, a capture replayed) and the REST reads that follow.
 */
final class Pipeline implements AutoCloseable {

    static final Path PCAPS = SystemStack.ROOT.resolve("../shared/pcaps").normalize();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    final Path work;
    final String database;
    final String tenantsUrl;
    final String detectionUrl;
    final String ingestAddress;
    private final List<Process> services = new ArrayList<>();

    private Pipeline(Path work, String database, int tenantsPort, int ingestPort, int detectionPort) {
        this.work = work;
        this.database = database;
        this.tenantsUrl = "http://127.0.0.1:" + tenantsPort;
        this.ingestAddress = "127.0.0.1:" + ingestPort;
        this.detectionUrl = "http://127.0.0.1:" + detectionPort;
    }

    /** Starts the three services under tests/target/{@code name}, storing flows into {@code database}. */
    static Pipeline start(String name, String database, Map<String, String> detectionSettings) throws Exception {
        return start(name, database, Map.of(), detectionSettings);
    }

    /** As {@link #start(String, String, Map)}, with extra settings (environment) for ingest too. */
    static Pipeline start(String name, String database, Map<String, String> ingestSettings,
                          Map<String, String> detectionSettings) throws Exception {
        Path work = SystemStack.ROOT.resolve("tests/target").resolve(name);
        Files.createDirectories(work);
        SystemStack.clickhouse("DROP DATABASE IF EXISTS " + database);
        Pipeline p = new Pipeline(work, database, SystemStack.freePort(), SystemStack.freePort(), SystemStack.freePort());
        try {
            p.services.add(SystemStack.startTenants(port(p.tenantsUrl), work.resolve("tenants.log")));
            // ingest first: it creates the database's tables, which detection reads
            p.services.add(SystemStack.startIngest(port(p.ingestAddress), database, ingestSettings, work.resolve("ingest.log")));
            Map<String, String> settings = new java.util.HashMap<>(Map.of("VIGIL_DETECTION_CUSTOMERS_SOURCE", "tenants",
                    "VIGIL_TENANTS_URL", p.tenantsUrl));
            settings.putAll(detectionSettings);
            p.services.add(SystemStack.startDetection(port(p.detectionUrl), database, settings, work.resolve("detection.log")));
            return p;
        } catch (Exception | Error e) {
            p.close();
            throw e;
        }
    }

    private static int port(String address) {
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    Process ingest() {
        return services.get(1);
    }

    Process detection() {
        return services.get(2);
    }

    @Override
    public void close() throws Exception {
        for (int i = services.size() - 1; i >= 0; i--) {
            SystemStack.stop(services.get(i));
        }
        SystemStack.clickhouse("DROP DATABASE IF EXISTS " + database);
    }

    /** Onboards a customer of the admin's MSP through the tenants API; its id. */
    String createCustomer(String adminToken, String name, List<String> networks) throws Exception {
        HttpResponse<String> r = send("POST", tenantsUrl + "/api/v1/customers", adminToken, new JsonObject()
                .put("name", name).put("internalNetworks", new JsonArray(networks)).encode());
        assertEquals(201, r.statusCode(), "create customer " + name + ": " + r.body());
        return new JsonObject(r.body()).getString("id");
    }

    /**
     * Issues a one-time enrollment token for a new sensor of {@code customer} and enrolls {@code vigil-sensor} with it
     * into a config directory of its own; that directory.
     */
    Path enrollSensor(String adminToken, String customer) throws Exception {
        HttpResponse<String> issued = send("POST", tenantsUrl + "/api/v1/customers/" + customer + "/sensors", adminToken,
                new JsonObject().put("name", "st-" + System.nanoTime()).encode());
        assertEquals(201, issued.statusCode(), issued.body());
        Path config = Files.createTempDirectory(work, "sensor-" + customer + "-");
        Path log = config.resolve("sensor.log");
        Process enroll = SystemStack.sensor(log, "enroll", "--config-dir", config.toString(), "--url", tenantsUrl,
                "--token", new JsonObject(issued.body()).getString("enrollmentToken"), "--ingest", ingestAddress);
        assertTrue(enroll.waitFor(60, TimeUnit.SECONDS), "enroll; see " + log);
        assertEquals(0, enroll.exitValue(), "enroll; see " + log);
        return config;
    }

    /** What {@code vigil-sensor enroll} stored in a config directory: client-id, client-secret, tenant, sensor-id, ... */
    static java.util.Properties credentials(Path sensorConfig) throws java.io.IOException {
        java.util.Properties p = new java.util.Properties();
        try (var in = Files.newInputStream(sensorConfig.resolve("credentials.properties"))) {
            p.load(in);
        }
        return p;
    }

    /** Replays captures through the enrolled sensor, retimed to end now; returns once ingest acknowledged them all. */
    static void replay(Path sensorConfig, Path... captures) throws Exception {
        Path log = sensorConfig.resolve("sensor.log");
        List<String> args = new ArrayList<>(List.of("replay", "--config-dir", sensorConfig.toString(), "--retime", "--quiet"));
        for (Path c : captures) {
            args.add(c.toString());
        }
        Process replay = SystemStack.sensor(log, args.toArray(String[]::new));
        assertTrue(replay.waitFor(180, TimeUnit.SECONDS), "replay " + List.of(captures) + "; see " + log);
        assertEquals(0, replay.exitValue(), "replay " + List.of(captures) + "; see " + log);
    }

    /** Replays each capture through its sensor (sensor config directory → capture), {@code parallel} at a time. */
    static void replayAtOnce(Map<Path, Path> captureBySensor, int parallel) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(parallel);
        try {
            List<java.util.concurrent.Future<?>> replays = new ArrayList<>();
            captureBySensor.forEach((sensor, capture) -> replays.add(pool.submit(() -> {
                replay(sensor, capture);
                return null;
            })));
            for (java.util.concurrent.Future<?> f : replays) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Waits until detection has judged every batch stored for {@code customer} in this database (the marks in
     * PostgreSQL of the sensors stored here reach their highest batch in ClickHouse).
     */
    void awaitJudged(String customer) throws Exception {
        String stored = SystemStack.clickhouse("SELECT sensor_id, max(batch_seq) FROM " + database + ".flows WHERE tenant_id = '"
                + customer + "' GROUP BY sensor_id ORDER BY sensor_id FORMAT TSV");
        assertTrue(!stored.isEmpty(), "flows of " + customer + " are stored");
        String sensors = stored.lines().map(l -> "'" + l.split("\t")[0] + "'").collect(java.util.stream.Collectors.joining(","));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String judged = "";
        while (System.nanoTime() < deadline) {
            judged = SystemStack.postgres("SELECT sensor_id || E'\\t' || processed_seq FROM detection.sensor_marks WHERE tenant_id = '"
                    + customer + "' AND sensor_id IN (" + sensors + ") ORDER BY sensor_id");
            if (judged.equals(stored)) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
        throw new AssertionError("detection did not judge " + customer + "'s batches in 90 s: stored " + stored
                + ", judged " + judged + "; see " + work.resolve("detection.log"));
    }

    /** The alerts of {@code customer} as the caller lists them (every page of 200). */
    List<JsonObject> alerts(String customer, String token) throws Exception {
        List<JsonObject> all = new ArrayList<>();
        String cursor = null;
        do {
            HttpResponse<String> r = get(detectionUrl + "/api/v1/customers/" + customer + "/alerts?limit=200"
                    + (cursor == null ? "" : "&cursor=" + cursor), token);
            assertEquals(200, r.statusCode(), r.body());
            JsonObject page = new JsonObject(r.body());
            page.getJsonArray("items").forEach(i -> all.add((JsonObject) i));
            cursor = page.getString("nextCursor");
        } while (cursor != null);
        return all;
    }

    static HttpResponse<String> get(String url, String token) throws Exception {
        return send("GET", url, token, null);
    }

    static HttpResponse<String> send(String method, String url, String token, String json) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token);
        if (json != null) {
            b.header("Content-Type", "application/json");
        }
        return HTTP.send(b.method(method, json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
