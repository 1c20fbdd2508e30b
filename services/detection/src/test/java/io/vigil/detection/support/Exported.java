package io.vigil.detection.support;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Shared captures as a firewall would report them: a real flow exporter reads the capture and sends NetFlow v9 or
 * IPFIX to the real sensor's collector ({@code vigil-sensor collect --stdout}), and the flows it stitches come back
 * as JSON, ready for {@link Replay#store}. The exporters are Debian's softflowd and nfdump's nfpcapd + nfreplay.
 */
public final class Exported {

    private Exported() {
    }

    /**
     * {@code softflowd -r CAPTURE -n 127.0.0.1:PORT -v VERSION -d -a} to the collector. {@code -a} stamps the records
     * with the capture's own times, as a firewall's records carry its traffic's; without it softflowd counts them from
     * the moment it started, days away from the capture (the sensor's DESIGN.md, "Flows from exporters"). No
     * {@code -c}: with {@code -r}, softflowd 1.1.0 would block on its control socket.
     */
    public static List<JsonNode> softflowd(String capture, String version) throws IOException, InterruptedException {
        return softflowd(Replay.PCAPS.resolve(capture), version);
    }

    /** {@link #softflowd(String, String)} for a capture anywhere, such as the project's own in tests/captures. */
    public static List<JsonNode> softflowd(Path pcap, String version) throws IOException, InterruptedException {
        requireTool("softflowd");
        return collect(port -> run(List.of("softflowd", "-r", pcap.toString(), "-n", "127.0.0.1:" + port, "-v", version,
                "-d", "-a")));
    }

    /** nfpcapd meters the capture into nfcapd files, and nfreplay sends them as NetFlow v9 to the collector. */
    public static List<JsonNode> nfreplay(String capture) throws IOException, InterruptedException {
        requireTool("nfreplay");
        Path dir = Files.createTempDirectory("nfcapd-");
        try {
            run(List.of("nfpcapd", "-r", Replay.PCAPS.resolve(capture).toString(), "-w", dir.toString()));
            List<Path> files;
            try (var list = Files.list(dir)) {
                files = list.filter(f -> f.getFileName().toString().startsWith("nfcapd.")).sorted().toList();
            }
            return collect(port -> {
                for (Path f : files) {
                    run(List.of("nfreplay", "-r", f.toString(), "-H", "127.0.0.1", "-p", Integer.toString(port),
                            "-v", "9"));
                }
            });
        } finally {
            try (var list = Files.list(dir)) {
                for (Path f : list.toList()) {
                    Files.deleteIfExists(f);
                }
            }
            Files.deleteIfExists(dir);
        }
    }

    private interface Exporter {
        void sendTo(int port) throws IOException, InterruptedException;
    }

    /** Starts {@code vigil-sensor collect --stdout} on a free loopback port, lets the exporter send, stops it. */
    private static List<JsonNode> collect(Exporter exporter) throws IOException, InterruptedException {
        int port;
        try (DatagramSocket probe = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            port = probe.getLocalPort();
        }
        Path config = Files.createTempDirectory("collect-config-");
        Path out = Files.createTempFile("collect-", ".jsonl");
        Path log = Files.createTempFile("collect-", ".log");
        Process collector = new ProcessBuilder(Replay.sensor().toString(), "collect", "--config-dir", config.toString(),
                "--listen", "127.0.0.1:" + port, "--exporter", "127.0.0.1", "--stdout")
                .redirectOutput(out.toFile()).redirectError(log.toFile()).start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!Files.readString(log).contains("listening for NetFlow")) {
                if (!collector.isAlive() || System.nanoTime() > deadline) {
                    throw new IllegalStateException("vigil-sensor collect did not start: " + Files.readString(log));
                }
                Thread.sleep(100);
            }
            exporter.sendTo(port);
            // The datagrams are on loopback and in the socket by now; SIGTERM makes the collector read what is left,
            // export every flow it holds and exit.
            Thread.sleep(500);
            collector.destroy();
            // 143: the JVM reports the SIGTERM it ended on, after its shutdown hook flushed everything.
            if (!collector.waitFor(60, TimeUnit.SECONDS)
                    || (collector.exitValue() != 0 && collector.exitValue() != 143)) {
                throw new IllegalStateException("vigil-sensor collect did not stop cleanly: " + Files.readString(log));
            }
            return Replay.jsonLines(out);
        } finally {
            collector.destroyForcibly();
            Files.deleteIfExists(out);
            Files.deleteIfExists(log);
            Files.deleteIfExists(config);
        }
    }

    private static void run(List<String> command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
        }
    }

    private static void requireTool(String tool) throws IOException, InterruptedException {
        if (new ProcessBuilder("sh", "-c", "command -v " + tool).start().waitFor() != 0) {
            throw new IllegalStateException(tool + " is missing: apt-get install -y softflowd nfdump");
        }
    }
}
