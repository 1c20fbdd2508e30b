package io.vigil.portal.browser;

import io.vigil.lib.testing.BuiltService;
import io.vigil.lib.testing.ClickHouseHttp;
import io.vigil.lib.testing.OtlpReceiver;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The real services the portal calls, started from their built jars as processes against the stack: tenants (dev seed)
 * and detection (scheduled cycle on), both on free ports. Detection judges only a ClickHouse database of this test's
 * own, {@link #DATABASE}, created by a short-lived ingest (its schema migrator), so it neither steals nor loses other
 * tests' batches. Tenants reads sensor heartbeats from the same database.
 *
 * <p>With the init argument {@code tracing=true}, tenants, detection and the portal under test export their traces to
 * an in-test OTLP receiver ({@link #collector()}, standing in for a collector), through the documented settings.
 */
public class Services implements QuarkusTestResourceLifecycleManager {

    static final String DATABASE = "portal_it";
    static final String CLICKHOUSE = env("VIGIL_CLICKHOUSE_URL", "http://127.0.0.1:18123");
    static final String ISSUER = env("VIGIL_OIDC_ISSUER", "http://127.0.0.1:18080/realms/vigil");
    static final Path ROOT = root();
    static final Path WORK = ROOT.resolve("services/portal/target/portal-it");

    private String tenantsUrl;
    private String detectionUrl;
    private Process detection;
    private final List<Process> started = new ArrayList<>();
    private boolean tracing;
    private OtlpReceiver collector;

    @Override
    public void init(Map<String, String> initArgs) {
        tracing = "true".equals(initArgs.get("tracing"));
    }

    @Override
    public Map<String, String> start() {
        try {
            Map<String, String> traced = new HashMap<>();
            if (tracing) {
                collector = new OtlpReceiver();
                traced.putAll(collector.serviceEnv());
            }
            int ingestPort = freePort();
            // No scheduled retention run in a database the tests share, and ingest's dev client secret (none in prod).
            Process ingest = service("services/ingest", ingestPort, Map.of("VIGIL_TENANTS_CLIENT_SECRET", "dev-vigil-ingest",
                    "VIGIL_RETENTION_SCHEDULE", "off"), WORK.resolve("ingest.log"));
            stop(ingest);
            int tenantsPort = freePort();
            // A stand-in sensor package, so the install command the portal shows answers (scripts/package builds the real one).
            Path packages = Files.createDirectories(WORK.resolve("sensor-packages"));
            Files.writeString(packages.resolve("vigil-sensor_0.0.0~test_amd64.deb"), "stand-in");
            started.add(service("services/tenants", tenantsPort, with(traced, Map.of("VIGIL_KEYCLOAK_CLIENT_SECRET",
                    "dev-vigil-tenants", "VIGIL_TENANTS_DEV_SEED", "true", "VIGIL_SENSOR_PACKAGE_DIR", packages.toString())),
                    WORK.resolve("tenants.log")));
            tenantsUrl = "http://127.0.0.1:" + tenantsPort;
            int detectionPort = freePort();
            detection = service("services/detection", detectionPort, with(traced, Map.of("VIGIL_DETECTION_CLIENT_SECRET",
                    "dev-vigil-detection", "VIGIL_DETECTION_DEV_SEED", "true", "VIGIL_DETECTION_CUSTOMERS_SOURCE", "tenants",
                    "VIGIL_TENANTS_URL", tenantsUrl, "VIGIL_DETECTION_ENGINE_CYCLE_INTERVAL", "1s",
                    // the dev stack's key (scripts/lib/common.sh): the packaged jar runs in prod and has none of its own
                    "VIGIL_NOTIFY_SECRET_KEY", "dmlnaWwtZGV2LW9ubHktd2ViaG9vay1zZWFsLWtleSE=",
                    "VIGIL_DETECTION_BASELINE_REFRESH_INTERVAL", "10s")), WORK.resolve("detection.log"));
            started.add(detection);
            detectionUrl = "http://127.0.0.1:" + detectionPort;
            Map<String, String> portal = new HashMap<>(Map.of("vigil.tenants.url", tenantsUrl, "vigil.detection.url", detectionUrl));
            if (tracing) {
                portal.putAll(Map.of("quarkus.otel.sdk.disabled", "false",
                        "quarkus.otel.exporter.otlp.endpoint", collector.endpoint(),
                        "quarkus.otel.exporter.otlp.protocol", "http/protobuf",
                        "quarkus.otel.bsp.schedule.delay", "200ms"));
            }
            return portal;
        } catch (Exception e) {
            stop();
            throw new IllegalStateException("could not start the services for the portal tests: " + e.getMessage(), e);
        }
    }

    @Override
    public void stop() {
        for (Process p : started) {
            try {
                stop(p);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        started.clear();
        if (collector != null) {
            collector.close();
        }
    }

    /** The OTLP receiver the services export to, with {@code tracing=true}; else null. */
    OtlpReceiver collector() {
        return collector;
    }

    private static Map<String, String> with(Map<String, String> a, Map<String, String> b) {
        Map<String, String> all = new HashMap<>(a);
        all.putAll(b);
        return all;
    }

    @Override
    public void inject(TestInjector injector) {
        injector.injectIntoFields(this, new TestInjector.AnnotatedAndMatchesType(InjectServices.class, Services.class));
    }

    String tenantsUrl() {
        return tenantsUrl;
    }

    String detectionUrl() {
        return detectionUrl;
    }

    /** Stops detection, for the "service down" page; the resource's stop() then has nothing left to do for it. */
    void stopDetection() throws InterruptedException {
        stop(detection);
    }

    static String clickhouse(String sql) throws IOException, InterruptedException {
        return ClickHouseHttp.query(CLICKHOUSE + "/?database=" + DATABASE, sql);
    }

    static Process service(String module, int port, Map<String, String> settings, Path log) throws Exception {
        Files.createDirectories(WORK);
        Files.deleteIfExists(log);
        Map<String, String> all = new java.util.HashMap<>(Map.of("VIGIL_CLICKHOUSE_URL", CLICKHOUSE, "VIGIL_CLICKHOUSE_DATABASE",
                DATABASE, "VIGIL_OIDC_ISSUER", ISSUER, "VIGIL_PG_PASSWORD", env("VIGIL_PG_PASSWORD", "vigil-dev")));
        all.putAll(settings);
        return BuiltService.start(BuiltService.jar(ROOT, module), "384m", port, all, log, Duration.ofSeconds(120));
    }

    static void stop(Process p) throws InterruptedException {
        BuiltService.stop(p);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
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
}
