package io.vigil.sensor.it;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
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
 * {@code vigil-sensor run} live on a veth inside a network namespace for a few seconds (the built jar, as a
 * process in that namespace), while another namespace scans and talks to it. Only 10.214.0.0/24 addresses that this
 * test assigns inside its own namespaces are touched; everything is removed afterwards.
 */
class LiveCaptureIT {

    private final String ns = "vgll" + ProcessHandle.current().pid();
    private final String client = ns + "a";
    private final String target = ns + "b";
    private final List<Process> started = new ArrayList<>();

    @AfterEach
    void cleanUp() {
        for (Process p : started) {
            p.destroyForcibly();
        }
        for (String n : List.of(client, target)) {
            try {
                new ProcessBuilder("ip", "netns", "del", n).start().waitFor(10, TimeUnit.SECONDS);
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    @Test
    void runCapturesAVethLiveAndMetersScanSessionAndProbe(@TempDir Path tmp) throws Exception {
        assumeTrue(Tools.isRoot(), "needs root for network namespaces and live capture (run as root, as CI does)");
        Path jar = Tools.repoRoot().resolve("sensor/target/quarkus-app/quarkus-run.jar");
        assumeTrue(Files.exists(jar), "the sensor is not packaged yet: " + jar);
        Tools.requireLibpcap();
        Tools.require("nmap", "nmap");
        Tools.require("ip", "iproute2");

        Tools.vethBetweenNamespaces(client, target, "10.214.0");
        Path web = Files.createDirectories(tmp.resolve("www"));
        Files.writeString(web.resolve("index.html"), "hello");
        started.add(new ProcessBuilder("ip", "netns", "exec", target, "python3", "-m", "http.server", "8080",
                "--bind", "10.214.0.2", "--directory", web.toString()).redirectErrorStream(true)
                .redirectOutput(tmp.resolve("http.log").toFile()).start());

        Path flows = tmp.resolve("flows.jsonl");
        Path log = tmp.resolve("sensor.log");
        Process sensor = new ProcessBuilder("ip", "netns", "exec", target, "java", "-Xmx256m", "-jar", jar.toString(),
                "run", "--config-dir", tmp.resolve("cfg").toString(), "--interface", target + "0", "--bpf", "ip",
                "--stdout", "--duration", "14s").redirectOutput(flows.toFile()).redirectError(log.toFile()).start();
        started.add(sensor);
        Tools.awaitLine(sensor, log, "capturing on", 30);
        Thread.sleep(500);
        Tools.run(120, "ip", "netns", "exec", client, "nmap", "-n", "-Pn", "-sS", "-p", "8081,8082", "10.214.0.2");
        Tools.run(30, "ip", "netns", "exec", client, "python3", "-c",
                "import urllib.request; print(urllib.request.urlopen('http://10.214.0.2:8080/', timeout=10).read())");
        Tools.run(30, "ip", "netns", "exec", client, "python3", "-c",
                "import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('10.214.0.1', 40124)); "
                        + "s.sendto(b'probe', ('10.214.0.2', 9999))");
        assertTrue(sensor.waitFor(60, TimeUnit.SECONDS), "run --duration ends by itself");
        assertEquals(0, sensor.exitValue(), Files.readString(log));

        List<JsonObject> got = new ArrayList<>();
        for (String line : Files.readAllLines(flows)) {
            got.add(JsonParser.parseString(line).getAsJsonObject());
        }
        assertEquals("REJ", find(got, 6, 8081).get("conn_state").getAsString());
        assertEquals("REJ", find(got, 6, 8082).get("conn_state").getAsString());
        JsonObject session = find(got, 6, 8080);
        assertEquals("SF", session.get("conn_state").getAsString(), session.toString());
        assertTrue(session.get("history").getAsString().startsWith("ShAD"), session.toString());
        JsonObject udp = find(got, 17, 9999);
        assertEquals("REJ", udp.get("conn_state").getAsString());
        assertEquals(0x0303, udp.get("icmp_reply").getAsInt());
        assertTrue(got.stream().allMatch(f -> f.get("orig_addr").getAsString().startsWith("10.214.0.")), got.toString());
        assertTrue(Files.readString(log).contains("dropped by the kernel"), Files.readString(log));
    }

    private static JsonObject find(List<JsonObject> flows, int proto, int port) {
        return flows.stream().filter(f -> f.get("protocol").getAsInt() == proto && f.get("resp_port").getAsInt() == port)
                .findFirst().orElseThrow(() -> new AssertionError("no flow to port " + port + " in " + flows));
    }
}
