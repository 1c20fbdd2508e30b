package io.vigil.sensor.cli;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import io.vigil.sensor.Frames;
import io.vigil.sensor.TestPcap;
import io.vigil.sensor.it.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code replay --stdout} through picocli, as users run it: --retime across files, and both progress modes. */
class ReplayCommandTest {

    private static final long Y2012 = 1_330_000_000_000_000L;
    private static final long Y2019 = 1_560_000_000_000_000L;

    @TempDir
    Path dir;

    /** What one run printed. */
    private record Run(int status, List<JsonObject> flows, String stderr) {
    }

    private Run replay(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            String[] all = new String[args.length + 2];
            all[0] = "--config-dir";
            all[1] = dir.toString();
            System.arraycopy(args, 0, all, 2, args.length);
            int status = new CommandLine(new ReplayCommand()).execute(all);
            List<JsonObject> flows = o.toString(StandardCharsets.UTF_8).lines()
                    .map(l -> JsonParser.parseString(l).getAsJsonObject())
                    .sorted(Comparator.comparingLong(j -> j.get("start_time_ms").getAsLong())).toList();
            return new Run(status, flows, e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    /** A 2012 TCP session; a 2019 DNS-like exchange split over two files, its answer 2 s after the query. */
    private List<Path> captures() throws Exception {
        byte[] syn = Frames.ethernet(Frames.ipv4("10.0.0.1", "10.0.0.2", 6, Frames.tcp(40000, 80, Frames.SYN, 0)));
        byte[] synAck = Frames.ethernet(Frames.ipv4("10.0.0.2", "10.0.0.1", 6,
                Frames.tcp(80, 40000, Frames.SYN | Frames.ACK, 0)));
        byte[] ack = Frames.ethernet(Frames.ipv4("10.0.0.1", "10.0.0.2", 6, Frames.tcp(40000, 80, Frames.ACK, 0)));
        byte[] finO = Frames.ethernet(Frames.ipv4("10.0.0.1", "10.0.0.2", 6,
                Frames.tcp(40000, 80, Frames.FIN | Frames.ACK, 0)));
        byte[] finR = Frames.ethernet(Frames.ipv4("10.0.0.2", "10.0.0.1", 6,
                Frames.tcp(80, 40000, Frames.FIN | Frames.ACK, 0)));
        Path old = new TestPcap().add(Y2012, syn).add(Y2012 + 1_000, synAck).add(Y2012 + 2_000, ack)
                .add(Y2012 + 3_000_000, finO).add(Y2012 + 3_001_000, finR).add(Y2012 + 3_002_000, ack)
                .write(dir.resolve("2012.pcap"));
        Path query = new TestPcap().add(Y2019, Frames.ethernet(Frames.ipv4("10.0.0.3", "10.0.0.4", 17,
                Frames.udp(5353, 53, 30)))).write(dir.resolve("2019-a.pcap"));
        Path answer = new TestPcap().add(Y2019 + 2_000_000, Frames.ethernet(Frames.ipv4("10.0.0.4", "10.0.0.3", 17,
                Frames.udp(53, 5353, 90)))).write(dir.resolve("2019-b.pcap"));
        return List.of(old, query, answer);
    }

    @Test
    void retimeLaysFilesEndToEndEndingNowAndKeepsASplitCaptureTogether() throws Exception {
        Tools.requireLibpcap();
        List<Path> files = captures();
        long before = System.currentTimeMillis();
        Run run = replay("--stdout", "-q", "--retime", files.get(0).toString(), files.get(1).toString(),
                files.get(2).toString());
        long after = System.currentTimeMillis();
        assertEquals(0, run.status(), run.stderr());
        assertEquals(2, run.flows().size(), run.flows().toString());
        JsonObject tcp = run.flows().get(0);
        JsonObject udp = run.flows().get(1);
        // The split exchange is one flow, with its 2 s gap across the two files kept, ending now.
        assertEquals(17, udp.get("protocol").getAsInt());
        assertEquals(1, udp.get("orig_packets").getAsLong());
        assertEquals(1, udp.get("resp_packets").getAsLong());
        assertEquals("SF", udp.get("conn_state").getAsString());
        long udpEnd = udp.get("end_time_ms").getAsLong();
        assertTrue(udpEnd >= before && udpEnd <= after, udpEnd + " not between " + before + " and " + after);
        assertEquals(2_000, udpEnd - udp.get("start_time_ms").getAsLong());
        // The 2012 session keeps its 3 s duration and ends the idle timeout + 1 s before the 2019 file starts, so
        // ingest will take both (one shift for all would have put it 7 years back, older than retention).
        assertEquals("SF", tcp.get("conn_state").getAsString());
        assertEquals(3_002, tcp.get("end_time_ms").getAsLong() - tcp.get("start_time_ms").getAsLong());
        assertEquals(61_000, udp.get("start_time_ms").getAsLong() - tcp.get("end_time_ms").getAsLong());
    }

    @Test
    void withoutRetimeTheCapturedTimesAreKept() throws Exception {
        Tools.requireLibpcap();
        List<Path> files = captures();
        Run run = replay("--stdout", "-q", files.get(0).toString());
        assertEquals(Y2012 / 1000, run.flows().get(0).get("start_time_ms").getAsLong());
    }

    @Test
    void progressIsPlainLinesWhenAskedOrWhenStderrIsNoTerminal() throws Exception {
        Tools.requireLibpcap();
        List<Path> files = captures();
        // In this test stderr is a pipe, so auto means lines.
        for (String mode : List.of("auto", "lines")) {
            Run run = replay("--stdout", "--progress", mode, "--progress-every", "0s", files.get(0).toString());
            assertEquals(0, run.status());
            assertFalse(run.stderr().contains("\r"), run.stderr());
            assertTrue(run.stderr().lines().anyMatch(l -> l.matches("replay: 100% 6 packets, 1 flows, .* packets/s, 0 active")),
                    run.stderr());
            assertTrue(run.stderr().contains("replay: done in"), run.stderr());
        }
    }

    @Test
    void progressIsABarRedrawnInPlaceOnATerminal() throws Exception {
        Tools.requireLibpcap();
        List<Path> files = captures();
        Run run = replay("--stdout", "--progress", "bar", files.get(0).toString());
        assertEquals(0, run.status());
        assertTrue(run.stderr().contains("\r[" + "#".repeat(ProgressReporter.BAR_WIDTH) + "] 100% 6 packets, 1 flows"),
                run.stderr());
        // The bar's line is ended before the summary, which starts on a line of its own.
        assertTrue(run.stderr().contains("\033[K\nreplay: done in"), run.stderr());
    }

    @Test
    void quietMeansNoProgressAndABadModeIsBadUsage() throws Exception {
        Tools.requireLibpcap();
        List<Path> files = captures();
        assertEquals("", replay("--stdout", "-q", files.get(0).toString()).stderr());
        assertEquals(2, replay("--stdout", "--progress", "sometimes", files.get(0).toString()).status());
    }

    /** The shared labelled day of one Windows host (../shared/datasets, read in place), or the test is skipped. */
    private static Path sharedConnLog() {
        Path log = Tools.repoRoot().resolve("../shared/datasets/stratosphere/010-zeek-mixed/data/conn.log.labeled")
                .normalize();
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(log), log + " is not there");
        return log;
    }

    @Test
    void aZeekConnLogPrintsOneJsonFlowPerRecordEachWithItsZeekUid() throws Exception {
        Path log = sharedConnLog();
        long records = java.nio.file.Files.readAllLines(log).stream().filter(l -> !l.startsWith("#")).count();
        Run run = replay("--stdout", "--progress", "lines", log.toString());
        assertEquals(0, run.status(), run.stderr());
        assertEquals(records, run.flows().size());
        assertTrue(run.flows().stream().allMatch(f -> f.get("zeek_uid").getAsString().startsWith("C")));
        assertTrue(run.stderr().contains(String.format(java.util.Locale.ROOT,
                "%,d Zeek conn records in 1 log", records)), run.stderr());
    }

    @Test
    void skippedZeekRecordsAreShownWithTheirLineEvenWhenQuietAndTheRestIsReplayed() throws Exception {
        Path log = dir.resolve("conn.log");
        java.nio.file.Files.writeString(log, "#separator \\x09\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h"
                + "\tid.resp_p\tproto\tconn_state\n"
                + "1700000000\tC1\t10.0.0.1\t1\t10.0.0.2\t2\ttcp\tS0\n"
                + "1700000001\tC2\t10.0.0.300\t1\t10.0.0.2\t2\ttcp\tS0\n");
        Run run = replay("--stdout", "-q", log.toString());
        assertEquals(0, run.status());
        assertEquals(1, run.flows().size());
        assertEquals("vigil-sensor replay: 1 of 2 records skipped (1 bad address):\n  " + log
                + ":4: bad address: id.orig_h 10.0.0.300\n", run.stderr());
    }

    @Test
    void aZeekLogRetimedEndsNowAndCannotBeMixedWithCaptures() throws Exception {
        Path log = sharedConnLog();
        long before = System.currentTimeMillis();
        Run run = replay("--stdout", "-q", "--retime", log.toString());
        long lastEnd = run.flows().stream().mapToLong(f -> f.get("end_time_ms").getAsLong()).max().orElseThrow();
        assertTrue(lastEnd >= before - 1000 && lastEnd <= System.currentTimeMillis(), "ends now: " + lastEnd);
        Tools.requireLibpcap();
        Run mixed = replay("--stdout", log.toString(), captures().get(0).toString());
        assertEquals(2, mixed.status());
        assertTrue(mixed.stderr().contains("cannot be replayed together"), mixed.stderr());
    }
}
