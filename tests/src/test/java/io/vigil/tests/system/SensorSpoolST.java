package io.vigil.tests.system;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The sensor's promise end to end: ingest killed with SIGKILL in the middle of an export and restarted, and every flow
 * still arrives exactly once. Runs the real processes (ingest and vigil-sensor jars) against the stack's ClickHouse
 * and Keycloak, in a database of its own so other runs and other tests cannot change the count.
 */
@Tag("system")
class SensorSpoolST {

    private static final String DB = "vigil_sensor_st";
    private static final Path WORK = SystemStack.ROOT.resolve("tests/target/sensor-spool-st");

    @BeforeAll
    static void cleanDatabase() throws Exception {
        SystemStack.clickhouse("DROP DATABASE IF EXISTS " + DB);
    }

    @AfterAll
    static void dropDatabase() throws Exception {
        SystemStack.clickhouse("DROP DATABASE IF EXISTS " + DB);
    }

    @Test
    void everyFlowArrivesExactlyOnceThoughIngestIsKilledMidReplay() throws Exception {
        deleteTree(WORK);
        Files.createDirectories(WORK);
        Path capture = WORK.resolve("udp-20s.pcap");
        long pairs = SystemStack.writeUdpCapture(capture, 20, 1_000);
        Path configDir = WORK.resolve("config");
        Path sensorLog = WORK.resolve("sensor.log");
        Path ingestLog = WORK.resolve("ingest.log");
        int port = SystemStack.freePort();
        String[] meter = {"--idle-timeout", "2s"};

        Process stdout = new ProcessBuilder("java", "-Xmx256m", "-jar", SystemStack.jar("sensor").toString(),
                "replay", "--stdout", "-q", "--config-dir", configDir.toString(), meter[0], meter[1],
                capture.toString()).redirectError(ProcessBuilder.Redirect.appendTo(sensorLog.toFile()))
                .redirectOutput(WORK.resolve("flows.jsonl").toFile()).start();
        assertTrue(stdout.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, stdout.exitValue());
        long expected;
        try (var lines = Files.lines(WORK.resolve("flows.jsonl"))) {
            expected = lines.count();
        }
        assertEquals(pairs, expected, "each request/response pair is one flow");

        Process enroll = SystemStack.sensor(sensorLog, "enroll", "--config-dir", configDir.toString(),
                "--client-id", "sensor-a1", "--client-secret", "dev-sensor-a1", "--issuer", SystemStack.ISSUER,
                "--ingest", "127.0.0.1:" + port);
        assertTrue(enroll.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, enroll.exitValue(), "enroll; see " + sensorLog);
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                Files.getPosixFilePermissions(configDir.resolve("credentials.properties"))));

        Process ingest = SystemStack.startIngest(port, DB, ingestLog);
        Process sensor = null;
        try {
            sensor = SystemStack.sensor(sensorLog, "replay", "--config-dir", configDir.toString(), "--retime",
                    "--speed", "realtime", meter[0], meter[1], capture.toString());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (stored() == 0) {
                assertTrue(System.nanoTime() < deadline, "nothing stored in 30 s; see " + sensorLog);
                assertTrue(sensor.isAlive(), "the sensor exited early; see " + sensorLog);
                TimeUnit.MILLISECONDS.sleep(200);
            }
            long beforeKill = stored();
            ingest.destroyForcibly(); // SIGKILL: no drain, in-flight batches and Acks are lost
            ingest.waitFor(30, TimeUnit.SECONDS);
            TimeUnit.SECONDS.sleep(3);
            assertTrue(sensor.isAlive(), "the sensor keeps spooling while ingest is gone");
            ingest = SystemStack.startIngest(port, DB, ingestLog);

            assertTrue(sensor.waitFor(180, TimeUnit.SECONDS), "the replay ends once everything is acknowledged");
            assertEquals(0, sensor.exitValue(), "see " + sensorLog);
            assertTrue(beforeKill < expected, "ingest was killed before the replay had been stored");
            String log = Files.readString(sensorLog);
            assertTrue(log.contains("Export stream to 127.0.0.1:" + port + " ended"),
                    "the sensor saw its stream break and reconnected; see " + sensorLog);

            assertEquals(expected, stored(), "every flow exactly once (stored before the kill: " + beforeKill + ")");
            assertEquals("0", SystemStack.clickhouse("SELECT count() - uniqExact(community_id, start, orig_port) FROM "
                    + DB + ".flows WHERE sensor_id = 'sensor-a1'"), "no flow stored twice");
            assertTrue(Long.parseLong(SystemStack.clickhouse("SELECT count() FROM " + DB
                    + ".sensor_status WHERE sensor_id = 'sensor-a1' AND version != ''")) > 0,
                    "the sensor's heartbeat was stored");
            Process status = SystemStack.sensor(WORK.resolve("status.txt"), "status", "--config-dir",
                    configDir.toString());
            assertTrue(status.waitFor(60, TimeUnit.SECONDS));
            String text = Files.readString(WORK.resolve("status.txt"));
            assertTrue(text.contains("spool.batches:") && text.contains("0 batches, 0 bytes"),
                    "status shows an empty spool: " + text);
        } finally {
            if (sensor != null && sensor.isAlive()) {
                sensor.destroyForcibly();
            }
            ingest.destroy();
            ingest.waitFor(30, TimeUnit.SECONDS);
        }
    }

    /**
     * The sensor itself crashes (SIGKILL) while ingest is unreachable and everything it metered sits in its spool;
     * a later start with the same config dir sends all of it, once.
     */
    @Test
    void aSensorKilledWithAFullSpoolSendsItAllAfterRestart() throws Exception {
        Path work = WORK.resolve("sensor-crash");
        deleteTree(work);
        Files.createDirectories(work);
        Path capture = work.resolve("udp-5s.pcap");
        long pairs = SystemStack.writeUdpCapture(capture, 5, 2_000);
        Path empty = work.resolve("empty.pcap");
        SystemStack.writeUdpCapture(empty, 0, 0);
        Path configDir = work.resolve("config");
        Path log = work.resolve("sensor.log");
        int port = SystemStack.freePort();
        Process enroll = SystemStack.sensor(log, "enroll", "--config-dir", configDir.toString(),
                "--client-id", "sensor-b1", "--client-secret", "dev-sensor-b1", "--issuer", SystemStack.ISSUER,
                "--ingest", "127.0.0.1:" + port);
        assertTrue(enroll.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, enroll.exitValue(), "enroll; see " + log);

        Process first = SystemStack.sensor(log, "replay", "--config-dir", configDir.toString(), "--retime",
                capture.toString());
        Path status = configDir.resolve("status.properties");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!spooledFlows(status).equals(Long.toString(pairs))) {
            assertTrue(first.isAlive(), "the replay waits for ingest; see " + log);
            assertTrue(System.nanoTime() < deadline, "not all spooled in 60 s: " + spooledFlows(status));
            TimeUnit.MILLISECONDS.sleep(200);
        }
        first.destroyForcibly(); // SIGKILL with every flow only on disk
        first.waitFor(30, TimeUnit.SECONDS);

        Process ingest = SystemStack.startIngest(port, DB, work.resolve("ingest.log"));
        try {
            Process second = SystemStack.sensor(log, "replay", "--config-dir", configDir.toString(), empty.toString());
            assertTrue(second.waitFor(120, TimeUnit.SECONDS), "see " + log);
            assertEquals(0, second.exitValue(), "see " + log);
            assertTrue(Files.readString(log).contains("unacknowledged batches"), "recovered from the spool; see " + log);
            assertEquals(pairs, stored("sensor-b1"), "see " + log);
        } finally {
            ingest.destroy();
            ingest.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static String spooledFlows(Path status) {
        try {
            java.util.Properties p = new java.util.Properties();
            try (var r = Files.newBufferedReader(status)) {
                p.load(r);
            }
            return p.getProperty("spool.flows", "");
        } catch (IOException | RuntimeException notYet) {
            return "";
        }
    }

    /**
     * sensor-a2-shortlived's tokens live 3 s, so during a 10 s export every stream outlives its token: the sensor
     * rotates it, or ingest closes the stream with UNAUTHENTICATED and the sensor fetches a new one. Nothing is lost
     * or doubled either way.
     */
    @Test
    void tokensExpiringEveryThreeSecondsLoseAndDoubleNothing() throws Exception {
        Path work = WORK.resolve("shortlived");
        deleteTree(work);
        Files.createDirectories(work);
        Path capture = work.resolve("udp-10s.pcap");
        long pairs = SystemStack.writeUdpCapture(capture, 10, 500);
        Path configDir = work.resolve("config");
        Path log = work.resolve("sensor.log");
        int port = SystemStack.freePort();
        Process enroll = SystemStack.sensor(log, "enroll", "--config-dir", configDir.toString(),
                "--client-id", "sensor-a2-shortlived", "--client-secret", "dev-sensor-a2-shortlived",
                "--issuer", SystemStack.ISSUER);
        assertTrue(enroll.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, enroll.exitValue(), "enroll; see " + log);
        Process ingest = SystemStack.startIngest(port, DB, work.resolve("ingest.log"));
        try {
            Process sensor = SystemStack.sensor(log, "replay", "--config-dir", configDir.toString(), "--ingest",
                    "127.0.0.1:" + port, "--retime", "--speed", "realtime", "--idle-timeout", "2s", capture.toString());
            assertTrue(sensor.waitFor(120, TimeUnit.SECONDS), "see " + log);
            assertEquals(0, sensor.exitValue(), "see " + log);
            assertEquals(pairs, stored("sensor-a2-shortlived"), "see " + log);
        } finally {
            ingest.destroy();
            ingest.waitFor(30, TimeUnit.SECONDS);
        }
    }

    private static long stored() throws IOException, InterruptedException {
        return stored("sensor-a1");
    }

    private static long stored(String sensorId) throws IOException, InterruptedException {
        String n = SystemStack.clickhouse("SELECT count() FROM " + DB + ".flows WHERE sensor_id = '" + sensorId + "'");
        return Long.parseLong(n);
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
