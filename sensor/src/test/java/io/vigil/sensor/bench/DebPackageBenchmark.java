package io.vigil.sensor.bench;

import io.vigil.sensor.it.PackagedSensor;
import io.vigil.sensor.it.Tools;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Debian package against its two goals: at most 80 MB, and exporting within 60 s of the install. Builds it with
 * scripts/package, then times the one-line install (download with the token, dpkg -i, enroll through tenants and
 * Keycloak) and the installed sensor's first export, a capture replayed as the unit's user until ingest has
 * acknowledged all of it (there is no systemd here to start the service). Prints BENCH lines; asserts only that the
 * flows arrived. Needs root and the stack, like DebPackageIT.
 */
@Tag("bench")
class DebPackageBenchmark {

    @Test
    void packageSizeAndInstallToExport() throws Exception {
        Path work = Tools.repoRoot().resolve("sensor/target/deb-bench");
        try (PackagedSensor stack = PackagedSensor.start(work, "vigil_deb_bench")) {
            double mb = Files.size(stack.deb) / 1e6;
            System.out.printf(Locale.ROOT, "BENCH sensor_deb_size %.1f MB ratio=%.2f vs 80 MB goal (%s, bundled jlink runtime)%n",
                    mb, mb / 80, stack.deb.getFileName());

            String[] issued = stack.issueToken();
            long t0 = System.nanoTime();
            stack.installWithOneLine(issued[1], "--interface", "lo", "--no-start");
            long installed = System.nanoTime();
            Path log = work.resolve("sensor.log");
            Process replay = PackagedSensor.asUnit(log, "replay", "--config-dir", "/etc/vigil-sensor", "--retime", "-q",
                    Tools.sharedPcaps().resolve("ncsa_port_scan.pcap").toString());
            assertTrue(replay.waitFor(120, TimeUnit.SECONDS), "see " + log);
            long exported = System.nanoTime();
            assertEquals(0, replay.exitValue(), Files.readString(log));
            assertEquals("10", PackagedSensor.clickhouse("SELECT count() FROM " + stack.database + ".flows WHERE sensor_id = '"
                    + issued[0] + "'"));
            double total = (exported - t0) / 1e9;
            System.out.printf(Locale.ROOT, "BENCH sensor_deb_install_to_export %.1f s ratio=%.2f vs 60 s goal (download, dpkg -i "
                            + "and enroll %.1f s; then the installed sensor's first capture exported and acknowledged %.1f s)%n",
                    total, total / 60, (installed - t0) / 1e9, (exported - installed) / 1e9);
            stack.purge();
        }
    }
}
