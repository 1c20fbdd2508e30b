package io.vigil.lib.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The real tenants service for another service's ITs: this repository's built jar (services/tenants/target/quarkus-app)
 * on a free loopback port, against the stack's PostgreSQL and Keycloak with its dev seed. It can be stopped and
 * started again on the same port (the outage half of a test). When the jar is missing or does not become ready,
 * {@link #reason()} says why, so the tests that need tenants are skipped with that reason, never faked.
 */
public final class TenantsProcess {

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
            process = BuiltService.start(jar, "256m", port, Map.of(
                    "VIGIL_PG_PASSWORD", System.getenv().getOrDefault("VIGIL_PG_PASSWORD", "vigil-dev"),
                    "VIGIL_KEYCLOAK_CLIENT_SECRET", "dev-vigil-tenants", "VIGIL_TENANTS_DEV_SEED", "true"), log, Duration.ofSeconds(90));
            reason = null;
            return true;
        } catch (IllegalStateException e) {
            reason = "the tenants service did not become ready: " + e.getMessage();
        } catch (IOException e) {
            reason = "the tenants service could not start: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            reason = "interrupted while starting the tenants service";
        }
        return false;
    }

    /** Stops the process (its pid only); idempotent. */
    public void stop() {
        try {
            BuiltService.stop(process);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
