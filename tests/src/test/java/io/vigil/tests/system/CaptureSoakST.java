package io.vigil.tests.system;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The product as an on-prem install runs it, for {@code vigil.soak.minutes} (10): tenants, ingest and detection as
 * processes, a customer onboarded and a sensor enrolled through tenants, and {@code vigil-sensor run -i <bridge>} live
 * on a Linux bridge in the root namespace, like a SPAN port. On the bridge are the veths of two network namespaces: a
 * workstation (10.216.0.1) and a server (10.216.0.2: web on 8080, a DNS-like responder on 5353/udp). The workstation
 * downloads from, queries and probes the server the whole time ({@code soak/traffic.py}) and, in between, runs nmap
 * scans of it (SYN with and without host discovery, connect, UDP) and pings. Only addresses assigned here are used,
 * IPv6 is off on every link, nmap always gets {@code -n}, and everything is removed afterwards.
 *
 * <p>It counts the Export streams that ended other than by the sensor's own token rotation, as the sensor logs them and
 * as ingest counts them ({@code vigil_ingest_calls_failed_total{rpc="Export"}}), prints them as
 * {@code BENCH ingest.soak.stream-failures} (goal 0), and checks that ClickHouse holds exactly the flows ingest
 * acknowledged. Tagged {@code load}: scripts/bench runs it, scripts/test does not. Needs root, nmap, ping, python3 and
 * iproute2, else it is skipped with the reason.
 */
@Tag("load")
class CaptureSoakST {

    private static final double MINUTES = Double.parseDouble(System.getProperty("vigil.soak.minutes", "10"));
    private static final String WORKSTATION = "10.216.0.1";
    private static final String SERVER = "10.216.0.2";
    private static final List<List<String>> SCANS = List.of(
            List.of("nmap", "-n", "-T4", "-Pn", "-sS", "-p", "1-200", SERVER),
            List.of("nmap", "-n", "-T4", "--send-ip", "-sS", "-p", "1-200", SERVER),
            List.of("nmap", "-n", "-T4", "-Pn", "-sT", "-p", "20-25,53,80,443,5353,8080-8090", SERVER),
            List.of("nmap", "-n", "-T4", "-Pn", "-sU", "-p", "1-20,5353", SERVER));
    /** What the sensor's Exporter logs when a stream ends other than by its own rotation: its WARN and its ERROR line. */
    private static final Pattern STREAM_END =
            Pattern.compile("(?:Export stream to \\S+ ended|ingest \\S+ refused the sensor): (.*); retrying in \\d+ ms");
    private static final Pattern EXPORT_FAILED =
            Pattern.compile("(?m)^vigil_ingest_calls_failed_total\\{(?=[^}]*rpc=\"Export\")[^}]*status=\"(\\w+)\"[^}]*} (\\S+)$");

