package io.vigil.sensor.it;

import io.vigil.proto.ingest.v1.ConnState;
import io.vigil.sensor.meter.MeterConfig;
import io.vigil.sensor.meter.MeteredFlow;
import io.vigil.sensor.output.IpText;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A capture the test makes itself: two network namespaces joined by a veth pair, a web server on one port, an nmap
 * SYN scan of three ports, a normal HTTP request, a UDP probe of a closed port and a connection attempt nobody
 * answers, recorded with tcpdump, replayed, and cross-checked against argus on the same file. Only addresses assigned
 * here (10.213.0.0/24 inside the namespaces) are ever touched.
 */
class NamespaceCaptureIT {

    private final String ns = "vgl" + ProcessHandle.current().pid();
    private final String scanner = ns + "a";
    private final String target = ns + "b";
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        for (Process p : started) {
            p.destroy();
        }
        for (String n : List.of(scanner, target)) {
            try {
                new ProcessBuilder("ip", "netns", "del", n).start().waitFor(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // best effort: the namespace may not exist if setup failed early
            }
        }
    }

    @Test
    void scanSessionAndUdpProbeGetTheirZeekStates(@TempDir Path tmp) throws Exception {
        assumeTrue(Tools.isRoot(), "needs root for network namespaces (run as root, as CI does)");
        Tools.requireLibpcap();
        Tools.require("nmap", "nmap");
        Tools.require("tcpdump", "tcpdump");
        Tools.require("ip", "iproute2");

        Tools.vethBetweenNamespaces(scanner, target, "10.213.0");
        Path pcap = tmp.resolve("ns.pcap");
        Path web = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(web.resolve("index.html"), "hello");
        started.add(new ProcessBuilder("ip", "netns", "exec", target, "python3", "-m", "http.server", "8080",
                "--bind", "10.213.0.2", "--directory", web.toString()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("http.log").toFile()).start());
        Process tcpdump = new ProcessBuilder("ip", "netns", "exec", target, "tcpdump", "-i", target + "0", "-U", "-n",
                "-w", pcap.toString(), "ip").redirectErrorStream(true).redirectOutput(tmp.resolve("tcpdump.log").toFile())
                .start();
        started.add(tcpdump);
        waitFor(() -> Files.exists(pcap) && Tools.has("true"), 10);
        Thread.sleep(1500);

        Tools.run(120, "ip", "netns", "exec", scanner, "nmap", "-n", "-Pn", "-sS", "-p", "8080,8081,8082", "10.213.0.2");
        Tools.run(30, "ip", "netns", "exec", scanner, "python3", "-c",
                "import urllib.request; print(urllib.request.urlopen('http://10.213.0.2:8080/', timeout=10).read())");
        Tools.run(30, "ip", "netns", "exec", scanner, "python3", "-c",
                "import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('10.213.0.1', 40123)); "
                        + "s.sendto(b'probe', ('10.213.0.2', 9999))");
        // A host that never answers: a neighbour entry for an address nobody holds, so the SYN and its retransmission
        // go out on the veth (tcpdump sees them, promiscuous) and nothing comes back.
        Tools.run(10, "ip", "-n", scanner, "neigh", "add", "10.213.0.9", "lladdr", "02:00:00:00:00:09", "dev",
                scanner + "0");
        Tools.run(30, "ip", "netns", "exec", scanner, "python3", "-c",
                "import socket\ntry: socket.create_connection(('10.213.0.9', 8083), timeout=2.5)\nexcept OSError: pass");
        Thread.sleep(1500);
        tcpdump.destroy();
        tcpdump.waitFor(10, TimeUnit.SECONDS);

        List<MeteredFlow> flows = Tools.replay(MeterConfig.defaults(), pcap);
        MeteredFlow open = flow(flows, 6, 8080, "S");
        assertEquals(ConnState.RSTO, open.connState(), "half-open probe of the open port: " + open);
        assertEquals(ConnState.REJ, flow(flows, 6, 8081, "S").connState());
        assertEquals(ConnState.REJ, flow(flows, 6, 8082, "S").connState());
        MeteredFlow session = flows.stream().filter(f -> f.protocol() == 6 && f.respPort() == 8080
                && f.history().contains("D") && f.history().contains("d")).findFirst().orElseThrow();
        assertEquals(ConnState.SF, session.connState(), session.toString());
        assertTrue(session.history().startsWith("ShAD"), session.history());
        MeteredFlow udp = flow(flows, 17, 9999, "D");
        assertEquals(ConnState.REJ, udp.connState());
        assertEquals(0x0303, udp.icmpReply(), "port unreachable");
        MeteredFlow unanswered = flow(flows, 6, 8083, "S");
        assertEquals(ConnState.S0, unanswered.connState(), unanswered.toString());
        assertEquals(0, unanswered.respPackets());
        assertTrue(unanswered.origPackets() >= 2, "the SYN and its retransmission: " + unanswered);
        assertTrue(flows.stream().allMatch(f -> IpText.of(f.origAddr()).startsWith("10.213.0.")));
        Tools.require("argus", "argus-server");
        Tools.require("ra", "argus-client");
        ArgusCheck.crossCheck(pcap, flows, tmp);
    }

    private static MeteredFlow flow(List<MeteredFlow> flows, int proto, int port, String historyStart) {
        return flows.stream().filter(f -> f.protocol() == proto && f.respPort() == port
                        && f.history().startsWith(historyStart) && !f.history().contains("D"))
                .findFirst()
                .or(() -> flows.stream().filter(f -> f.protocol() == proto && f.respPort() == port).findFirst())
                .orElseThrow(() -> new AssertionError("no flow to port " + port + " in " + flows));
    }

    private static void waitFor(java.util.function.BooleanSupplier condition, int seconds) throws InterruptedException {
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (!condition.getAsBoolean() && System.nanoTime() < end) {
            Thread.sleep(100);
        }
    }
}
