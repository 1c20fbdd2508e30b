package io.vigil.k8s;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** Renders a kustomization with the real kustomize (kubectl's built-in one, or a kustomize binary), offline. */
final class Kustomize {

    private static final Map<Path, String> RENDERED = new ConcurrentHashMap<>();

    private Kustomize() {
    }

    /** The rendered YAML stream of the kustomization in {@code dir}; an error from kustomize fails the caller. */
    static String render(Path dir) {
        return RENDERED.computeIfAbsent(dir.toAbsolutePath().normalize(), Kustomize::run);
    }

    private static String run(Path dir) {
        List<String> command = command(dir);
        try {
            Path err = Files.createTempFile("kustomize", ".err");
            Process process = new ProcessBuilder(command).redirectError(err.toFile()).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(String.join(" ", command) + " did not finish in 60 s");
            }
            String stderr = Files.readString(err);
            Files.delete(err);
            if (process.exitValue() != 0) {
                throw new AssertionError(String.join(" ", command) + " failed: " + stderr);
            }
            return out;
        } catch (IOException e) {
            throw new AssertionError("cannot run " + String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** KUSTOMIZE (a kustomize binary) if set, else kubectl kustomize, else kustomize build, from PATH. */
    private static List<String> command(Path dir) {
        String explicit = System.getenv("KUSTOMIZE");
        if (explicit != null && !explicit.isBlank()) {
            return List.of(explicit, "build", dir.toString());
        }
        if (onPath("kubectl")) {
            return List.of("kubectl", "kustomize", dir.toString());
        }
        if (onPath("kustomize")) {
            return List.of("kustomize", "build", dir.toString());
        }
        throw new AssertionError("the manifest tests render with kustomize (v5): install kubectl (1.27 or later) or "
                + "kustomize, or set KUSTOMIZE to a kustomize binary");
    }

    private static boolean onPath(String name) {
        for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!entry.isEmpty() && Files.isExecutable(Path.of(entry, name))) {
                return true;
            }
        }
        return false;
    }
}
