package io.vigil.tests.system;

import io.vigil.lib.testing.BuiltService;
import io.vigil.lib.testing.ClickHouseHttp;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the system tests share: the repository's built jars, the stack's endpoints (from the environment that
 * {@code scripts/stack env} prints, with its defaults), an ingest process of their own, and ClickHouse queries.
 */
public final class SystemStack {

    public static final String CLICKHOUSE = env("VIGIL_CLICKHOUSE_URL", "http://127.0.0.1:18123");
    public static final String ISSUER = env("VIGIL_OIDC_ISSUER", "http://127.0.0.1:18080/realms/vigil");
    static final String PG_HOST = env("VIGIL_HOST", "127.0.0.1");
    static final String PG_PORT = env("VIGIL_PG_PORT", "15432");
    static final String PG_DATABASE = env("VIGIL_PG_DATABASE", "vigil");
    static final String PG_USER = env("VIGIL_PG_OWNER", "vigil"); // the owner: a member of each service's role
    static final String PG_PASSWORD = env("VIGIL_PG_PASSWORD", "vigil-dev");
    public static final Path ROOT = root();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private SystemStack() {
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }

    private static Path root() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("services/ingest"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("run from inside the repository");
        }
        return p;
    }

    /** The dev stack's key for sealing webhook secrets at rest (scripts/lib/common.sh); the packaged jar has none. */
    static final String DEV_NOTIFY_SECRET_KEY = "dmlnaWwtZGV2LW9ubHktd2ViaG9vay1zZWFsLWtleSE=";

    static Path jar(String module) {
        Path jar = ROOT.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build it first (mvn -B install -DskipTests -pl "
                    + "proto," + module + ")");
        }
        return jar;
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts ingest on {@code port} storing into {@code database}; returns once it is ready. */
    public static Process startIngest(int port, String database, Path log) throws Exception {
        return startIngest(port, database, Map.of(), log);
    }

    /**
     * Ingest settings for every packaged ingest the tests start: no scheduled retention run, which would delete in a
     * database the tests share (RetentionIT tests the job), and its dev client secret (its prod profile has none).
     */
    public static final Map<String, String> INGEST_ENV = Map.of("VIGIL_TENANTS_CLIENT_SECRET", "dev-vigil-ingest",
            "VIGIL_RETENTION_SCHEDULE", "off");

    /** {@link #startIngest(int, String, Path)} with extra settings (a ClickHouse cluster, say). */
    public static Process startIngest(int port, String database, Map<String, String> settings, Path log) throws Exception {
        Map<String, String> all = new java.util.HashMap<>(INGEST_ENV);
        all.putAll(settings);
        all.put("VIGIL_CLICKHOUSE_DATABASE", database);
        return startService("services/ingest", port, all, log);
    }

    /**
     * Starts detection on {@code port} reading {@code database}, with customers from its own table (dev seed: a1, a2,
     * b1, b2) rather than from a tenants service, and the given extra settings; returns once it is ready.
     */
    public static Process startDetection(int port, String database, Map<String, String> settings, Path log) throws Exception {
        Map<String, String> all = new java.util.HashMap<>(Map.of("VIGIL_CLICKHOUSE_DATABASE", database,
                "VIGIL_PG_PASSWORD", PG_PASSWORD, "VIGIL_DETECTION_CLIENT_SECRET", "dev-vigil-detection",
                "VIGIL_DETECTION_DEV_SEED", "true", "VIGIL_DETECTION_CUSTOMERS_SOURCE", "table",
                "VIGIL_NOTIFY_SECRET_KEY", DEV_NOTIFY_SECRET_KEY));
        all.putAll(settings);
        return startService("services/detection", port, all, log);
    }

    /** Starts the tenants service on {@code port} with its dev seed and dev-only secrets; returns once it is ready. */
    static Process startTenants(int port, Path log) throws Exception {
        return startService("services/tenants", port, Map.of("VIGIL_PG_PASSWORD", PG_PASSWORD,
                "VIGIL_KEYCLOAK_CLIENT_SECRET", "dev-vigil-tenants", "VIGIL_TENANTS_DEV_SEED", "true"), log);
    }

    /** Starts detection on {@code port} against database vigil, its customers from the tenants service at {@code tenantsUrl}. */
    static Process startDetection(int port, String tenantsUrl, Path log, Map<String, String> more) throws Exception {
        Map<String, String> settings = new java.util.HashMap<>(Map.of("VIGIL_DETECTION_CUSTOMERS_SOURCE", "tenants",
                "VIGIL_TENANTS_URL", tenantsUrl));
        settings.putAll(more);
        return startDetection(port, "vigil", settings, log);
    }

    /** Stops a service started here, waiting for it to exit. */
    static void stop(Process service) throws InterruptedException {
        BuiltService.stop(service);
    }

    /** Starts a built service (prod profile) on {@code port} against the stack; returns once it is ready. */
    private static Process startService(String module, int port, Map<String, String> settings, Path log) throws Exception {
        Map<String, String> all = new java.util.HashMap<>(Map.of("VIGIL_CLICKHOUSE_URL", CLICKHOUSE, "VIGIL_OIDC_ISSUER", ISSUER));
        all.putAll(settings);
        return BuiltService.start(jar(module), "512m", port, all, log, Duration.ofSeconds(90));
    }

    /**
     * Runs {@code scripts/stack <args>} (e.g. {@code stop clickhouse}, {@code start postgres}) and fails unless it
     * exits 0. Stopping a shared server is only allowed while holding {@code /tmp/vigil-stack.lock} exclusively.
     */
    static void stack(String... args) throws IOException, InterruptedException {
        stack(Duration.ofMinutes(10), args);
    }

    /** {@link #stack(String...)}, failing if it has not ended within {@code timeout}. */
    static void stack(Duration timeout, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("scripts/stack").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).inheritIO().start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("scripts/stack " + String.join(" ", args) + " failed");
        }
    }

    /** An access token of a dev user (password dev-<user>) through the public vigil-cli client. */
    public static String userToken(String user) throws IOException, InterruptedException {
        String form = "grant_type=password&client_id=vigil-cli&username=" + user + "&password=dev-" + user;
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(ISSUER + "/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("no token for " + user + ": HTTP " + r.statusCode() + " " + r.body());
        }
        return jsonString(r.body(), "access_token");
    }

    /**
     * Makes sure the realm has the sensor client {@code sensor-<tenant>} (secret dev-sensor-&lt;tenant&gt;, role sensor),
     * a copy of the dev realm's sensor-a1 with the tenant, sensor and MSP claims changed; through the admin API.
     */
    static void sensorClient(String tenant, String msp) throws IOException, InterruptedException {
        String clientId = "sensor-" + tenant;
        String base = ISSUER.substring(0, ISSUER.indexOf("/realms/"));
        String admin = base + "/admin/realms/" + ISSUER.substring(ISSUER.lastIndexOf('/') + 1);
        String form = "grant_type=password&client_id=admin-cli&username="
                + URLEncoder.encode(env("VIGIL_KEYCLOAK_ADMIN", "admin"), StandardCharsets.UTF_8) + "&password="
                + URLEncoder.encode(env("VIGIL_KEYCLOAK_ADMIN_PASSWORD", "admin"), StandardCharsets.UTF_8);
        HttpResponse<String> login = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/realms/master/protocol/openid-connect/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (login.statusCode() != 200) {
            throw new IOException("Keycloak admin login failed: " + login.statusCode() + " " + login.body());
        }
        String bearer = "Bearer " + jsonString(login.body(), "access_token");
        if (!new io.vertx.core.json.JsonArray(adminGet(admin + "/clients?clientId=" + clientId, bearer)).isEmpty()) {
            return;
        }
        io.vertx.core.json.JsonObject client = new io.vertx.core.json.JsonArray(adminGet(admin + "/clients?clientId=sensor-a1", bearer))
                .getJsonObject(0).copy();
        client.remove("id");
        client.put("clientId", clientId).put("name", clientId).put("secret", "dev-" + clientId);
        Map<String, String> claims = Map.of("tenant_id", tenant, "sensor_id", clientId, "msp_id", msp);
        for (Object o : client.getJsonArray("protocolMappers")) {
            io.vertx.core.json.JsonObject mapper = (io.vertx.core.json.JsonObject) o;
            mapper.remove("id");
            String claim = mapper.getJsonObject("config").getString("claim.name");
            if (claims.containsKey(claim)) {
                mapper.getJsonObject("config").put("claim.value", claims.get(claim));
            }
        }
        adminSend(HttpRequest.newBuilder(URI.create(admin + "/clients")).header("Authorization", bearer)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(client.encode())), 201);
        String id = new io.vertx.core.json.JsonArray(adminGet(admin + "/clients?clientId=" + clientId, bearer)).getJsonObject(0).getString("id");
        String user = jsonString(adminGet(admin + "/clients/" + id + "/service-account-user", bearer), "id");
        adminSend(HttpRequest.newBuilder(URI.create(admin + "/users/" + user + "/role-mappings/realm")).header("Authorization", bearer)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("["
                        + adminGet(admin + "/roles/sensor", bearer) + "]")), 204);
    }

    private static String adminGet(String url, String bearer) throws IOException, InterruptedException {
        return adminSend(HttpRequest.newBuilder(URI.create(url)).header("Authorization", bearer), 200);
    }

    private static String adminSend(HttpRequest.Builder request, int expected) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != expected) {
            throw new IOException("Keycloak admin API: HTTP " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    /** The first string value of {@code field} in a JSON text. */
    public static String jsonString(String json, String field) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + field + "\"\\s*:\\s*\"([^\"]*)\"").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no \"" + field + "\" in " + json);
        }
        return m.group(1);
    }

    /** Runs vigil-sensor with {@code args} as a process, output to {@code log}. */
    static Process sensor(Path log, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("java", "-Xmx256m", "-jar", jar("sensor").toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
    }

    /** One query through psql against the stack's PostgreSQL; the rows as psql's unaligned, tuples-only text. */
    static String postgres(String sql) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", PG_HOST,
                "-p", PG_PORT, "-U", PG_USER, "-d", PG_DATABASE, "-c", sql).redirectErrorStream(true);
        pb.environment().put("PGPASSWORD", PG_PASSWORD);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("psql failed: " + out + " for " + sql);
        }
        return out;
    }

    public static String clickhouse(String sql) throws IOException, InterruptedException {
        return ClickHouseHttp.query(CLICKHOUSE + "/", sql);
    }

    /**
     * Writes an Ethernet pcap of {@code seconds} seconds with {@code perSecond} UDP request/response pairs a second,
     * each pair its own flow (distinct source address and port), spread evenly over each second.
     */
    static long writeUdpCapture(Path file, int seconds, int perSecond) throws IOException {
        long flows = 0;
        long t0 = 1_600_000_000_000_000L;
        try (OutputStream os = Files.newOutputStream(file);
             DataOutputStream out = new DataOutputStream(new java.io.BufferedOutputStream(os, 1 << 16))) {
            out.writeInt(0xa1b2c3d4);
            out.writeShort(2);
            out.writeShort(4);
            out.writeInt(0);
            out.writeInt(0);
            out.writeInt(65535);
            out.writeInt(1);
            for (int s = 0; s < seconds; s++) {
                for (int i = 0; i < perSecond; i++) {
                    long ts = t0 + s * 1_000_000L + i * (1_000_000L / perSecond);
                    int n = (int) flows++;
                    byte[] client = {10, 77, (byte) (n >> 8 & 0x3f), (byte) (1 + (n & 0xff) % 250)};
                    byte[] server = {10, 78, 0, 53};
                    int port = 20_000 + n % 40_000;
                    packet(out, ts, client, server, port, 53, 40);
                    packet(out, ts + 300, server, client, 53, port, 120);
                }
            }
        }
        return flows;
    }

    private static void packet(DataOutputStream out, long tsMicros, byte[] src, byte[] dst, int sport, int dport,
                               int payload) throws IOException {
        int ipLen = 20 + 8 + payload;
        int frame = 14 + ipLen;
        out.writeInt((int) (tsMicros / 1_000_000));
        out.writeInt((int) (tsMicros % 1_000_000));
        out.writeInt(frame);
        out.writeInt(frame);
        out.write(new byte[]{2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1});
        out.writeShort(0x0800);
        out.writeByte(0x45);
        out.writeByte(0);
        out.writeShort(ipLen);
        out.writeShort(0);
        out.writeShort(0x4000);
        out.writeByte(64);
        out.writeByte(17);
        out.writeShort(0);
        out.write(src);
        out.write(dst);
        out.writeShort(sport);
        out.writeShort(dport);
        out.writeShort(8 + payload);
        out.writeShort(0);
        out.write(new byte[payload]);
    }
}
