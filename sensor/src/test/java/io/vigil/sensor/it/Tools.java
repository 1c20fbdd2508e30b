package io.vigil.sensor.it;

import io.vigil.sensor.capture.Replay;
import io.vigil.sensor.meter.FlowMeter;
import io.vigil.sensor.meter.MeterConfig;
import io.vigil.sensor.meter.MeteredFlow;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Helpers for the integration tests: the repo root, Debian packages they need, and running commands. */
public final class Tools {

    private Tools() {
    }

    public static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.isDirectory(p.resolve("sensor")) ) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("not inside the repository");
        }
        return p;
    }

    /** The public captures, kept outside the repository (../shared/pcaps relative to its root). */
    public static Path sharedPcaps() {
        return repoRoot().resolve("../shared/pcaps").normalize();
    }

    public static boolean isRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** Makes sure {@code command} exists, installing Debian {@code packages} (as root) if it does not; else skips. */
    public static void require(String command, String... packages) {
        if (has(command)) {
            return;
        }
        assumeTrue(isRoot(), command + " is missing and installing " + String.join(" ", packages) + " needs root");
        run(600, "apt-get", "update", "-q");
        List<String> install = new ArrayList<>(List.of("env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-q"));
        install.addAll(List.of(packages));
        String out = run(900, install.toArray(String[]::new));
        if (!has(command)) {
            throw new IllegalStateException("installing " + String.join(" ", packages) + " did not provide " + command + ":\n" + out);
        }
    }

    /** pcap4j needs libpcap.so; Debian's libpcap0.8 provides it. */
    public static void requireLibpcap() {
        if (Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libpcap.so.0.8")) || Files.exists(Path.of("/usr/lib/aarch64-linux-gnu/libpcap.so.0.8"))) {
            return;
        }
        require("tcpdump", "libpcap0.8", "tcpdump");
    }

    public static boolean has(String command) {
        try {
            return new ProcessBuilder("sh", "-c", "command -v " + command).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    /** Runs a command, returns its combined output; fails the test on a non-zero exit. */
    public static String run(int timeoutSeconds, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + ": timed out");
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + ": exit " + p.exitValue() + "\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Creates namespaces {@code a} and {@code b} joined by a veth pair ({@code a0}, {@code b0}), with
     * {@code prefix.1/24} on a's end and {@code prefix.2/24} on b's, all up. The caller deletes the namespaces.
     */
    public static void vethBetweenNamespaces(String a, String b, String prefix) {
        run(10, "ip", "netns", "add", a);
        run(10, "ip", "netns", "add", b);
        run(10, "ip", "link", "add", a + "0", "netns", a, "type", "veth", "peer", "name", b + "0", "netns", b);
        run(10, "ip", "-n", a, "addr", "add", prefix + ".1/24", "dev", a + "0");
        run(10, "ip", "-n", b, "addr", "add", prefix + ".2/24", "dev", b + "0");
        for (String n : List.of(a, b)) {
            run(10, "ip", "-n", n, "link", "set", "lo", "up");
            run(10, "ip", "-n", n, "link", "set", n + "0", "up");
        }
    }

    /** Waits until a {@code vigil-sensor} process logs {@code text}; fails if it exits or takes too long. */
    public static void awaitLine(Process sensor, Path log, String text, int seconds) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!Files.readString(log).contains(text)) {
            if (!sensor.isAlive()) {
                throw new AssertionError("vigil-sensor exited: " + Files.readString(log));
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no '" + text + "' after " + seconds + " s: " + Files.readString(log));
            }
            Thread.sleep(100);
        }
    }

    /** Runs a collector until it is stopped, on a thread of its own ("collector"), as the collect command runs it. */
    public static Thread inBackground(io.vigil.sensor.collect.Collector collector) {
        Thread loop = new Thread(() -> {
            try {
                collector.run(null, 1000);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, "collector");
        loop.start();
        return loop;
    }

    /** Meters capture files exactly as {@code replay --stdout} does and returns the flows. */
    public static List<MeteredFlow> replay(MeterConfig config, Path... files) throws Exception {
        List<MeteredFlow> flows = new ArrayList<>();
        new Replay(new FlowMeter(config, flows::add), Replay.Speed.MAX, null).run(List.of(files));
        return flows;
    }
}
