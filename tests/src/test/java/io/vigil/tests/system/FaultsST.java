package io.vigil.tests.system;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Fault injection on the whole path, pcap → sensor → ingest → ClickHouse → detection → REST alert: each case injects
 * one fault in the middle of a real sensor's export, recovers, and then checks by exact counts that ClickHouse holds
 * the flows the sensor metered, none twice, and that the capture's scan still raises its alert. Every case has a
 * customer and sensor of its own (onboarded through tenants) and the services store into a database of their own.
 * The cases stop and restart the stack's servers: on the shared stack run this class holding
 * {@code /tmp/vigil-stack.lock} exclusively, or point it at a private stack (README, Tests).
 */
@Tag("system")
class FaultsST {

    private static final String DB = "vigil_faults_st";
    private static final Path WORK = SystemStack.ROOT.resolve("tests/target/faults-st");
    private static final String SCANNER = "10.77.0.66";
    private static final String[] REALTIME = {"--speed", "realtime"};
    private static final Pattern FLOW_KEY = Pattern.compile("\"start_time_ms\":(\\d+).*\"community_id\":\"([^\"]+)\"");
    private static final Pattern ALERT = Pattern.compile("\"id\":\"(al-[^\"]+)\".*?\"attempts\":(\\d+)");
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static Path scan;
    private static Path udp;
    private static Path udpTail;
    private static long expected;
    private static long expectedWithTail;
    private static String tenantsUrl;
    private static int ingestPort;
    private static int detectionPort;
    private static Process tenants;
    private static Process ingest;
    private static Process detection;

    /** A sensor enrolled for a customer of its own. */
    private record Sensor(String customer, String id, Path config, Path log) {
    }

    @BeforeAll
    static void startServices() throws Exception {
        deleteTree(WORK);
        Files.createDirectories(WORK);
        SystemStack.clickhouse("DROP DATABASE IF EXISTS " + DB);
        scan = WORK.resolve("scan.pcap");
        Process cut = new ProcessBuilder("tcpdump", "-r", SystemStack.ROOT.resolve("scripts/data/lan-scan.pcap").toString(),
                "-w", scan.toString(), "host", SCANNER).redirectErrorStream(true)
                .redirectOutput(WORK.resolve("tcpdump.log").toFile()).start();
        assertTrue(cut.waitFor(60, TimeUnit.SECONDS) && cut.exitValue() == 0, "tcpdump; see " + WORK.resolve("tcpdump.log"));
        udp = WORK.resolve("udp.pcap");
        SystemStack.writeUdpCapture(udp, 10, 150);
        udpTail = WORK.resolve("udp-tail.pcap");
        SystemStack.writeUdpCapture(udpTail, 25, 40);
        expected = metered(scan, udp);
        expectedWithTail = metered(scan, udp, udpTail);

        ingestPort = SystemStack.freePort();
        detectionPort = SystemStack.freePort();
        int tenantsPort = SystemStack.freePort();
        tenantsUrl = "http://127.0.0.1:" + tenantsPort;
        tenants = SystemStack.startTenants(tenantsPort, WORK.resolve("tenants.log"));
        ingest = SystemStack.startIngest(ingestPort, DB, WORK.resolve("ingest.log"));
        detection = SystemStack.startDetection(detectionPort, DB, Map.of("VIGIL_DETECTION_CUSTOMERS_SOURCE", "tenants",
                "VIGIL_TENANTS_URL", tenantsUrl), WORK.resolve("detection.log"));
    }

    @AfterAll
    static void stopServices() throws Exception {
        SystemStack.stop(detection);
        SystemStack.stop(ingest);
        SystemStack.stop(tenants);
        SystemStack.clickhouse("DROP DATABASE IF EXISTS " + DB);
    }

