package io.vigil.lib.testing;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A built service of this repository ({@code <module>/target/quarkus-app/quarkus-run.jar}, the prod profile) run as a
 * process on a loopback port against the stack, for system tests and ITs across services. What every such run needs is
 * set here: the port, console logs as text (prod logs JSON), and Flyway tolerating a schema that another checkout's
 * newer build migrated further on the shared PostgreSQL. The caller adds the service's own settings.
 */
public final class BuiltService {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private BuiltService() {
    }

    /** The module's packaged jar under {@code root}; fails with the command that builds it when it is missing. */
    public static Path jar(Path root, String module) {
        Path jar = root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing: build it first (mvn -B package -DskipTests -pl " + module + " -am)");
        }
        return jar;
    }

    /**
     * Starts {@code jar} with {@code -Xmx<heap>} on 127.0.0.1:{@code port}, its output appended to {@code log}, and
     * returns once {@code /q/health/ready} answers 200. Fails, naming the log, when the process exits or is not ready
     * within {@code ready} (the process is then killed).
     */
    public static Process start(Path jar, String heap, int port, Map<String, String> settings, Path log, Duration ready)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder("java", "-Xmx" + heap, "-jar", jar.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(environment(port, settings));
        Process p = pb.start();
        String name = jar.getParent().getParent().getParent().getFileName().toString();
        long deadline = System.nanoTime() + ready.toNanos();
        while (System.nanoTime() < deadline) {
            if (ready(port)) {
                return p;
            }
            if (!p.isAlive()) {
                throw new IllegalStateException(name + " exited (" + p.exitValue() + "); see " + log);
            }
            TimeUnit.MILLISECONDS.sleep(200);
        }
        p.destroyForcibly();
        throw new IllegalStateException(name + " not ready in " + ready.toSeconds() + " s; see " + log);
    }

    /** The environment of a run: the common settings, then {@code settings} (which may override them). */
    static Map<String, String> environment(int port, Map<String, String> settings) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("QUARKUS_HTTP_PORT", String.valueOf(port));
        env.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        // The jar runs in the prod profile, whose console logs are JSON; tests read the lines as text.
        env.put("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false");
        // The stack's PostgreSQL is shared: a newer build may have migrated a schema further than this one knows.
        env.put("QUARKUS_FLYWAY_IGNORE_MIGRATION_PATTERNS", "*:future");
        env.putAll(settings);
        return env;
    }

    /** Whether a service answers ready on 127.0.0.1:{@code port}. */
    public static boolean ready(int port) throws InterruptedException {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException notYet) {
            return false;
        }
    }

    /** Stops a process started here (its pid only), waiting up to 30 s before killing it; null or gone: nothing. */
    public static void stop(Process p) throws InterruptedException {
        if (p != null && p.isAlive()) {
            p.destroy();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
