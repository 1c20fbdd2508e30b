package io.vigil.sensor.it;

import io.vigil.sensor.SensorVersion;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Debian package for real on this machine (as root): the one-line installer the tenants service hands to the
 * holder of an enrollment token downloads the package with it, installs it with dpkg -i (there is no systemd as PID 1
 * here, so the service is not started: the unit's command is run as systemd would, as in InstalledServiceIT), and
 * enrolls against the stack's Keycloak through tenants; the installed binary replays a capture into ingest; then
 * dpkg --purge removes files, config, spool and user.
 */
class DebPackageIT {

    @Test
    void oneLineInstallEnrollsTheInstalledSensorWhichExportsAndPurgeLeavesNothing() throws Exception {
        Path work = Tools.repoRoot().resolve("sensor/target/deb-it");
        try (PackagedSensor stack = PackagedSensor.start(work, "vigil_deb_it")) {
            Tools.require("setpriv", "util-linux");
            String fileName = stack.deb.getFileName().toString();
            assertTrue(fileName.matches("vigil-sensor_[0-9][A-Za-z0-9.+~]*_amd64\\.deb"), fileName);
            String control = Tools.run(30, "dpkg-deb", "-f", stack.deb.toString(), "Depends", "Version");
            assertTrue(control.contains("Depends: libpcap0.8, passwd"), "only Debian packages, no Java: " + control);
            String[] issued = stack.issueToken();
            String sensorId = issued[0];

            // 1. The one line: download with the token, dpkg -i, enroll with the token.
            String out = stack.installWithOneLine(issued[1], "--interface", "lo", "--no-start");
            assertTrue(out.contains("Setting up vigil-sensor"), "installed by dpkg:\n" + out);
            assertTrue(out.contains("installed and enrolled"), out);

            String[] user = Tools.run(10, "getent", "passwd", PackagedSensor.NAME).strip().split(":");
            int uid = Integer.parseInt(user[2]);
            assertTrue(uid > 0 && uid < 1000, "a system user, uid " + uid);
            assertEquals("/usr/sbin/nologin", user[6]);
            for (Path dir : List.of(Path.of("/etc/vigil-sensor"), Path.of("/var/lib/vigil-sensor"))) {
                PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class);
                assertEquals(PackagedSensor.NAME, a.owner().getName(), dir.toString());
                assertEquals("rwxr-x---", PosixFilePermissions.toString(a.permissions()), dir.toString());
            }
            Path credentials = Path.of("/etc/vigil-sensor/credentials.properties");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(credentials)));
            Properties creds = new Properties();
            try (var in = Files.newInputStream(credentials)) {
                creds.load(in);
            }
            assertEquals(sensorId, creds.getProperty("client-id"), creds.toString());
            assertEquals("127.0.0.1:" + stack.ingestPort, creds.getProperty("ingest"), creds.toString());
            assertTrue(Files.readString(Path.of("/etc/vigil-sensor/vigil-sensor.env")).contains("VIGIL_SENSOR_INTERFACE=lo\n"));
            assertTrue(Files.isExecutable(Path.of("/opt/vigil-sensor/jre/bin/java")), "its own Java runtime");
            assertEquals(Path.of("/opt/vigil-sensor/bin/vigil-sensor"), Files.readSymbolicLink(Path.of("/usr/bin/vigil-sensor")));

            // The unit is install.sh's, word for word but its first comment line.
            Path fromInstaller = work.resolve("installer-root");
            Path fakeApp = Files.createDirectories(work.resolve("fake-app"));
            Files.writeString(fakeApp.resolve("quarkus-run.jar"), "");
            Tools.run(60, "bash", Tools.repoRoot().resolve("sensor/install/install.sh").toString(), "--root",
                    fromInstaller.toString(), "--app", fakeApp.toString(), "--interface", "eth1");
            assertEquals(withoutFirstLine(fromInstaller.resolve("etc/systemd/system/vigil-sensor.service")),
                    withoutFirstLine(Path.of("/lib/systemd/system/vigil-sensor.service")));

            // 2. The installed binary, run as the unit's user with the unit's capabilities, exports a capture.
            Path log = work.resolve("sensor.log");
            Process replay = PackagedSensor.asUnit(log, "replay", "--config-dir", "/etc/vigil-sensor", "--retime", "-q",
                    Tools.sharedPcaps().resolve("ncsa_port_scan.pcap").toString());
            assertTrue(replay.waitFor(120, TimeUnit.SECONDS), "replay ends once acknowledged; see " + log);
            assertEquals(0, replay.exitValue(), Files.readString(log));
            assertEquals("a1\t10", PackagedSensor.clickhouse("SELECT tenant_id, count() FROM " + stack.database
                    + ".flows WHERE sensor_id = '" + sensorId + "' GROUP BY tenant_id"), "stored under a1, once");
            assertTrue(Files.isDirectory(Path.of("/var/lib/vigil-sensor/spool")), "spooled in the package's state dir");
            String version = Tools.run(30, "/usr/bin/vigil-sensor", "--version").strip();
            assertEquals("vigil-sensor " + SensorVersion.get(), version, "the build's version");
            assertEquals(SensorVersion.get().replace("-SNAPSHOT", "~SNAPSHOT"),
                    Tools.run(30, "dpkg-query", "-W", "-f=${Version}", "vigil-sensor"), "the package's version is the build's");

            // 3. Remove keeps config and spool (Debian policy); purge takes them and the user.
            Tools.run(120, "dpkg", "--remove", PackagedSensor.NAME);
            assertFalse(Files.exists(Path.of("/opt/vigil-sensor")));
            assertTrue(Files.exists(credentials), "remove keeps the configuration");
            assertTrue(Files.isDirectory(Path.of("/var/lib/vigil-sensor/spool")), "remove keeps the spool");
            stack.purge();
            for (Path p : PackagedSensor.INSTALLED) {
                assertFalse(Files.exists(p, LinkOption.NOFOLLOW_LINKS), p + " still exists after dpkg --purge");
            }
            assertEquals("", Tools.run(10, "sh", "-c", "getent passwd vigil-sensor; getent group vigil-sensor; true").strip());
            assertEquals("", Tools.run(10, "sh", "-c", "dpkg-query -W -f='${Status}' vigil-sensor 2>/dev/null; true").strip(),
                    "dpkg forgot the package");
        }
    }

    private static String withoutFirstLine(Path file) throws Exception {
        String s = Files.readString(file);
        return s.substring(s.indexOf('\n') + 1);
    }
}
