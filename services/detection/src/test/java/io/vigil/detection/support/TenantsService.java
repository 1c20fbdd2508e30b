package io.vigil.detection.support;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.jboss.logging.Logger;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The real tenants service for detection's ITs: the repository's built jar (services/tenants/target/quarkus-app),
 * started on a free loopback port against the stack's PostgreSQL and Keycloak with its dev seed. When the jar is
 * missing, {@link #reason} says why and the tests that need tenants are skipped with that reason, never faked.
 */
public class TenantsService implements QuarkusTestResourceLifecycleManager {

    private static final Logger LOG = Logger.getLogger(TenantsService.class);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** Null when tenants runs; else why not. */
    public static volatile String reason;
    private static Process process;
    /** Detection settings the test class adds (its resource's initArgs), with tenants as the customers' source. */
    private final Map<String, String> config = new java.util.HashMap<>();

    @Override
    public void init(Map<String, String> initArgs) {
        config.putAll(initArgs);
    }

    @Override
    public Map<String, String> start() {
        Path jar = Replay.ROOT.resolve("services/tenants/target/quarkus-app/quarkus-run.jar");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        String url = "http://127.0.0.1:" + port;
        if (!Files.exists(jar)) {
            reason = "the tenants service is not built (" + jar + "): mvn -B package -DskipTests -pl services/tenants -am";
            LOG.warn("SKIPPING the tests against the real tenants service: " + reason);
            return detectionConfig(url);
        }
        try {
            Path log = Files.createTempFile("tenants-", ".log");
            ProcessBuilder pb = new ProcessBuilder("java", "-Xmx256m", "-jar", jar.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile());
            Map<String, String> env = pb.environment();
            env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
            env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
            env.put("VIGIL_PG_PASSWORD", System.getenv().getOrDefault("VIGIL_PG_PASSWORD", "vigil-dev"));
            env.put("VIGIL_KEYCLOAK_CLIENT_SECRET", "dev-vigil-tenants");
            env.put("VIGIL_TENANTS_DEV_SEED", "true");
            // Another worktree's newer tenants may have migrated the shared schema further: tolerate that here.
            env.put("QUARKUS_FLYWAY_IGNORE_MIGRATION_PATTERNS", "*:future");
            process = pb.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (System.nanoTime() < deadline && process.isAlive()) {
                if (ready(url)) {
                    reason = null;
                    return detectionConfig(url);
                }
                Thread.sleep(250);
            }
            reason = "the tenants service did not become ready; its log: " + log;
            LOG.warn("SKIPPING the tests against the real tenants service: " + reason);
            stop();
        } catch (Exception e) {
            reason = "the tenants service could not start: " + e;
        }
        return detectionConfig(url);
    }

    private Map<String, String> detectionConfig(String url) {
        Map<String, String> all = new java.util.HashMap<>(config);
        all.put("vigil.detection.customers.source", "tenants");
        all.put("vigil.tenants.url", url);
        return all;
    }

    static boolean ready(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url + "/q/health/ready")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }

    /** Stops the tenants process (the outage half of the test); idempotent. */
    public static void stopTenants() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                process.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }

    @Override
    public void stop() {
        stopTenants();
    }

}
