package io.vigil.lib.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The real tenants service for another service's ITs: this repository's built jar (services/tenants/target/quarkus-app)
 * on a free loopback port, against the stack's PostgreSQL and Keycloak with its dev seed. It can be stopped and
 * started again on the same port (the outage half of a test). When the jar is missing or does not become ready,
 * {@link #reason()} says why, so the tests that need tenants are skipped with that reason, never faked.
 */
public final class TenantsProcess {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path jar;
    private final int port;
    private Process process;
    private Path log;
    private String reason;

    /** Finds the jar from the working directory upwards (a module directory under the repository). */
    public TenantsProcess() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !dir.resolve("services/tenants").toFile().isDirectory()) {
            dir = dir.getParent();
        }
        this.jar = (dir == null ? Path.of("") : dir).resolve("services/tenants/target/quarkus-app/quarkus-run.jar");
        try (ServerSocket s = new ServerSocket(0)) {
            this.port = s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    /** Null while tenants runs (or before the first start); else why it does not. */
    public String reason() {
        return reason;
    }

    /** Starts it and waits up to 90 s for readiness; returns false (with {@link #reason()}) if it does not come up. */
    public boolean start() {
        if (!Files.exists(jar)) {
            reason = "the tenants service is not built (" + jar + "): mvn -B package -DskipTests -pl services/tenants -am";
            return false;
        }
        try {
            log = Files.createTempFile("tenants-", ".log");
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
                if (ready()) {
                    reason = null;
                    return true;
                }
                Thread.sleep(250);
            }
            reason = "the tenants service did not become ready; its log: " + log;
            stop();
        } catch (IOException e) {
            reason = "the tenants service could not start: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reason = "interrupted while starting the tenants service";
        }
        return false;
    }

    private boolean ready() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url() + "/q/health/ready")).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Stops the process (its pid only); idempotent. */
    public void stop() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                process.destroyForcibly();
            }
        }
    }
}
