package io.vigil.detection.nmap;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.vertx.mutiny.sqlclient.Pool;
import io.vigil.detection.support.TestCustomers;
import io.vigil.detection.model.Finding;
import io.vigil.detection.cycle.DetectionCycle;
import io.vigil.detection.family.reconnaissance.DecidedBy;
import io.vigil.detection.support.Replay;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static io.vigil.detection.support.Findings.decidedBy;
import static io.vigil.detection.support.Findings.scan;
import static io.vigil.lib.testing.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Scans the test makes itself: nmap in network namespaces on one bridge (10.78.0.0/24, only addresses assigned here),
 * one scanner namespace and source address per nmap mode, a server answering for 41 addresses, and a workstation doing
 * ordinary work (web downloads, DNS-like queries, SSH-like sessions) all the time. The bridge is captured with tcpdump,
 * metered by the real sensor and stored for a fresh tenant; one detection cycle must raise exactly the expected alert
 * per scanner, one distributed-scan alert for 8 sources that each probe 3 hosts on 23/tcp (none a scanner alone), and
 * nothing for the ordinary traffic. The slow scan (one probe per 15 s) is stored flow by flow with a
 * cycle after each, as a live sensor delivers it, so only the slow path can decide it.
 */
@QuarkusTest
class NmapScansIT {

    static final String NET = "10.78.0.";
    static final String SERVER = NET + "10";
    static final String WORKSTATION = NET + "21";
    /** The server's 40 extra addresses; 22/tcp answers on SERVER and on two of them. */
    static final int HOSTS_FROM = 100;
    static final int HOSTS_TO = 139;
    static final List<String> SSH_HOSTS = List.of(SERVER, NET + "100", NET + "117");
    static final String SLOW_PORTS = "21,23,25,110,143,445,3389,5900,8080,8443";

    /** Scanner address → the nmap arguments it runs (all with -n, against addresses of this LAN only). */
    static final Map<String, List<String>> SCANS = new TreeMap<>(Map.ofEntries(
            Map.entry(NET + "61", List.of("-sS", "-Pn", "-A", "-T4", "--script-timeout", "15s", SERVER)),
            Map.entry(NET + "62", List.of("-p", "22", "--open", "-sV", "-T4", NET + "0/24")),
            Map.entry(NET + "63", List.of("-sT", "-Pn", "-T4", "-p", "1-200", SERVER)),
            Map.entry(NET + "64", List.of("-sT", "-Pn", "-T4", "-p", "22", NET + HOSTS_FROM + "-" + HOSTS_TO)),
            Map.entry(NET + "65", List.of("-sU", "-Pn", "-T4", "-p", "1-40", SERVER)),
            Map.entry(NET + "66", List.of("-sn", "--send-ip", "-T4", NET + HOSTS_FROM + "-" + HOSTS_TO)),
            Map.entry(NET + "67", List.of("-sF", "-Pn", "-T4", "-p", "1-100", SERVER)),
            Map.entry(NET + "68", List.of("-sN", "-Pn", "-T4", "-p", "1-100", SERVER)),
            Map.entry(NET + "69", List.of("-sX", "-Pn", "-T4", "-p", "1-100", SERVER)),
            // Probes the sensor sees only once it reassembles IP fragments: the TCP header is split over 8-byte
            // (-f) or 16-byte (--mtu 16) fragments.
            Map.entry(NET + "80", List.of("-sS", "-Pn", "-T4", "-f", "-p", "1-300", SERVER)),
            Map.entry(NET + "81", List.of("-sS", "-Pn", "-T4", "--mtu", "16", "-p", "1-300", SERVER)),
            // A firewall-mapping ACK scan of one host: lone ACKs to many ports.
            Map.entry(NET + "82", List.of("-sA", "-Pn", "-T4", "-p", "1-500", SERVER)),
            // A host sweep by ACK pings only.
            Map.entry(NET + "83", List.of("-sn", "--send-ip", "-PA", "-T4", NET + HOSTS_FROM + "-" + HOSTS_TO))));
    static final String SLOW = NET + "70";
    /** A distributed scan: 8 sources, each SYN-probing 3 of the server's addresses on 23/tcp (closed), so none alone decides. */
    static final List<String> DISTRIBUTED = List.of(NET + "71", NET + "72", NET + "73", NET + "74", NET + "75", NET + "76",
            NET + "77", NET + "78");
    static final String DISTRIBUTED_KEY = "23/tcp " + NET + "0/24";

