package io.vigil.detection.nmap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small LAN of network namespaces joined by a bridge (as scripts/make-capture builds it), so the tests can run real
 * nmap scans and capture them at the bridge. Only the addresses given to {@link #attach} exist; {@link #close} removes
 * every namespace and stops every process started here.
 */
final class Lan implements AutoCloseable {

    private final String prefix = "vnm" + ProcessHandle.current().pid();
    private final String bridgeNs = prefix + "-lan";
    private final List<String> namespaces = new ArrayList<>();
    private final List<Process> started = new ArrayList<>();

    Lan() {
        namespaces.add(bridgeNs);
        run(10, "ip", "netns", "add", bridgeNs);
        in(bridgeNs, "ip", "link", "add", "br0", "type", "bridge");
        in(bridgeNs, "ip", "link", "set", "br0", "up");
    }

    /** A host namespace {@code name} with {@code address}/24 on its eth0, plugged into the bridge. */
    String attach(String name, String address) {
        String ns = prefix + "-" + name;
        String port = prefix.substring(3) + name;
        namespaces.add(ns);
        run(10, "ip", "netns", "add", ns);
        run(10, "ip", "link", "add", port, "netns", bridgeNs, "type", "veth", "peer", "name", "eth0", "netns", ns);
        in(bridgeNs, "ip", "link", "set", port, "master", "br0", "up");
        in(ns, "ip", "addr", "add", address + "/24", "dev", "eth0");
        in(ns, "ip", "link", "set", "eth0", "up");
        in(ns, "ip", "link", "set", "lo", "up");
        return ns;
    }

    String bridgeNamespace() {
        return bridgeNs;
    }

    /** Runs a command inside {@code ns} and returns its output; fails on a non-zero exit. */
    String in(String ns, String... command) {
        return run(300, nsCommand(ns, command));
    }

    /** Starts a command inside {@code ns} in the background, its output to {@code log}. */
    Process start(String ns, Path log, String... command) throws IOException {
        Process p = new ProcessBuilder(nsCommand(ns, command)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        started.add(p);
        return p;
    }

    private static String[] nsCommand(String ns, String... command) {
        List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        all.addAll(List.of(command));
        return all.toArray(String[]::new);
    }

    static String run(int timeoutSeconds, String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + String.join(" ", command));
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("exit " + p.exitValue() + ": " + String.join(" ", command) + "\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static boolean has(String command) {
        try {
            return new ProcessBuilder("sh", "-c", "command -v " + command).start().waitFor() == 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    @Override
    public void close() {
        for (Process p : started) {
            p.destroy();
        }
        for (Process p : started) {
            try {
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (int i = namespaces.size() - 1; i >= 0; i--) {
            try {
                new ProcessBuilder("ip", "netns", "del", namespaces.get(i)).start().waitFor(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // best effort: the namespace may not exist if setup failed early
            }
        }
    }
}
