package io.vigil.sensor.it;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The installer run for real on this machine (as root), then the installed service started exactly as its unit says:
 * as the unit's user, with the unit's ambient and bounding capabilities and no new privileges (setpriv does what
 * systemd would: there is no systemd as PID 1 in a container), capturing on a veth inside a network namespace. Then
 * {@code --uninstall --purge} must leave nothing behind. Addresses: 10.215.0.0/24, assigned here, in namespaces made
 * here.
 */
class InstalledServiceIT {

    private static final String NAME = "vigil-sensor";
    private static final List<Path> INSTALLED = List.of(Path.of("/opt/" + NAME), Path.of("/etc/" + NAME),
            Path.of("/var/lib/" + NAME), Path.of("/etc/systemd/system/" + NAME + ".service"),
            Path.of("/usr/local/bin/" + NAME));

    private final String ns = "vgin" + ProcessHandle.current().pid();
    private final String client = ns + "a";
    private final String target = ns + "b";
    private final List<Process> started = new ArrayList<>();
    private boolean installed;

    @AfterEach
    void cleanUp() throws Exception {
        for (Process p : started) {
            p.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        if (installed) {
            new ProcessBuilder("bash", script().toString(), "--uninstall", "--purge").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(60, TimeUnit.SECONDS);
        }
        for (String n : List.of(client, target)) {
            new ProcessBuilder("ip", "netns", "del", n).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** The built sensor, when this machine may take a real installation (root, nothing installed yet); else skips. */
    private static Path packagedAppToInstall() {
        assumeTrue(Tools.isRoot(), "needs root: installs a system user and files under /opt, /etc and /var/lib");
        Path app = Tools.repoRoot().resolve("sensor/target/quarkus-app");
        assumeTrue(Files.exists(app.resolve("quarkus-run.jar")), "the sensor is not packaged yet: " + app);
        assumeFalse(INSTALLED.stream().anyMatch(p -> Files.exists(p, LinkOption.NOFOLLOW_LINKS))
                        || !getent("passwd", NAME).isEmpty(),
                "vigil-sensor is already installed on this machine; not touching a real installation");
        return app;
    }

    private static Path script() {
        return Tools.repoRoot().resolve("sensor/install/install.sh");
    }

    @Test
    void installedServiceCapturesAsItsUserWithOnlyTwoCapabilitiesAndUninstallLeavesNothing(@TempDir Path tmp)
            throws Exception {
        Path app = packagedAppToInstall();
        Tools.requireLibpcap();
        Tools.require("setpriv", "util-linux");
        Tools.require("ip", "iproute2");

        Tools.vethBetweenNamespaces(client, target, "10.215.0");

        // 1. Install for real.
        installed = true;
        String out = Tools.run(120, "bash", script().toString(), "--interface", target + "0", "--no-start", "--app",
                app.toString());
        boolean systemd = Files.isDirectory(Path.of("/run/systemd/system"));
        if (!systemd) {
            assertTrue(out.contains("systemd is not running here"), out);
        }
        String[] user = getent("passwd", NAME).split(":");
        assertEquals(7, user.length, Arrays.toString(user));
        int uid = Integer.parseInt(user[2]);
        assertTrue(uid > 0 && uid < 1000, "a system user, uid " + uid);
        assertEquals("/usr/sbin/nologin", user[6]);
        for (Path dir : List.of(Path.of("/etc/" + NAME), Path.of("/var/lib/" + NAME))) {
            PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class);
            assertEquals(NAME, a.owner().getName(), dir.toString());
            assertEquals("rwxr-x---", PosixFilePermissions.toString(a.permissions()), dir.toString());
        }
        assertEquals(Path.of("/opt/" + NAME + "/bin/" + NAME), Files.readSymbolicLink(Path.of("/usr/local/bin/" + NAME)));

        // 2. Start what the unit starts, the way systemd would start it.
        Map<String, String> unit = unit(Path.of("/etc/systemd/system/" + NAME + ".service"));
        assertEquals(NAME, unit.get("User"));
        assertEquals("yes", unit.get("NoNewPrivileges"));
        String caps = setprivCaps(unit.get("AmbientCapabilities"));
        assertEquals(caps, setprivCaps(unit.get("CapabilityBoundingSet")));
        Map<String, String> env = envFile(Path.of(unit.get("EnvironmentFile")));
        String execStart = unit.get("ExecStart");
        for (Map.Entry<String, String> e : env.entrySet()) {
            execStart = execStart.replace("${" + e.getKey() + "}", e.getValue());
        }
        assertTrue(execStart.contains("--interface " + target + "0"), execStart);
        List<String> service = new ArrayList<>(List.of(execStart.split(" ")));
        // The only additions to the unit's command: flows to stdout instead of ingest, and a time limit.
        service.addAll(List.of("--stdout", "--duration", "12s"));

        Path flows = tmp.resolve("flows.jsonl");
        Path log = tmp.resolve("sensor.log");
        Process sensor = asUnit(env, user[5], caps, service).redirectOutput(flows.toFile())
                .redirectError(log.toFile()).start();
        started.add(sensor);
        Tools.awaitLine(sensor, log, "capturing on", 40);
        Map<String, String> status = procStatus(javaProcess(sensor));
        assertEquals(List.of(uid, uid, uid, uid), ids(status.get("Uid")), "runs as " + NAME + " only");
        long netRawAndAdmin = (1L << 12) | (1L << 13);
        for (String set : List.of("CapEff", "CapPrm", "CapAmb", "CapBnd")) {
            assertEquals(netRawAndAdmin, Long.parseLong(status.get(set), 16), set + " holds exactly CAP_NET_RAW and CAP_NET_ADMIN");
        }
        assertEquals("1", status.get("NoNewPrivs"));

        Tools.run(30, "ip", "netns", "exec", client, "python3", "-c",
                "import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(('10.215.0.1', 40125)); "
                        + "s.sendto(b'probe', ('10.215.0.2', 9998))");
        Tools.run(30, "ip", "netns", "exec", client, "python3", "-c",
                "import socket\ntry: socket.create_connection(('10.215.0.2', 8443), timeout=5)\nexcept OSError: pass");
        assertTrue(sensor.waitFor(60, TimeUnit.SECONDS), "run --duration ends by itself");
        assertEquals(0, sensor.exitValue(), Files.readString(log));
        List<JsonObject> got = Files.readAllLines(flows).stream().map(l -> JsonParser.parseString(l).getAsJsonObject())
                .toList();
        JsonObject udp = find(got, 17, 9998);
        assertEquals("REJ", udp.get("conn_state").getAsString(), udp.toString());
        assertEquals(0x0303, udp.get("icmp_reply").getAsInt());
        assertEquals("REJ", find(got, 6, 8443).get("conn_state").getAsString());

        // ... and without those two capabilities the same service cannot capture at all.
        Path denied = tmp.resolve("denied.log");
        Process without = asUnit(env, user[5], "", service).redirectErrorStream(true).redirectOutput(denied.toFile()).start();
        started.add(without);
        assertTrue(without.waitFor(60, TimeUnit.SECONDS));
        assertNotEquals(0, without.exitValue(), Files.readString(denied));
        assertTrue(Files.readString(denied).toLowerCase(Locale.ROOT).contains("permission")
                || Files.readString(denied).contains("not permitted"), Files.readString(denied));

        // 3. Uninstall with --purge: files, user and group are gone.
        out = Tools.run(60, "bash", script().toString(), "--uninstall", "--purge");
        installed = false;
        for (Path p : INSTALLED) {
            assertFalse(Files.exists(p, LinkOption.NOFOLLOW_LINKS), p + " still exists after --uninstall --purge: " + out);
        }
        assertEquals("", getent("passwd", NAME));
        assertEquals("", getent("group", NAME));
    }

    @Test
    void installedCollectorReceivesAFirewallsRecordsAsItsUserWithNoCapability(@TempDir Path tmp) throws Exception {
        Path app = packagedAppToInstall();
        Tools.require("setpriv", "util-linux");
        Tools.require("softflowd", "softflowd");
        Tools.vethBetweenNamespaces(client, target, "10.215.1");

        installed = true;
        Tools.run(120, "bash", script().toString(), "--collect", "127.0.0.1:2955", "--exporter", "127.0.0.1",
                "--no-start", "--app", app.toString());
        String[] user = getent("passwd", NAME).split(":");
        int uid = Integer.parseInt(user[2]);
        Map<String, String> unit = unit(Path.of("/etc/systemd/system/" + NAME + ".service"));
        assertEquals("", unit.get("AmbientCapabilities"));
        assertEquals("", unit.get("CapabilityBoundingSet"));
        Map<String, String> env = envFile(Path.of(unit.get("EnvironmentFile")));
        String execStart = unit.get("ExecStart");
        for (Map.Entry<String, String> e : env.entrySet()) {
            execStart = execStart.replace("${" + e.getKey() + "}", e.getValue());
        }
        assertTrue(execStart.contains(" collect ") && execStart.endsWith("--listen 127.0.0.1:2955"), execStart);
        List<String> service = new ArrayList<>(List.of(execStart.split(" ")));
        service.addAll(List.of("--stdout", "--duration", "15s"));

        Path flows = tmp.resolve("flows.jsonl");
        Path log = tmp.resolve("collector.log");
        Process collector = asUnit(env, user[5], "", service).redirectOutput(flows.toFile()).redirectError(log.toFile())
                .start();
        started.add(collector);
        Tools.awaitLine(collector, log, "listening for NetFlow", 40);
        Map<String, String> status = procStatus(javaProcess(collector));
        assertEquals(List.of(uid, uid, uid, uid), ids(status.get("Uid")));
        for (String set : List.of("CapEff", "CapPrm", "CapAmb", "CapBnd")) {
            assertEquals(0, Long.parseLong(status.get(set), 16), set + " is empty: receiving UDP needs no privilege");
        }
        // softflowd plays the firewall, in the collector's namespace, exporting over its loopback.
        Tools.run(60, "ip", "netns", "exec", target, "softflowd", "-r",
                Tools.sharedPcaps().resolve("ncsa_port_scan.pcap").toString(), "-n", "127.0.0.1:2955", "-v", "9", "-d");
        assertTrue(collector.waitFor(60, TimeUnit.SECONDS), "collect --duration ends by itself");
        assertEquals(0, collector.exitValue(), Files.readString(log));
        List<JsonObject> got = Files.readAllLines(flows).stream().map(l -> JsonParser.parseString(l).getAsJsonObject())
                .toList();
        assertEquals(10, got.size(), Files.readString(log));
        for (JsonObject f : got) {
            assertEquals("S0", f.get("conn_state").getAsString(), f.toString());
            assertEquals("127.0.0.1", f.get("exporter_addr").getAsString());
        }
        Tools.run(60, "bash", script().toString(), "--uninstall", "--purge");
        installed = false;
    }

    /** The unit's command, run as systemd would: its user, its groups, its capability sets, no new privileges. */
    private ProcessBuilder asUnit(Map<String, String> env, String home, String caps, List<String> command) {
        String set = caps.isEmpty() ? "-all" : "-all," + caps;
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", target, "setpriv", "--reuid=" + NAME,
                "--regid=" + NAME, "--init-groups", "--inh-caps=" + set, "--ambient-caps=" + set,
                "--bounding-set=" + set, "--no-new-privs", "--"));
        c.addAll(command);
        ProcessBuilder pb = new ProcessBuilder(c);
        pb.environment().clear();
        pb.environment().put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        pb.environment().put("HOME", home);
        pb.environment().put("USER", NAME);
        pb.environment().put("LANG", "C.UTF-8");
        pb.environment().putAll(env);
        return pb;
    }

