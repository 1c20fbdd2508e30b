package io.vigil.detection.notify;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A private Debian rsyslogd (not the system's): its own config, work dir and output under target/, imtcp and imudp on
 * one free loopback port, writing each message as a JSON line of the fields its RFC 5424 parser found.
 */
final class RsyslogReceiver implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TEMPLATE = "{\"input\":\"%inputname%\",\"version\":\"%protocol-version%\",\"pri\":\"%pri%\","
            + "\"timestamp\":\"%timereported:::date-rfc3339%\",\"hostname\":\"%hostname:::json%\",\"app\":\"%app-name:::json%\","
            + "\"procid\":\"%procid:::json%\",\"msgid\":\"%msgid:::json%\",\"sd\":\"%structured-data:::json%\","
            + "\"msg\":\"%msg:::json%\",\"raw\":\"%rawmsg:::json%\"}\\n";

    private final Process process;
    private final Path out;
    private final int port;

    private RsyslogReceiver(Process process, Path out, int port) {
        this.process = process;
        this.out = out;
        this.port = port;
    }

    static RsyslogReceiver start(Path dir) throws IOException, InterruptedException {
        requireBinary("rsyslog", "imtcp.so");
        Files.createDirectories(dir);
        int port = freePort();
        Path out = dir.resolve("received.jsonl");
        return run(dir, port, out, String.join("\n",
                "global(workDirectory=\"" + dir + "\" maxMessageSize=\"64k\")",
                "module(load=\"imtcp\")",
                "module(load=\"imudp\")",
                intoFile(port, out, "imtcp", "imudp")));
    }

    /**
     * The same receiver with only imtcp, in TLS mode through rsyslog's OpenSSL stream driver (RFC 5425; Debian's
     * rsyslog-openssl): it presents {@code cert} with {@code key}. With {@code clientCertificates} it asks for a client
     * certificate and accepts only one issued by {@code ca} (authMode x509/certvalid); otherwise anyone may send (anon).
     */
    static RsyslogReceiver startTls(Path dir, Path ca, Path cert, Path key, boolean clientCertificates)
            throws IOException, InterruptedException {
        requireBinary("rsyslog-openssl", "lmnsd_ossl.so");
        Files.createDirectories(dir);
        int port = freePort();
        Path out = dir.resolve("received.jsonl");
        return run(dir, port, out, String.join("\n",
                "global(workDirectory=\"" + dir + "\" maxMessageSize=\"64k\"",
                "       defaultNetstreamDriverCAFile=\"" + ca + "\" defaultNetstreamDriverCertFile=\"" + cert + "\"",
                "       defaultNetstreamDriverKeyFile=\"" + key + "\")",
                "module(load=\"imtcp\" streamDriver.name=\"ossl\" streamDriver.mode=\"1\" streamDriver.authMode=\""
                        + (clientCertificates ? "x509/certvalid" : "anon") + "\")",
                intoFile(port, out, "imtcp")));
    }

    /** The config's end: {@code inputs} on 127.0.0.1:{@code port}, every message written to {@code out} as JSON fields. */
    private static String intoFile(int port, Path out, String... inputs) {
        StringBuilder b = new StringBuilder("template(name=\"fields\" type=\"string\" string=\"" + TEMPLATE.replace("\"", "\\\"") + "\")\n");
        for (String input : inputs) {
            b.append("input(type=\"").append(input).append("\" address=\"127.0.0.1\" port=\"").append(port).append("\" ruleset=\"vigil\")\n");
        }
        return b.append("ruleset(name=\"vigil\") {\n")
                .append("  action(type=\"omfile\" file=\"").append(out).append("\" template=\"fields\" flushOnTXEnd=\"on\" asyncWriting=\"off\")\n")
                .append("}\n").toString();
    }

    private static void requireBinary(String pkg, String module) {
        if (!Files.isExecutable(Path.of("/usr/sbin/rsyslogd"))) {
            throw new IllegalStateException("rsyslogd is missing: apt-get install -y rsyslog (scripts/test installs it as root)");
        }
        boolean found;
        try (var libs = Files.list(Path.of("/usr/lib"))) {
            // Debian keeps the modules under /usr/lib/<multiarch triplet>/rsyslog
            found = Files.exists(Path.of("/usr/lib/rsyslog", module))
                    || libs.anyMatch(d -> Files.exists(d.resolve("rsyslog").resolve(module)));
        } catch (IOException e) {
            found = false;
        }
        if (!found) {
            throw new IllegalStateException("rsyslog's " + module + " is missing: apt-get install -y " + pkg
                    + " (scripts/test installs it as root)");
        }
    }

    private static RsyslogReceiver run(Path dir, int port, Path out, String config) throws IOException, InterruptedException {
        Path binary = Path.of("/usr/sbin/rsyslogd");
        Path conf = dir.resolve("rsyslog.conf");
        Files.writeString(conf, config);
        Process p = new ProcessBuilder(binary.toString(), "-n", "-f", conf.toString(), "-i", dir.resolve("rsyslogd.pid").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("rsyslogd.log").toFile()).start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < end) {
            if (!p.isAlive()) {
                throw new IllegalStateException("rsyslogd exited: " + Files.readString(dir.resolve("rsyslogd.log")));
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return new RsyslogReceiver(p, out, port);
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("rsyslogd did not listen on " + port);
    }

    /** A port free for both TCP and UDP on loopback. */
    private static int freePort() throws IOException {
        for (int i = 0; i < 20; i++) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            try (DatagramSocket u = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
                return port;
            } catch (IOException taken) {
                // try another
            }
        }
        throw new IOException("no port free for TCP and UDP");
    }

    int port() {
        return port;
    }

    List<JsonNode> received() throws IOException {
        List<JsonNode> lines = new ArrayList<>();
        if (Files.exists(out)) {
            for (String line : Files.readAllLines(out)) {
                if (!line.isBlank()) {
                    lines.add(JSON.readTree(line));
                }
            }
        }
        return lines;
    }

    JsonNode await(Predicate<JsonNode> match, Duration timeout) throws IOException, InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            for (JsonNode n : received()) {
                if (match.test(n)) {
                    return n;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("rsyslog received nothing matching within " + timeout + ": " + received());
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
