package io.vigil.sensor.it;

import io.vigil.lib.testing.BuiltService;
import io.vigil.lib.testing.ClickHouseHttp;
import io.vigil.lib.testing.Tokens;

import com.google.gson.JsonParser;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Debian package end to end on this machine, for {@link DebPackageIT} and the package benchmark: builds it with
 * scripts/package, starts the built tenants (serving it) and ingest against the stack (scripts/stack), issues an
 * enrollment token as msp-a's admin, and runs the one-line installer that tenants serves. Everything it installs is
 * removed by {@link #close()} ({@code dpkg --purge}).
 */
public final class PackagedSensor implements AutoCloseable {

    public static final String NAME = "vigil-sensor";
    /** What the package installs or creates; none of it may exist before, nor after a purge. */
    public static final List<Path> INSTALLED = List.of(Path.of("/opt/" + NAME), Path.of("/etc/" + NAME),
            Path.of("/var/lib/" + NAME), Path.of("/lib/systemd/system/" + NAME + ".service"), Path.of("/usr/bin/" + NAME),
            Path.of("/etc/systemd/system/" + NAME + ".service"), Path.of("/usr/local/bin/" + NAME));
    static final String CLICKHOUSE = env("VIGIL_CLICKHOUSE_URL", "http://127.0.0.1:18123");
    static final String ISSUER = env("VIGIL_OIDC_ISSUER", "http://127.0.0.1:18080/realms/vigil");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    public final Path deb;
    public final String database;
    public final String tenantsUrl;
    public final int ingestPort;
    private final Process tenants;
    private final Process ingest;
    private boolean installed;

    private PackagedSensor(Path deb, String database, Process tenants, int tenantsPort, Process ingest, int ingestPort) {
        this.deb = deb;
        this.database = database;
        this.tenants = tenants;
        this.tenantsUrl = "http://127.0.0.1:" + tenantsPort;
        this.ingest = ingest;
        this.ingestPort = ingestPort;
    }

    /**
     * Builds the package (from the sensor this build packaged) and starts tenants and ingest; skips where this machine
     * cannot take a real installation (not root, the sensor already installed) or the services are not built.
     */
    public static PackagedSensor start(Path work, String database) throws Exception {
        assumeTrue(Tools.isRoot(), "needs root: dpkg -i, a system user, files under /opt, /etc and /var/lib");
        assumeTrue(Tools.has("dpkg-deb") && Tools.has("dpkg"), "needs dpkg (a Debian system)");
        assumeFalse(INSTALLED.stream().anyMatch(p -> Files.exists(p, LinkOption.NOFOLLOW_LINKS))
                        || !Tools.run(10, "sh", "-c", "getent passwd " + NAME + " || true").isBlank(),
                "vigil-sensor is already installed on this machine; not touching a real installation");
        Path root = Tools.repoRoot();
        assumeTrue(Files.exists(root.resolve("sensor/target/quarkus-app/quarkus-run.jar")), "the sensor is not packaged yet");
        for (String module : List.of("services/tenants", "services/ingest")) {
            assumeTrue(Files.exists(jar(module)), jar(module) + " is missing: build it first (mvn -B package -DskipTests -pl "
                    + module + " -am)");
        }
        Files.createDirectories(work);
        Tools.requireLibpcap();
        Path debDir = Files.createDirectories(work.resolve("package"));
        String out = Tools.run(900, "bash", root.resolve("scripts/package").toString(), "--no-build", "--out", debDir.toString());
        Path deb = Path.of(out.strip().lines().reduce((a, b) -> b).orElseThrow());

        int ingestPort = freePort();
        Process ingest = service("services/ingest", ingestPort, Map.of("VIGIL_CLICKHOUSE_DATABASE", database,
                "VIGIL_TENANTS_CLIENT_SECRET", "dev-vigil-ingest", "VIGIL_RETENTION_SCHEDULE", "off"), work.resolve("ingest.log"));
        int tenantsPort = freePort();
        Process tenants;
        try {
            tenants = service("services/tenants", tenantsPort, Map.of("VIGIL_PG_PASSWORD", env("VIGIL_PG_PASSWORD", "vigil-dev"),
                    "VIGIL_KEYCLOAK_CLIENT_SECRET", "dev-vigil-tenants", "VIGIL_TENANTS_DEV_SEED", "true",
                    "VIGIL_SENSOR_PACKAGE_DIR", debDir.toString(),
                    "VIGIL_SENSOR_PACKAGE_INGEST_ADDRESS", "127.0.0.1:" + ingestPort,
                    "VIGIL_SENSOR_PACKAGE_INGEST_TLS", "false"), work.resolve("tenants.log"));
        } catch (Exception | AssertionError e) {
            stop(ingest);
            throw e;
        }
        return new PackagedSensor(deb, database, tenants, tenantsPort, ingest, ingestPort);
    }

    /** A new pending sensor of customer a1 and its one-time enrollment token, as msp-a's admin: {sensorId, token}. */
    public String[] issueToken() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(tenantsUrl + "/api/v1/customers/a1/sensors"))
                .header("Authorization", "Bearer " + Tokens.user("msp-a-admin")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"deb-" + System.nanoTime() + "\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("issuing a token: HTTP " + r.statusCode() + " " + r.body());
        }
        var o = JsonParser.parseString(r.body()).getAsJsonObject();
        return new String[]{o.getAsJsonObject("sensor").get("id").getAsString(), o.get("enrollmentToken").getAsString()};
    }

    /** The one line the portal shows: {@code curl -fsSL '<tenants>/install?token=…' | sh -s -- <args>}; its output. */
    public String installWithOneLine(String token, String... args) {
        installed = true;
        String line = "curl -fsSL '" + tenantsUrl + "/install?token=" + token + "' | sh -s -- " + String.join(" ", args);
        return Tools.run(300, "sh", "-c", line);
    }

    /**
     * Runs the installed {@code vigil-sensor} with {@code args} as systemd would run the unit: its user, no new
     * privileges, and (for capture) only CAP_NET_RAW and CAP_NET_ADMIN. Output goes to {@code log}.
     */
    public static Process asUnit(Path log, String... args) throws IOException {
        String caps = "-all,+net_raw,+net_admin";
        List<String> c = new ArrayList<>(List.of("setpriv", "--reuid=" + NAME, "--regid=" + NAME, "--init-groups",
                "--inh-caps=" + caps, "--ambient-caps=" + caps, "--bounding-set=" + caps, "--no-new-privs", "--",
                "/usr/bin/" + NAME));
        c.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(c).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().clear();
        pb.environment().putAll(Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", "HOME", "/var/lib/" + NAME, "LANG", "C.UTF-8",
                "VIGIL_SENSOR_JAVA_OPTS", "-Xmx256m"));
        return pb.start();
    }

    /** {@code dpkg --purge vigil-sensor}; its output. */
    public String purge() {
        String out = Tools.run(300, "dpkg", "--purge", NAME);
        installed = false;
        return out;
    }

    /** One query on the stack's ClickHouse (HTTP, default user); its text answer, trimmed. */
    public static String clickhouse(String sql) throws IOException, InterruptedException {
        return ClickHouseHttp.query(CLICKHOUSE + "/", sql);
    }

    @Override
    public void close() throws Exception {
        if (installed) {
            new ProcessBuilder("dpkg", "--purge", NAME).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start().waitFor(300, TimeUnit.SECONDS);
        }
        stop(tenants);
        stop(ingest);
        clickhouse("DROP DATABASE IF EXISTS " + database);
    }


    private static Path jar(String module) {
        return Tools.repoRoot().resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }

    /** A built service (prod profile) on {@code port} against the stack; returns once it is ready. */
    private static Process service(String module, int port, Map<String, String> settings, Path log) throws Exception {
        Map<String, String> all = new java.util.HashMap<>(Map.of("VIGIL_CLICKHOUSE_URL", CLICKHOUSE, "VIGIL_OIDC_ISSUER", ISSUER));
        all.putAll(settings);
        return BuiltService.start(jar(module), "512m", port, all, log, Duration.ofSeconds(120));
    }

    private static void stop(Process p) throws InterruptedException {
        BuiltService.stop(p);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