    /** "CAP_NET_RAW CAP_NET_ADMIN" as setpriv writes it: "+net_raw,+net_admin". */
    private static String setprivCaps(String unitValue) {
        return Arrays.stream(unitValue.trim().split("\\s+"))
                .map(c -> "+" + c.toLowerCase(Locale.ROOT).replaceFirst("^cap_", "")).collect(Collectors.joining(","));
    }

    private static Map<String, String> unit(Path file) throws Exception {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && eq > 0) {
                m.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return m;
    }

    private static Map<String, String> envFile(Path file) throws Exception {
        return unit(file);
    }

    private static String getent(String db, String key) {
        try {
            Process p = new ProcessBuilder("getent", db, key).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor(10, TimeUnit.SECONDS);
            return out;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The JVM of the service: ip, setpriv and the launcher exec into each other, but do not rely on it. */
    private static long javaProcess(Process p) throws Exception {
        List<ProcessHandle> all = new ArrayList<>();
        all.add(p.toHandle());
        p.toHandle().descendants().forEach(all::add);
        for (ProcessHandle h : all) {
            Path cmdline = Path.of("/proc/" + h.pid() + "/cmdline");
            if (Files.exists(cmdline) && Files.readString(cmdline).contains("quarkus-run.jar")) {
                return h.pid();
            }
        }
        throw new AssertionError("no JVM among " + all);
    }

    private static Map<String, String> procStatus(long pid) throws Exception {
        Map<String, String> m = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            int colon = line.indexOf(':');
            if (colon > 0) {
                m.put(line.substring(0, colon), line.substring(colon + 1).trim());
            }
        }
        return m;
    }

    private static List<Integer> ids(String line) {
        return Arrays.stream(line.split("\\s+")).map(Integer::parseInt).toList();
    }

    private static JsonObject find(List<JsonObject> flows, int proto, int port) {
        return flows.stream().filter(f -> f.get("protocol").getAsInt() == proto && f.get("resp_port").getAsInt() == port)
                .findFirst().orElseThrow(() -> new AssertionError("no flow to port " + port + " in " + flows));
    }
}