    @Test
    void aLiveSensorOnABridgeThroughScansAndTrafficSeesNoFailedStream() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root for network namespaces and live capture");
        for (String tool : List.of("nmap", "ping", "python3", "ip")) {
            assumeTrue(has(tool), tool + " is missing");
        }
        Path traffic = SystemStack.ROOT.resolve("tests/src/test/resources/soak/traffic.py");
        try (Pipeline pipeline = Pipeline.start("capture-soak-st", "vigil_soak_st", Map.of("VIGIL_NOTIFY_ENABLED", "false"));
             Lan lan = new Lan()) {
            String admin = SystemStack.userToken("msp-a-admin");
            String customer = pipeline.createCustomer(admin, "capture-soak " + Long.toString(System.nanoTime(), 36),
                    List.of("10.216.0.0/24"));
            Path sensorConfig = pipeline.enrollSensor(admin, customer);
            String workstation = lan.host("ws", WORKSTATION);
            String server = lan.host("srv", SERVER);
            Path work = pipeline.work;
            lan.start(server, work.resolve("web.log"), "python3", "-m", "http.server", "8080", "--bind", SERVER,
                    "--directory", work.toString());
            lan.start(server, work.resolve("udp.log"), "python3", traffic.toString(), "serve", SERVER);

            long seconds = Math.round(MINUTES * 60);
            Path sensorLog = work.resolve("sensor-run.log");
            Files.deleteIfExists(sensorLog);
            Process sensor = SystemStack.sensor(sensorLog, "run", "--config-dir", sensorConfig.toString(),
                    "-i", lan.bridge, "--duration", (seconds + 20) + "s");
            lan.started.add(sensor);
            awaitLine(sensor, sensorLog, "capturing on", 60);

            Process client = lan.start(workstation, work.resolve("traffic.log"), "python3", traffic.toString(),
                    "client", SERVER, Long.toString(seconds));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            int scans = 0;
            while (System.nanoTime() < deadline) {
                lan.in(workstation, 300, SCANS.get(scans++ % SCANS.size()).toArray(String[]::new));
                lan.in(workstation, 30, "ping", "-n", "-c", "3", "-i", "0.2", SERVER);
                TimeUnit.SECONDS.sleep(3);
            }
            assertTrue(client.waitFor(60, TimeUnit.SECONDS), "the traffic client ends by itself");
            assertTrue(sensor.waitFor(90, TimeUnit.SECONDS), "vigil-sensor run --duration ends by itself; see " + sensorLog);
            assertEquals(0, sensor.exitValue(), "vigil-sensor run; see " + sensorLog);

            String log = Files.readString(sensorLog);
            List<String> sensorSaw = new ArrayList<>();
            Matcher end = STREAM_END.matcher(log);
            while (end.find()) {
                sensorSaw.add(end.group(1));
            }
            long streams = log.lines().filter(l -> l.contains("Export stream to ") && l.contains(" open;")).count();
            Map<String, Long> ingestCounted = exportFailures(pipeline.ingestAddress);
            Properties status = new Properties();
            try (var in = Files.newBufferedReader(sensorConfig.resolve("status.properties"))) {
                status.load(in);
            }
            long exported = Long.parseLong(status.getProperty("flows.exported"));
            long accepted = Long.parseLong(status.getProperty("flows.accepted"));
            long rejected = Long.parseLong(status.getProperty("flows.rejected"));
            long spooled = Long.parseLong(status.getProperty("spool.flows"));
            long stored = Long.parseLong(SystemStack.clickhouse("SELECT count() FROM " + pipeline.database
                    + ".flows WHERE tenant_id = '" + customer + "'"));
            String sent = Files.readString(work.resolve("traffic.log")).trim();

            long failures = Math.max(sensorSaw.size(), ingestCounted == null ? 0
                    : ingestCounted.values().stream().mapToLong(Long::longValue).sum());
            System.out.printf("BENCH ingest.soak.stream-failures %d count (goal 0; vigil-sensor run on a bridge for %.1f min:"
                            + " %d nmap scans and %s; %d flows exported over %d streams; the sensor saw %d, ingest counted %s)%n",
                    failures, MINUTES, scans, sent, exported, streams, sensorSaw.size(),
                    ingestCounted == null ? "nothing: no vigil_ingest_calls_failed_total" : ingestCounted.isEmpty() ? "none"
                            : ingestCounted);
            System.out.printf("BENCH ingest.soak.flows-unstored %d flows (exported %d: acknowledged %d, rejected %d, left in"
                    + " the spool %d; stored %d)%n", exported - stored, exported, accepted, rejected, spooled, stored);
            sensorSaw.forEach(reason -> System.out.println("CaptureSoakST stream ended: " + reason));

            assertEquals(List.of(), sensorSaw, "Export streams the sensor saw end; see " + sensorLog);
            assertEquals(Map.of(), ingestCounted, "Export calls ingest ended with an error; see " + work.resolve("ingest.log"));
            assertTrue(scans >= SCANS.size() && sent.contains("web="), "traffic ran: " + scans + " scans, " + sent);
            assertEquals(accepted, stored, "ClickHouse holds exactly the flows ingest acknowledged");
            assertEquals(exported, accepted + rejected + spooled, "every exported flow is acknowledged or still spooled");
        }
    }

    /**
     * Ingest's failed Export calls by status (only those that happened), from its Prometheus endpoint; null if it
     * exports no such counter (a build from before it had one).
     */
    private static Map<String, Long> exportFailures(String ingestAddress) throws IOException, InterruptedException {
        HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + ingestAddress + "/q/metrics")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, metrics.statusCode(), metrics.body());
        if (!metrics.body().contains("vigil_ingest_calls_failed_total")) {
            return null;
        }
        Map<String, Long> failed = new TreeMap<>();
        Matcher m = EXPORT_FAILED.matcher(metrics.body());
        while (m.find()) {
            long count = (long) Double.parseDouble(m.group(2));
            if (count > 0) {
                failed.put(m.group(1), count);
            }
        }
        return failed;
    }

    private static void awaitLine(Process process, Path log, String text, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (!Files.exists(log) || !Files.readString(log).contains(text)) {
            assertTrue(process.isAlive(), "exited before logging '" + text + "'; see " + log);
            assertTrue(System.nanoTime() < deadline, "no '" + text + "' in " + seconds + " s; see " + log);
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    private static boolean has(String command) throws IOException, InterruptedException {
        return new ProcessBuilder("sh", "-c", "command -v " + command).start().waitFor() == 0;
    }

    /**
     * A bridge in the root namespace with one veth port per host namespace, as a switch with a SPAN port: the sensor
     * on the bridge sees every frame between the hosts. No address on the bridge; IPv6 off everywhere, so the only
     * traffic is what the test sends between the addresses it assigns.
     */
    private static final class Lan implements AutoCloseable {
        private final String prefix = "vsk" + ProcessHandle.current().pid();
        final String bridge = prefix + "br";
        private final List<String> namespaces = new ArrayList<>();
        final List<Process> started = new ArrayList<>();

        Lan() throws Exception {
            run(10, "ip", "link", "add", bridge, "type", "bridge");
            run(10, "sysctl", "-q", "-w", "net.ipv6.conf." + bridge + ".disable_ipv6=1");
            run(10, "ip", "link", "set", bridge, "up");
        }

        /** A host namespace with {@code address}/24 on its eth0, plugged into the bridge; its name. */
        String host(String name, String address) throws Exception {
            String ns = prefix + name;
            String port = prefix + name.charAt(0);
            run(10, "ip", "netns", "add", ns);
            namespaces.add(ns);
            run(10, "ip", "link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", ns);
            run(10, "sysctl", "-q", "-w", "net.ipv6.conf." + port + ".disable_ipv6=1");
            run(10, "ip", "link", "set", port, "master", bridge, "up");
            in(ns, 10, "sysctl", "-q", "-w", "net.ipv6.conf.all.disable_ipv6=1");
            in(ns, 10, "sysctl", "-q", "-w", "net.ipv6.conf.default.disable_ipv6=1");
            in(ns, 10, "ip", "addr", "add", address + "/24", "dev", "eth0");
            in(ns, 10, "ip", "link", "set", "eth0", "up");
            in(ns, 10, "ip", "link", "set", "lo", "up");
            return ns;
        }

        /** Runs a command inside {@code ns}; fails on a non-zero exit. */
        void in(String ns, int timeoutSeconds, String... command) throws Exception {
            List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
            all.addAll(List.of(command));
            run(timeoutSeconds, all.toArray(String[]::new));
        }

        /** Starts a command inside {@code ns} in the background, its output to {@code log}. */
        Process start(String ns, Path log, String... command) throws IOException {
            List<String> all = new ArrayList<>(List.of("ip", "netns", "exec", ns));
            all.addAll(List.of(command));
            Process p = new ProcessBuilder(all).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            started.add(p);
            return p;
        }

        private static void run(int timeoutSeconds, String... command) throws Exception {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out after " + timeoutSeconds + " s: " + String.join(" ", command));
            }
            assertEquals(0, p.exitValue(), String.join(" ", command) + ":\n" + new String(out, StandardCharsets.UTF_8));
        }

        @Override
        public void close() throws Exception {
            for (Process p : started) {
                p.destroy();
            }
            for (Process p : started) {
                if (!p.waitFor(20, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
            for (String ns : namespaces) {
                new ProcessBuilder("ip", "netns", "del", ns).start().waitFor(10, TimeUnit.SECONDS);
            }
            new ProcessBuilder("ip", "link", "del", bridge).start().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