    static Lan lan;
    static Path work;
    static List<JsonNode> flows;
    static String skipReason;

    static String tenant;
    static List<Finding> findings;
    static String slowTenant;
    static List<Finding> slowFindings = new ArrayList<>();

    @Inject
    DetectionCycle cycle;

    @Inject
    Pool pool;

    @BeforeAll
    static void capture() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            skipReason = "needs root for network namespaces (run as root, as CI does)";
            return;
        }
        for (String tool : List.of("nmap", "tcpdump", "ip", "python3")) {
            if (!Lan.has(tool)) {
                skipReason = "needs '" + tool + "' (Debian: apt-get install nmap tcpdump iproute2 python3)";
                return;
            }
        }
        work = Files.createTempDirectory("nmap-it-");
        lan = new Lan();
        String srv = lan.attach("srv", SERVER);
        for (int h = HOSTS_FROM; h <= HOSTS_TO; h++) {
            lan.in(srv, "ip", "addr", "add", NET + h + "/24", "dev", "eth0");
        }
        // Linux answers at most about one ICMP error per second per peer by default; a UDP scan then mostly sees
        // silence. Both count as failed, but the scan runs faster without the limit.
        lan.in(srv, "sysctl", "-q", "-w", "net.ipv4.icmp_ratelimit=0");
        String ws = lan.attach("ws", WORKSTATION);
        Map<String, String> scanners = new TreeMap<>();
        int i = 1;
        for (String source : SCANS.keySet()) {
            scanners.put(source, lan.attach("a" + i++, source));
        }
        String slow = lan.attach("slow", SLOW);
        List<String> members = new ArrayList<>();
        for (int m = 0; m < DISTRIBUTED.size(); m++) {
            members.add(lan.attach("d" + m, DISTRIBUTED.get(m)));
        }

        Path www = Files.createDirectories(work.resolve("www"));
        Files.write(www.resolve("update.bin"), new java.util.Random(7).ints(200_000, 0, 256).collect(
                java.io.ByteArrayOutputStream::new, (o, b) -> o.write(b), (a, b) -> a.write(b.toByteArray(), 0, b.size())).toByteArray());
        Files.writeString(www.resolve("index.html"), "<html><body>intranet</body></html>\n");
        lan.start(srv, work.resolve("http.log"), "python3", "-m", "http.server", "80", "--bind", SERVER, "--directory", www.toString());
        Path services = work.resolve("services.py");
        Files.writeString(services, SERVICES);
        List<String> servicesCommand = new ArrayList<>(List.of("python3", services.toString()));
        servicesCommand.addAll(SSH_HOSTS);
        Path servicesLog = work.resolve("services.log");
        lan.start(srv, servicesLog, servicesCommand.toArray(String[]::new));
        Path pcap = work.resolve("nmap.pcap");
        Process tcpdump = lan.start(lan.bridgeNamespace(), work.resolve("tcpdump.log"), "tcpdump", "-i", "br0", "-U", "-n",
                "-s", "256", "-w", pcap.toString(), "ip");
        waitUntil(() -> Files.exists(pcap) && Files.readString(servicesLog).contains("listening"), 15);
        Thread.sleep(1000);

        Path ordinaryScript = work.resolve("ordinary.py");
        Files.writeString(ordinaryScript, ORDINARY);
        Path stop = work.resolve("stop");
        Process ordinary = lan.start(ws, work.resolve("ordinary.log"), "python3", ordinaryScript.toString(), SERVER, stop.toString());
        List<String> slowScan = new ArrayList<>(List.of("nmap", "-n", "-sS", "-Pn", "--scan-delay", "15s", "--max-retries", "0",
                "-p", SLOW_PORTS, SERVER));
        Process slowNmap = lan.start(slow, work.resolve("nmap-slow.log"), slowScan.toArray(String[]::new));
        for (Map.Entry<String, List<String>> scan : SCANS.entrySet()) {
            List<String> command = new ArrayList<>(List.of("nmap", "-n"));
            command.addAll(scan.getValue());
            long t0 = System.nanoTime();
            String out = lan.in(scanners.get(scan.getKey()), command.toArray(String[]::new));
            System.out.printf("NMAP %s %s: %.1f s, %s%n", scan.getKey(), String.join(" ", command), (System.nanoTime() - t0) / 1e9,
                    out.lines().filter(l -> l.contains("open") || l.contains("Nmap done")).collect(Collectors.joining(" | ")));
        }
        for (int m = 0; m < members.size(); m++) {
            int from = HOSTS_FROM + 3 * m;
            String out = lan.in(members.get(m), "nmap", "-n", "-sS", "-Pn", "--max-retries", "0", "-p", "23", NET + from + "-" + (from + 2));
            System.out.println("NMAP " + DISTRIBUTED.get(m) + " 23/tcp of " + NET + from + "-" + (from + 2) + ": "
                    + out.lines().filter(l -> l.contains("Nmap done")).collect(Collectors.joining()));
        }
        assertTrue(slowNmap.waitFor(200, TimeUnit.SECONDS), "the slow scan ends within 200 s");
        System.out.println("NMAP " + SLOW + " slow: " + Files.readString(work.resolve("nmap-slow.log")).lines()
                .filter(l -> l.contains("Nmap done")).collect(Collectors.joining()));
        Files.writeString(stop, "");
        ordinary.waitFor(20, TimeUnit.SECONDS);
        Thread.sleep(1000);
        tcpdump.destroy();
        tcpdump.waitFor(10, TimeUnit.SECONDS);
        flows = Replay.meter(pcap.toString());
        printFlows(flows);
    }

    @AfterAll
    static void cleanUp() {
        if (lan != null) {
            lan.close();
        }
    }

    private void needCapture() {
        assumeTrue(skipReason == null, skipReason);
        assertTrue(flows != null && !flows.isEmpty(), "the capture holds flows");
    }

    private String newTenant() {
        return TestCustomers.create(pool, NET + "0/24");
    }

    /** Every flow but the slow scanner's, stored at once and judged by one cycle. */
    private synchronized void judged() throws Exception {
        needCapture();
        if (findings != null) {
            return;
        }
        tenant = newTenant();
        List<JsonNode> fast = flows.stream().filter(f -> !f.get("orig_addr").asText().equals(SLOW)).toList();
        long first = fast.stream().mapToLong(f -> f.get("start_time_ms").asLong()).min().orElseThrow();
        long last = fast.stream().mapToLong(f -> f.get("end_time_ms").asLong()).max().orElseThrow();
        Instant received = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Replay.store(tenant, fast, received, received.minusMillis(last - first).minusSeconds(30));
        findings = cycle.runTenant(tenant, received.plusSeconds(1)).findings();
        findings.forEach(f -> System.out.printf("FINDING %s %s by %s: %d targets, %d services, %d attempts, %d failed, trw %d%n",
                f.source(), f.type(), decidedBy(f), f.targets().size(), f.services().size(), scan(f).attempts(), scan(f).failed(),
                scan(f).trwFailures()));
    }

    /** The slow scanner's flows, each stored at its own (shifted) time with a cycle after it. */
    private synchronized void judgedSlowly() throws Exception {
        needCapture();
        if (slowTenant != null) {
            return;
        }
        slowTenant = newTenant();
        List<JsonNode> probes = flows.stream().filter(f -> f.get("orig_addr").asText().equals(SLOW))
                .sorted(Comparator.comparingLong(f -> f.get("start_time_ms").asLong())).toList();
        long last = probes.get(probes.size() - 1).get("end_time_ms").asLong();
        long shift = Instant.now().minusSeconds(60).toEpochMilli() - last;
        for (JsonNode f : probes) {
            Instant received = Instant.ofEpochMilli(f.get("end_time_ms").asLong() + shift).truncatedTo(ChronoUnit.SECONDS).plusSeconds(1);
            Replay.storeShifted(slowTenant, List.of(f), received, shift);
            slowFindings.addAll(cycle.runTenant(slowTenant, received.plusSeconds(1)).findings());
        }
        slowFindings.forEach(f -> System.out.printf("SLOW FINDING %s %s by %s: %d targets, %d services, span %d ms%n",
                f.source(), f.type(), decidedBy(f), f.targets().size(), f.services().size(), f.lastMs() - f.firstMs()));
    }

    private static List<Map<String, Object>> alerts(String tenant, String source) {
        return as("msp-a-admin").get("/api/v1/customers/" + tenant + "/alerts?source=" + source)
                .then().statusCode(200).extract().jsonPath().getList("items");
    }

    /** The source's only alert, of {@code type}; its detail. */
    private static JsonPath onlyAlert(String tenant, String source, String type) {
        List<Map<String, Object>> items = alerts(tenant, source);
        assertEquals(1, items.size(), source + " " + SCANS.get(source) + " alerts: " + items);
        assertEquals(type, items.get(0).get("type"), source + " " + SCANS.get(source) + ": " + items.get(0));
        return as("msp-a-admin").get("/api/v1/customers/" + tenant + "/alerts/" + items.get(0).get("id"))
                .then().statusCode(200).extract().jsonPath();
    }

    private static Finding finding(String source) {
        List<Finding> of = findings.stream().filter(f -> f.source().equals(source)).toList();
        assertEquals(1, of.size(), source + " findings: " + of);
        return of.get(0);
    }

    @Test
    void synScanWithVersionsScriptsAndOsDetectionOfOneHostIsVertical() throws Exception {
        judged();
        String source = NET + "61";
        JsonPath a = onlyAlert(tenant, source, "VERTICAL");
        assertEquals(List.of(SERVER), a.getList("targets"));
        assertTrue(a.getInt("portCount") >= 990, "nmap's 1000 default ports, less the open ones: " + a.getInt("portCount"));
        assertEquals("LATERAL", a.getString("direction"));
        assertEquals(DecidedBy.TRW, decidedBy(finding(source)));
        // nmap tries the open 22 and 80 among the first ports: each answer before the 4th failure costs one more.
        assertTrue(a.getInt("trwFailures") <= 6, "decided within 6 failed probes: " + a.getInt("trwFailures"));
    }

    @Test
    void openSshSweepOfTheSlash24WithVersionsIsHorizontalOn22() throws Exception {
        judged();
        String source = NET + "62";
        JsonPath a = onlyAlert(tenant, source, "HORIZONTAL");
        assertEquals(List.of("22/tcp"), a.getList("ports"));
        // Every live address of the LAN but the scanner itself: the server's 41, the workstation, the other scanners.
        int live = 1 + (HOSTS_TO - HOSTS_FROM + 1) + 1 + SCANS.size() + 1 + DISTRIBUTED.size() - 1;
        assertEquals(live - 3, a.getInt("targetCount"), "the 3 SSH hosts answered and were then talked to (-sV)");
        assertEquals(DecidedBy.TRW, decidedBy(finding(source)));
    }

    @Test
    void connectScanOfOneHostIsVertical() throws Exception {
        judged();
        String source = NET + "63";
        JsonPath a = onlyAlert(tenant, source, "VERTICAL");
        assertEquals(List.of(SERVER), a.getList("targets"));
        assertEquals(198, a.getInt("failed"), "1-200 less the open 22 and 80");
        // 80 is an answered probe; 22 too, unless its banner arrived before nmap's RST (then a session, not a probe).
        assertTrue(a.getInt("portCount") >= 199, "ports: " + a.getInt("portCount"));
        assertEquals(DecidedBy.TRW, decidedBy(finding(source)));
    }

    @Test
    void connectScanOfOnePortAcrossHostsIsHorizontal() throws Exception {
        judged();
        String source = NET + "64";
        JsonPath a = onlyAlert(tenant, source, "HORIZONTAL");
        assertEquals(List.of("22/tcp"), a.getList("ports"));
        assertEquals(HOSTS_TO - HOSTS_FROM + 1 - 2, a.getInt("failed"), "22 is open on 2 of the 40 addresses");
        // The 2 open ones are answered probes, or sessions when their banner arrived before nmap's RST.
        assertTrue(a.getInt("targetCount") >= 38, "targets: " + a.getInt("targetCount"));
        assertEquals(DecidedBy.TRW, decidedBy(finding(source)));
    }

    @Test
    void udpScanIsUdp() throws Exception {
        judged();
        String source = NET + "65";
        JsonPath a = onlyAlert(tenant, source, "UDP");
        assertEquals(List.of(SERVER), a.getList("targets"));
        assertTrue(a.getInt("portCount") >= 39, "1-40/udp, all closed but the DNS-like 53 (out of range): " + a.getInt("portCount"));
        assertEquals(DecidedBy.TRW, decidedBy(finding(source)));
    }

    @Test
    void pingSweepWithSendIpIsAHostSweep() throws Exception {
        judged();
        String source = NET + "66";
        // Its SYN pings to 443 also make a HORIZONTAL alert (10 hosts): see the README, known limits.
        List<Map<String, Object>> sweeps = as("msp-a-admin").get("/api/v1/customers/" + tenant + "/alerts?type=HOST_SWEEP&source=" + source)
                .then().statusCode(200).extract().jsonPath().getList("items");
        assertEquals(1, sweeps.size(), "alerts: " + alerts(tenant, source));
        assertEquals(HOSTS_TO - HOSTS_FROM + 1, sweeps.get(0).get("targetCount"));
        // Every address answers the echo (a success for the sequential test), so the distinct-host count decides,
        // unless the failed ACK pings happened to come first.
        assertTrue(findings.stream().anyMatch(f -> f.source().equals(source) && f.type().name().equals("HOST_SWEEP")
                && List.of(DecidedBy.TRW, DecidedBy.SWEEP_COUNT).contains(decidedBy(f))), "findings: " + findings);
    }

    @Test
    void synScansCutIntoIpFragmentsAreVertical() throws Exception {
        judged();
        for (String source : List.of(NET + "80", NET + "81")) {
            JsonPath a = onlyAlert(tenant, source, "VERTICAL");
            assertEquals(List.of(SERVER), a.getList("targets"), source);
            assertTrue(a.getInt("portCount") >= 298, source + " " + SCANS.get(source) + ": 1-300 less the open 22 and 80: "
                    + a.getInt("portCount"));
            assertEquals(List.of("SYN"), a.getList("evidence.probes"), source);
        }
    }

    @Test
    void ackScanOfOneHostIsVerticalNamedForItsAckProbes() throws Exception {
        judged();
        String source = NET + "82";
        JsonPath a = onlyAlert(tenant, source, "VERTICAL");
        assertEquals(List.of(SERVER), a.getList("targets"));
        assertEquals(500, a.getInt("portCount"));
        assertEquals(List.of("ACK_PING"), a.getList("evidence.probes"));
        assertTrue(a.getString("summary").contains(" with ACK probes "), a.getString("summary"));
    }

    @Test
    void ackPingSweepWithSendIpIsAHostSweep() throws Exception {
        judged();
        String source = NET + "83";
        JsonPath a = onlyAlert(tenant, source, "HOST_SWEEP");
        assertEquals(HOSTS_TO - HOSTS_FROM + 1, a.getInt("targetCount"));
        assertEquals(List.of("ACK_PING"), a.getList("evidence.probes"));
    }

    @Test
    void finNullAndXmasScansAreStealth() throws Exception {
        judged();
        for (String source : List.of(NET + "67", NET + "68", NET + "69")) {
            JsonPath a = onlyAlert(tenant, source, "STEALTH");
            assertEquals(List.of(SERVER), a.getList("targets"));
            assertEquals(100, a.getInt("portCount"), source);
            assertEquals(DecidedBy.TRW, decidedBy(finding(source)), source);
        }
    }

    @Test
    void ordinaryWebDnsAndSshTrafficRaisesNothing() throws Exception {
        judged();
        long ordinary = flows.stream().filter(f -> f.get("orig_addr").asText().equals(WORKSTATION)).count();
        assertTrue(ordinary >= 20, "the workstation worked during the capture: " + ordinary + " flows");
        assertTrue(findings.stream().noneMatch(f -> f.source().equals(WORKSTATION)), "findings: " + findings);
        assertEquals(List.of(), alerts(tenant, WORKSTATION));
        List<Map<String, Object>> all = as("msp-a-admin").get("/api/v1/customers/" + tenant + "/alerts?limit=100")
                .then().statusCode(200).extract().jsonPath().getList("items");
        assertTrue(all.stream().allMatch(a -> SCANS.containsKey((String) a.get("source")) || DISTRIBUTED_KEY.equals(a.get("source"))),
                "only scanners alert: " + all);
    }

    @Test
    void eightQuietSourcesSplittingOnePortAcrossTheLanAreOneDistributedScan() throws Exception {
        judged();
        for (String member : DISTRIBUTED) {
            assertTrue(findings.stream().noneMatch(f -> f.source().equals(member)), member + " alone is no scanner: " + findings);
            assertEquals(List.of(), alerts(tenant, member));
        }
        List<Map<String, Object>> items = as("msp-a-admin").queryParam("source", DISTRIBUTED_KEY)
                .get("/api/v1/customers/" + tenant + "/alerts").then().statusCode(200).extract().jsonPath().getList("items");
        assertEquals(1, items.size(), "alerts: " + items);
        assertEquals("DISTRIBUTED", items.get(0).get("type"));
        assertEquals(DISTRIBUTED.size(), items.get(0).get("sourceCount"));
        String id = (String) items.get(0).get("id");
        JsonPath a = as("msp-a-admin").get("/api/v1/customers/" + tenant + "/alerts/" + id).then().statusCode(200).extract().jsonPath();
        assertEquals(DISTRIBUTED, a.getList("sources"));
        assertEquals(List.of("23/tcp"), a.getList("ports"));
        assertEquals(3 * DISTRIBUTED.size(), a.getInt("targetCount"));
        assertEquals(3 * DISTRIBUTED.size(), a.getInt("failed"));
        assertEquals("LATERAL", a.getString("direction"));
        assertTrue(a.getString("summary").startsWith("8 sources probed 24 hosts of " + NET + "0/24 on 23/tcp in "), a.getString("summary"));
        assertEquals("NONE", a.getString("baseline.state"));
        List<Map<String, Object>> drill = as("msp-a-admin").get("/api/v1/customers/" + tenant + "/alerts/" + id + "/flows?limit=100")
                .then().statusCode(200).extract().jsonPath().getList("items");
        assertEquals(3 * DISTRIBUTED.size(), drill.size(), "the members' probes, nothing else: " + drill);
        assertEquals(new java.util.TreeSet<>(DISTRIBUTED), drill.stream().map(f -> (String) f.get("source"))
                .collect(Collectors.toCollection(java.util.TreeSet::new)));
        assertTrue(drill.stream().allMatch(f -> Integer.valueOf(23).equals(f.get("port"))), "23/tcp only: " + drill);
        JsonPath summary = as("msp-a-analyst").get("/api/v1/customers/" + tenant + "/summary").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(1, summary.getInt("openByType.DISTRIBUTED"), "the summary counts it");
        assertEquals(summary.getInt("openAlerts"), summary.getInt("openByFamily.RECONNAISSANCE"), "every alert is reconnaissance");
    }

    @Test
    void scanWithOneProbeEvery15SecondsIsCaughtByTheSlowPath() throws Exception {
        judgedSlowly();
        assertTrue(!slowFindings.isEmpty(), "the slow scan was found");
        assertTrue(slowFindings.stream().allMatch(f -> decidedBy(f) == DecidedBy.SLOW), "one probe per cycle: " + slowFindings);
        JsonPath a = onlyAlert(slowTenant, SLOW, "VERTICAL");
        assertEquals(List.of(SERVER), a.getList("targets"));
        assertEquals(10, a.getInt("portCount"));
        assertEquals(true, a.getBoolean("slow"));
    }

    /** Per source: flow counts by protocol, conn_state and history, the evidence to read when an assertion fails. */
    static void printFlows(List<JsonNode> flows) {
        Map<String, Map<String, Long>> bySource = flows.stream().collect(Collectors.groupingBy(f -> f.get("orig_addr").asText(),
                TreeMap::new, Collectors.groupingBy(f -> f.get("protocol").asInt() + " " + f.get("conn_state").asText() + " "
                        + f.get("history").asText() + (f.get("icmp_type").asInt() > 0 ? " icmp" + f.get("icmp_type").asInt() : ""),
                        TreeMap::new, Collectors.counting())));
        bySource.forEach((source, shapes) -> System.out.println("FLOWS " + source + " " + shapes));
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    private static void waitUntil(Check check, int seconds) throws Exception {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            if (check.ok()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("not ready within " + seconds + " s");
    }

    /** The server's SSH-like (banner, then echo) and DNS-like (one A record) services, as in scripts/make-capture. */
    static final String SERVICES = """
            import socket, socketserver, sys, threading
            class Ssh(socketserver.BaseRequestHandler):
                def handle(self):
                    self.request.settimeout(2)
                    self.request.sendall(b"SSH-2.0-OpenSSH_9.2p1\\r\\n")
                    try:
                        while data := self.request.recv(4096):
                            self.request.sendall(data)
                    except OSError:
                        pass
            class Dns(socketserver.BaseRequestHandler):
                def handle(self):
                    data, sock = self.request
                    sock.sendto(data[:12] + b"\\x00\\x01\\x00\\x00" + data[16:] + b"\\xc0\\x0c\\x00\\x01\\x00\\x01\\x00\\x00\\x00\\x3c\\x00\\x04\\x0a\\x4e\\x00\\x0a", self.client_address)
            socketserver.ThreadingTCPServer.allow_reuse_address = True
            servers = [socketserver.ThreadingTCPServer((a, 22), Ssh) for a in sys.argv[1:]]
            servers.append(socketserver.ThreadingUDPServer((sys.argv[1], 53), Dns))
            for s in servers:
                threading.Thread(target=s.serve_forever, daemon=True).start()
            print("listening", flush=True)
            threading.Event().wait()
            """;

    /** The workstation's everyday traffic until the stop file appears. */
    static final String ORDINARY = """
            import os, random, socket, sys, time, urllib.request
            server, stop = sys.argv[1], sys.argv[2]
            while not os.path.exists(stop):
                urllib.request.urlopen(f"http://{server}/" + random.choice(["", "update.bin"]), timeout=5).read()
                q = random.randbytes(2) + b"\\x01\\x00\\x00\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x03www\\x07example\\x03lan\\x00\\x00\\x01\\x00\\x01"
                u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.settimeout(2); u.sendto(q, (server, 53)); u.recv(512); u.close()
                if random.random() < 0.3:
                    s = socket.create_connection((server, 22), timeout=5); s.recv(64)
                    for _ in range(5): s.sendall(random.randbytes(48)); s.recv(4096)
                    s.close()
                time.sleep(random.uniform(0.2, 1.0))
            print("done", flush=True)
            """;
}