    /** What the sensor meters from the capture (the scan, then UDP pairs): each flow distinct by Community ID and start. */
    private static long metered(Path... capture) throws Exception {
        Path out = WORK.resolve("flows-" + capture.length + ".jsonl");
        List<String> command = new ArrayList<>(List.of("java", "-Xmx256m", "-jar", SystemStack.jar("sensor").toString(),
                "replay", "--stdout", "-q"));
        command.addAll(meterOptions(capture));
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile())
                .redirectError(WORK.resolve("stdout-replay.log").toFile()).start();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, "see " + WORK.resolve("stdout-replay.log"));
        List<String> lines = Files.readAllLines(out);
        Set<String> keys = new HashSet<>();
        for (String line : lines) {
            Matcher m = FLOW_KEY.matcher(line);
            assertTrue(m.find(), line);
            keys.add(m.group(2) + "@" + m.group(1));
        }
        assertEquals(lines.size(), keys.size(), "(community_id, start) tells the capture's flows apart");
        assertTrue(lines.size() > 2_000, "the scan and the UDP pairs: " + lines.size());
        return lines.size();
    }

    private static List<String> meterOptions(Path... capture) {
        List<String> options = new ArrayList<>(List.of("--retime", "--idle-timeout", "2s"));
        for (Path file : capture) {
            options.add(file.toString());
        }
        return options;
    }

    @Test
    void ingestKilledMidExport() throws Exception {
        Sensor s = enroll("ingest-kill");
        throughFault(s, replay(s, REALTIME), replay -> {
            ingest.destroyForcibly(); // SIGKILL: in-flight batches and Acks are lost
            ingest.waitFor(30, TimeUnit.SECONDS);
            TimeUnit.SECONDS.sleep(3);
            assertTrue(replay.isAlive(), "the sensor meters and spools on while ingest is gone; see " + s.log);
            assertTrue(stored(s) < expected, "ingest was killed before everything was stored");
            ingest = SystemStack.startIngest(ingestPort, DB, WORK.resolve("ingest.log"));
        });
    }

    /**
     * ClickHouse stops gracefully, which takes up to 30 s while ingest's connections stay open and keep storing; the
     * capture has a 25 s tail so that the sensor still meters while ClickHouse is down.
     */
    @Test
    void clickHouseStoppedForThirtySeconds() throws Exception {
        Sensor s = enroll("clickhouse-stop");
        throughFault(s, replay(s, List.of(REALTIME), scan, udp, udpTail), expectedWithTail, replay -> {
            try {
                SystemStack.stack("stop", "clickhouse");
                TimeUnit.SECONDS.sleep(30);
                assertTrue(replay.isAlive(), "the replay waits for Acks while ClickHouse is down; see " + s.log);
                assertTrue(Long.parseLong(status(s).getProperty("spool.flows", "0")) > 0,
                        "unacknowledged flows stay in the sensor's spool: " + status(s));
            } finally {
                SystemStack.stack("start", "clickhouse");
            }
        });
    }

    /** Alerts and detection's per-sensor marks live in PostgreSQL: a restart keeps them, and detection goes on alerting. */
    @Test
    void postgresRestarted() throws Exception {
        Sensor earlier = enroll("pg-earlier");
        assertReplayDone(replay(earlier), earlier);
        assertExactlyOnce(earlier, expected);
        String admin = SystemStack.userToken("msp-a-admin");
        awaitAlert(earlier.customer, admin);
        TimeUnit.SECONDS.sleep(5); // a few more cycles: the alert is final
        Map<String, String> alertsBefore = alerts(alertsOf(earlier.customer, admin));

        Sensor s = enroll("pg-restart");
        throughFault(s, replay(s, REALTIME), replay -> {
            try {
                SystemStack.stack("stop", "postgres");
            } finally {
                SystemStack.stack("start", "postgres");
            }
        });
        assertEquals(alertsBefore, alerts(alertsOf(earlier.customer, admin)),
                "the earlier customer's alerts survive unchanged (id -> attempts): its batches are not judged twice");
    }

    /**
     * Keycloak is down when the sensor starts: it meters and spools, gets a token once Keycloak is back, and delivers
     * everything; tokens issued before the restart still pass detection.
     */
    @Test
    void keycloakRestarted() throws Exception {
        Sensor s = enroll("keycloak-restart");
        String issuedBefore = SystemStack.userToken("msp-a-admin");
        Process replay = null;
        try {
            try {
                SystemStack.stack("stop", "keycloak");
                replay = replay(s);
                TimeUnit.SECONDS.sleep(8);
                assertTrue(replay.isAlive(), "the replay waits for a token; see " + s.log);
                assertEquals(0, stored(s), "without a token nothing is accepted");
            } finally {
                SystemStack.stack("start", "keycloak");
            }
            assertReplayDone(replay, s);
            assertExactlyOnce(s, expected);
            awaitAlert(s.customer, issuedBefore);
            awaitAlert(s.customer, SystemStack.userToken("msp-a-admin"));
        } finally {
            if (replay != null) {
                replay.destroyForcibly();
            }
        }
    }

    /**
     * replay has no resume: a sensor killed mid-replay resends what it had spooled, exactly once, on its next start;
     * the rest of the file is not metered. The operator replays the file again, which stores all of it once more
     * (with --retime under new times): replay is for captures, not for a record kept exactly once.
     */
    @Test
    void sensorKilledMidReplay() throws Exception {
        Sensor s = enroll("sensor-kill");
        Process replay = replay(s, REALTIME);
        try {
            awaitStored(s, "resp_port = 53", 300, replay); // past the scan: its flows are all exported by now
            // Ingest goes first, so the sensor dies with batches that are only in its spool.
            ingest.destroyForcibly();
            ingest.waitFor(30, TimeUnit.SECONDS);
            TimeUnit.SECONDS.sleep(2);
        } finally {
            replay.destroyForcibly();
            replay.waitFor(30, TimeUnit.SECONDS);
        }
        ingest = SystemStack.startIngest(ingestPort, DB, WORK.resolve("ingest.log"));
        long storedAtKill = stored(s);
        long mark = Long.parseLong(SystemStack.clickhouse("SELECT max(batch_seq) FROM " + DB + ".flows WHERE "
                + where(s)));
        long spooled = spooledFlowsAbove(s.config.resolve("spool"), mark);
        assertTrue(spooled > 0, "the sensor died with unacknowledged flows in its spool");

        Path empty = WORK.resolve("empty.pcap");
        SystemStack.writeUdpCapture(empty, 0, 0);
        Process restart = SystemStack.sensor(s.log, "replay", "--config-dir", s.config.toString(), empty.toString());
        assertReplayDone(restart, s);
        assertTrue(Files.readString(s.log).contains("unacknowledged batches"), "recovered from the spool; see " + s.log);
        assertExactlyOnce(s, storedAtKill + spooled);
        assertTrue(storedAtKill + spooled < expected, "killed before the end of the file");
        awaitAlert(s.customer, SystemStack.userToken("msp-a-admin"));
    }

    /**
     * The sensor in a network namespace of its own, reaching ingest and Keycloak over a veth pair (through relays to
     * their loopback ports); the link is set down for 20 s mid-export, then up again.
     */
    @Test
    void wanCutForTwentySeconds() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "network namespaces need root");
        int n = 20 + (int) (ProcessHandle.current().pid() % 200);
        String ns = "vfault" + n;
        String link = "vfh" + n;
        String hostIp = "10.251." + n + ".1";
        URI keycloak = URI.create(SystemStack.ISSUER);
        try {
            ip("netns", "add", ns);
            ip("link", "add", link, "type", "veth", "peer", "name", "eth0", "netns", ns);
            ip("addr", "add", hostIp + "/30", "dev", link);
            ip("link", "set", link, "up");
            ip("netns", "exec", ns, "ip", "addr", "add", "10.251." + n + ".2/30", "dev", "eth0");
            ip("netns", "exec", ns, "ip", "link", "set", "eth0", "up");
            ip("netns", "exec", ns, "ip", "link", "set", "lo", "up");
            try (TcpRelay toIngest = new TcpRelay(hostIp, "127.0.0.1", ingestPort);
                 TcpRelay toKeycloak = new TcpRelay(hostIp, keycloak.getHost(), keycloak.getPort())) {
                Sensor s = enroll("wan-cut", hostIp + ":" + toIngest.port());
                // Keycloak's issuer stays its loopback URL (--hostname); only the sensor's way to it changes.
                Files.writeString(s.config.resolve("credentials.properties"), "token-endpoint=http://" + hostIp + ":"
                        + toKeycloak.port() + keycloak.getPath() + "/protocol/openid-connect/token\n", StandardOpenOption.APPEND);
                List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", ns, "java", "-Xmx256m", "-jar",
                        SystemStack.jar("sensor").toString(), "replay", "--config-dir", s.config.toString(), "--speed",
                        "realtime"));
                command.addAll(meterOptions(scan, udp));
                Process inNamespace = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(s.log.toFile())).start();
                throughFault(s, inNamespace, replay -> {
                    try {
                        ip("link", "set", link, "down");
                        TimeUnit.SECONDS.sleep(3);
                        long during = stored(s);
                        TimeUnit.SECONDS.sleep(17);
                        assertEquals(during, stored(s), "nothing crosses the cut link");
                        assertTrue(during < expected, "the link was cut before everything was stored");
                        assertTrue(replay.isAlive(), "the sensor spools on while the WAN is cut; see " + s.log);
                    } finally {
                        ip("link", "set", link, "up");
                    }
                });
            }
        } finally {
            new ProcessBuilder("ip", "netns", "del", ns).start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    /** A fault, injected once the replay has stored its first flows; it ends with the system recovering. */
    private interface Fault {
        void inject(Process replay) throws Exception;
    }

    /**
     * Injects {@code fault} in the middle of {@code replay}'s export, then checks that the replay ends with exactly
     * the metered flows stored, none twice, and that the scan raised its alert.
     */
    private static void throughFault(Sensor s, Process replay, Fault fault) throws Exception {
        throughFault(s, replay, expected, fault);
    }

    private static void throughFault(Sensor s, Process replay, long metered, Fault fault) throws Exception {
        try {
            awaitStored(s, 1, replay);
            fault.inject(replay);
            assertReplayDone(replay, s);
            assertExactlyOnce(s, metered);
            awaitAlert(s.customer, SystemStack.userToken("msp-a-admin"));
        } finally {
            replay.destroyForcibly();
        }
    }

    private static Sensor enroll(String name) throws Exception {
        return enroll(name, "127.0.0.1:" + ingestPort);
    }

    /** Onboards a customer (internal network: the capture's LAN) and enrolls a sensor for it with a one-time token. */
    private static Sensor enroll(String name, String ingestAddress) throws Exception {
        String admin = SystemStack.userToken("msp-a-admin");
        String customer = SystemStack.jsonString(post("/api/v1/customers", admin, "{\"name\":\"faults-st-" + name + "-"
                + System.nanoTime() + "\",\"internalNetworks\":[\"10.77.0.0/24\"]}"), "id");
        String issued = post("/api/v1/customers/" + customer + "/sensors", admin, "{\"name\":\"" + name + "\"}");
        Path config = WORK.resolve(name);
        Path log = WORK.resolve(name + ".log");
        Process enroll = SystemStack.sensor(log, "enroll", "--config-dir", config.toString(), "--url", tenantsUrl,
                "--token", SystemStack.jsonString(issued, "enrollmentToken"), "--ingest", ingestAddress);
        assertTrue(enroll.waitFor(60, TimeUnit.SECONDS) && enroll.exitValue() == 0, "enroll; see " + log);
        return new Sensor(customer, SystemStack.jsonString(issued, "id"), config, log);
    }

    private static String post(String path, String token, String json) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(tenantsUrl + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(201, r.statusCode(), path + ": " + r.body());
        return r.body();
    }

    private static Process replay(Sensor s, String... options) throws IOException {
        return replay(s, List.of(options), scan, udp);
    }

    private static Process replay(Sensor s, List<String> options, Path... capture) throws IOException {
        List<String> args = new ArrayList<>(List.of("replay", "--config-dir", s.config.toString()));
        args.addAll(options);
        args.addAll(meterOptions(capture));
        return SystemStack.sensor(s.log, args.toArray(String[]::new));
    }

    private static void assertReplayDone(Process replay, Sensor s) throws InterruptedException {
        assertTrue(replay.waitFor(180, TimeUnit.SECONDS), "the replay ends once everything is acknowledged; see " + s.log);
        assertEquals(0, replay.exitValue(), "see " + s.log);
    }

    private static String where(Sensor s) {
        return "tenant_id = '" + s.customer + "' AND sensor_id = '" + s.id + "'";
    }

    private static long stored(Sensor s) throws Exception {
        return Long.parseLong(SystemStack.clickhouse("SELECT count() FROM " + DB + ".flows WHERE " + where(s)));
    }

    private static void awaitStored(Sensor s, long atLeast, Process replay) throws Exception {
        awaitStored(s, "1", atLeast, replay);
    }

    private static void awaitStored(Sensor s, String condition, long atLeast, Process replay) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (Long.parseLong(SystemStack.clickhouse("SELECT count() FROM " + DB + ".flows WHERE " + where(s)
                + " AND " + condition)) < atLeast) {
            assertTrue(replay.isAlive(), "the replay ended early; see " + s.log);
            assertTrue(System.nanoTime() < deadline, "fewer than " + atLeast + " flows (" + condition + ") in 60 s; see "
                    + s.log);
            TimeUnit.MILLISECONDS.sleep(200);
        }
    }

    private static void assertExactlyOnce(Sensor s, long flows) throws Exception {
        assertEquals(flows, stored(s), "every flow the sensor metered, stored; see " + s.log);
        assertEquals("0", SystemStack.clickhouse("SELECT count() - uniqExact(community_id, start_ms) FROM " + DB
                + ".flows WHERE " + where(s)), "no flow stored twice");
    }

    private static String alertsOf(String customer, String token) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + detectionPort
                        + "/api/v1/customers/" + customer + "/alerts")).header("Authorization", "Bearer " + token).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        return r.body();
    }

    private static void awaitAlert(String customer, String token) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String body = alertsOf(customer, token);
        while (!body.contains("\"source\":\"" + SCANNER + "\"")) {
            assertTrue(System.nanoTime() < deadline, "no alert on " + SCANNER + " for " + customer + " in 90 s: " + body
                    + "; see " + WORK.resolve("detection.log"));
            TimeUnit.MILLISECONDS.sleep(500);
            body = alertsOf(customer, token);
        }
    }

    /** Each alert's id and attempts. */
    private static Map<String, String> alerts(String body) {
        Map<String, String> attempts = new java.util.TreeMap<>();
        Matcher m = ALERT.matcher(body);
        while (m.find()) {
            attempts.put(m.group(1), m.group(2));
        }
        assertFalse(attempts.isEmpty(), body);
        return attempts;
    }

    private static Properties status(Sensor s) throws IOException {
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(s.config.resolve("status.properties"))) {
            p.load(r);
        }
        return p;
    }

    /** The flows in the spool's batch files above {@code mark} (file: sequence.batch; header: magic, flow count, ...). */
    private static long spooledFlowsAbove(Path spool, long mark) throws IOException {
        long flows = 0;
        try (var files = Files.list(spool)) {
            for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".batch")).toList()) {
                long seq = Long.parseLong(f.getFileName().toString().replace(".batch", ""));
                if (seq > mark) {
                    byte[] bytes = Files.readAllBytes(f);
                    flows += ByteBuffer.wrap(bytes, 4, 4).getInt();
                }
            }
        }
        return flows;
    }

    private static void ip(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("ip"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", command) + ": " + out);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Relays TCP from an address the sensor's namespace reaches to a server listening on the host's loopback only. */
    private static final class TcpRelay implements AutoCloseable {

        private final ServerSocket server;
        private final List<Socket> sockets = new CopyOnWriteArrayList<>();

        TcpRelay(String bind, String host, int port) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getByName(bind));
            daemon(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket in = server.accept();
                        Socket out = new Socket(host, port);
                        sockets.add(in);
                        sockets.add(out);
                        pump(in, out);
                        pump(out, in);
                    } catch (IOException closedOrRefused) {
                        // closed: the loop ends; refused: the sensor retries
                    }
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        private static void pump(Socket from, Socket to) {
            daemon(() -> {
                try {
                    from.getInputStream().transferTo(to.getOutputStream());
                    to.shutdownOutput();
                } catch (IOException gone) {
                    // either side closed
                }
            });
        }

        private static void daemon(Runnable r) {
            Thread t = new Thread(r, "faults-relay");
            t.setDaemon(true);
            t.start();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
