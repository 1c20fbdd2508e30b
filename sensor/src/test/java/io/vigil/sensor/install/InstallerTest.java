package io.vigil.sensor.install;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs install/install.sh with --root into a temporary directory and checks what it writes and removes. */
class InstallerTest {

    private static final Path SCRIPT = Path.of("install/install.sh").toAbsolutePath();

    @TempDir
    Path tmp;

    private record Run(int status, String output) {
    }

    private static Run run(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("bash", SCRIPT.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out);
    }

    private Path fakeApp() throws IOException {
        Path app = Files.createDirectories(tmp.resolve("app"));
        Files.writeString(app.resolve("quarkus-run.jar"), "not really a jar");
        Files.createDirectories(app.resolve("lib/main"));
        return app;
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void writesAHardenedUnitRunningAsItsOwnUserWithOnlyCaptureCapabilities() throws Exception {
        Path root = tmp.resolve("root");
        Run r = run("--root", root.toString(), "--app", fakeApp().toString(), "--interface", "span0");
        assertEquals(0, r.status(), r.output());

        String unit = Files.readString(root.resolve("etc/systemd/system/vigil-sensor.service"));
        for (String line : List.of("User=vigil-sensor", "Group=vigil-sensor",
                "AmbientCapabilities=CAP_NET_RAW CAP_NET_ADMIN", "CapabilityBoundingSet=CAP_NET_RAW CAP_NET_ADMIN",
                "NoNewPrivileges=yes", "ProtectSystem=strict", "ReadWritePaths=/var/lib/vigil-sensor",
                "StateDirectory=vigil-sensor", "ProtectHome=yes", "PrivateTmp=yes", "StandardOutput=journal",
                "EnvironmentFile=/etc/vigil-sensor/vigil-sensor.env",
                "ExecStart=/opt/vigil-sensor/bin/vigil-sensor run --config-dir /etc/vigil-sensor --interface "
                        + "${VIGIL_SENSOR_INTERFACE}",
                "Restart=always", "WantedBy=multi-user.target")) {
            assertTrue(unit.lines().anyMatch(line::equals), "unit lacks '" + line + "':\n" + unit);
        }
        assertFalse(unit.contains("CAP_SYS_ADMIN"));
        assertEquals("rw-r--r--", mode(root.resolve("etc/systemd/system/vigil-sensor.service")));

        assertEquals("rwxr-x---", mode(root.resolve("etc/vigil-sensor")), "config holds the credentials");
        assertEquals("rwxr-x---", mode(root.resolve("var/lib/vigil-sensor")));
        assertEquals("rw-r-----", mode(root.resolve("etc/vigil-sensor/sensor.properties")));
        String props = Files.readString(root.resolve("etc/vigil-sensor/sensor.properties"));
        assertTrue(props.contains("data-dir=/var/lib/vigil-sensor"), props);
        assertTrue(Files.readString(root.resolve("etc/vigil-sensor/vigil-sensor.env"))
                .contains("VIGIL_SENSOR_INTERFACE=span0"));
        assertTrue(Files.exists(root.resolve("opt/vigil-sensor/app/quarkus-run.jar")));
        assertEquals("rwxr-xr-x", mode(root.resolve("opt/vigil-sensor/bin/vigil-sensor")));
        assertEquals(Path.of("/opt/vigil-sensor/bin/vigil-sensor"),
                Files.readSymbolicLink(root.resolve("usr/local/bin/vigil-sensor")));

        Files.writeString(root.resolve("etc/vigil-sensor/sensor.properties"), "data-dir=/srv/spool\n");
        assertEquals(0, run("--root", root.toString(), "--app", fakeApp().toString()).status());
        assertEquals("data-dir=/srv/spool\n", Files.readString(root.resolve("etc/vigil-sensor/sensor.properties")),
                "a re-install (upgrade) keeps the operator's settings");
        assertTrue(Files.readString(root.resolve("etc/vigil-sensor/vigil-sensor.env")).contains("=span0"),
                "and the interface");
    }

    @Test
    void collectorModeRunsCollectWithNoCapabilityAndKeepsItsSettingsOnReinstall() throws Exception {
        Path root = tmp.resolve("root");
        Run r = run("--root", root.toString(), "--app", fakeApp().toString(), "--collect", "0.0.0.0:2055,[::]:4739",
                "--exporter", "192.168.1.1,192.168.1.2");
        assertEquals(0, r.status(), r.output());
        Path unitFile = root.resolve("etc/systemd/system/vigil-sensor.service");
        String unit = Files.readString(unitFile);
        for (String line : List.of("User=vigil-sensor", "AmbientCapabilities=", "CapabilityBoundingSet=",
                "NoNewPrivileges=yes", "ProtectSystem=strict", "RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK",
                "ExecStart=/opt/vigil-sensor/bin/vigil-sensor collect --config-dir /etc/vigil-sensor --listen "
                        + "${VIGIL_SENSOR_LISTEN}")) {
            assertTrue(unit.lines().anyMatch(line::equals), "unit lacks '" + line + "':\n" + unit);
        }
        assertFalse(unit.contains("CAP_NET_RAW") || unit.contains("AF_PACKET"), "collecting captures nothing:\n" + unit);
        Path env = root.resolve("etc/vigil-sensor/vigil-sensor.env");
        assertTrue(Files.readString(env).contains("VIGIL_SENSOR_LISTEN=0.0.0.0:2055,[::]:4739\n"));
        // The sensor reads VIGIL_SENSOR_COLLECTOR_EXPORTERS as collector.exporters (SensorSettings).
        assertTrue(Files.readString(env).contains("VIGIL_SENSOR_COLLECTOR_EXPORTERS=192.168.1.1,192.168.1.2\n"));
        assertEquals("rw-r-----", mode(env));

        assertEquals(0, run("--root", root.toString(), "--app", fakeApp().toString()).status());
        assertTrue(Files.readString(unitFile).contains(" collect "), "a re-install keeps the collector mode");
        assertTrue(Files.readString(env).contains("VIGIL_SENSOR_COLLECTOR_EXPORTERS=192.168.1.1,192.168.1.2\n"));

        assertEquals(0, run("--root", root.toString(), "--app", fakeApp().toString(), "--collect", "514").status());
        assertTrue(Files.readString(unitFile).lines().anyMatch("AmbientCapabilities=CAP_NET_BIND_SERVICE"::equals),
                "a port below 1024 needs the one capability to bind it");

        assertEquals(2, run("--root", root.toString(), "--app", fakeApp().toString(), "--collect", "x:y").status());
        assertEquals(2, run("--root", root.toString(), "--app", fakeApp().toString(), "--collect", "2055",
                "--interface", "eth1").status());
        assertEquals(0, run("--root", root.toString(), "--app", fakeApp().toString(), "--interface", "span0").status());
        assertTrue(Files.readString(unitFile).contains(" run --config-dir"), "back to capture mode");
        assertTrue(Files.readString(unitFile).contains("CapabilityBoundingSet=CAP_NET_RAW CAP_NET_ADMIN"));
    }

    @Test
    void uninstallKeepsConfigAndSpoolUnlessPurged() throws Exception {
        Path root = tmp.resolve("root");
        assertEquals(0, run("--root", root.toString(), "--app", fakeApp().toString()).status());
        Files.writeString(root.resolve("var/lib/vigil-sensor/spooled"), "x");

        Run u = run("--root", root.toString(), "--uninstall");
        assertEquals(0, u.status(), u.output());
        assertFalse(Files.exists(root.resolve("etc/systemd/system/vigil-sensor.service")));
        assertFalse(Files.exists(root.resolve("opt/vigil-sensor")));
        assertFalse(Files.exists(root.resolve("usr/local/bin/vigil-sensor"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
        assertTrue(Files.exists(root.resolve("etc/vigil-sensor/sensor.properties")));
        assertTrue(Files.exists(root.resolve("var/lib/vigil-sensor/spooled")));

        assertEquals(0, run("--root", root.toString(), "--uninstall", "--purge").status());
        assertFalse(Files.exists(root.resolve("etc/vigil-sensor")));
        assertFalse(Files.exists(root.resolve("var/lib/vigil-sensor")));
    }

    @Test
    void helpAndBadUsage() throws Exception {
        Run help = run("--help");
        assertEquals(0, help.status());
        assertTrue(help.output().contains("--root DIR") && help.output().contains("--uninstall"), help.output());
        assertEquals(2, run("--bogus").status());
        Run badIf = run("--root", tmp.resolve("r").toString(), "--app", fakeApp().toString(), "--interface", "eth0;rm");
        assertEquals(2, badIf.status(), badIf.output());
        Run noApp = run("--root", tmp.resolve("r2").toString(), "--app", tmp.resolve("missing").toString());
        assertEquals(1, noApp.status());
        assertTrue(noApp.output().contains("quarkus-run.jar is missing"), noApp.output());
    }

    @Test
    void systemdAcceptsEveryDirectiveOfTheUnit() throws Exception {
        boolean has = new ProcessBuilder("sh", "-c", "command -v systemd-analyze").start().waitFor() == 0;
        org.junit.jupiter.api.Assumptions.assumeTrue(has, "systemd-analyze not installed");
        for (String[] mode : List.of(new String[] {"--interface", "eth1"}, new String[] {"--collect", "0.0.0.0:2055"})) {
            Path root = tmp.resolve("root" + mode[0]);
            assertEquals(0, run("--root", root.toString(), "--app", fakeApp().toString(), mode[0], mode[1]).status());
            // The launcher is not at /opt here; point ExecStart at a binary that exists so only the directives count.
            Path unit = tmp.resolve("vigil-sensor.service");
            Files.writeString(unit, Files.readString(root.resolve("etc/systemd/system/vigil-sensor.service"))
                    .replace("/opt/vigil-sensor/bin/vigil-sensor", "/bin/true"));
            Process p = new ProcessBuilder("systemd-analyze", "verify", unit.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertFalse(out.contains("Unknown") || out.contains("Invalid") || out.contains("Failed to parse"), out);
        }
    }

    @Test
    void passesShellcheck() throws Exception {
        boolean has = new ProcessBuilder("sh", "-c", "command -v shellcheck").start().waitFor() == 0;
        org.junit.jupiter.api.Assumptions.assumeTrue(has, "shellcheck not installed (Debian: apt-get install shellcheck)");
        Process p = new ProcessBuilder("shellcheck", "-x", SCRIPT.toString(), SCRIPT.resolveSibling("common.sh").toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
    }
}
