package io.vigil.sensor.zeek;

import io.vigil.sensor.capture.Replay;
import io.vigil.sensor.it.Tools;
import io.vigil.sensor.meter.MeteredFlow;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The shared Stratosphere conn logs (../shared/datasets/stratosphere, GPL-2.0, read in place) cross-checked record by
 * record against an independent parse: awk picking columns by their #fields name as zeek-cut does for the TSV logs,
 * python3's json module for the JSON one. Every record must become exactly the flow those fields say.
 */
class StratosphereConnLogsTest {

    /** The columns both sides compare, in this order. */
    private static final String[] COLUMNS = {"ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto",
        "duration", "conn_state", "history", "orig_pkts", "orig_ip_bytes", "resp_pkts", "resp_ip_bytes"};

    /** zeek-cut's job in awk: find each wanted column by name in #fields, print it for every record. */
    private static final String ZEEK_CUT = """
            BEGIN { FS = "\\t"; OFS = "\\t"; n = split(want, w, ",") }
            /^#fields/ { for (i = 2; i <= NF; i++) col[$i] = i - 1; next }
            /^#/ { next }
            { line = ""; for (k = 1; k <= n; k++) line = line (k > 1 ? OFS : "") $(col[w[k]]); print line }
            """;

    private static final String JSON_CUT = """
            import json, sys
            want = sys.argv[2].split(",")
            for line in open(sys.argv[1]):
                r = json.loads(line)
                print("\\t".join(str(r[k]) if k in r else "-" for k in want))
            """;

    private static Path dataset(String relative) {
        Path root = Tools.repoRoot().resolve("../shared/datasets/stratosphere").normalize();
        assumeTrue(Files.isDirectory(root), "the shared Stratosphere conn logs are not at " + root);
        return root.resolve(relative);
    }

    private static List<MeteredFlow> replay(Path log) {
        List<MeteredFlow> flows = new ArrayList<>();
        ZeekReplay replay = new ZeekReplay(flows::add, Replay.Speed.MAX, null);
        assertNull(replay.run(List.of(log)).get(0).error());
        assertEquals(0, replay.rejects().total(), replay.rejects().first().toString());
        return flows;
    }

    private static void crossCheck(Path log, String independentOutput) throws Exception {
        List<MeteredFlow> flows = replay(log);
        List<String> rows = independentOutput.lines().toList();
        assertEquals(rows.size(), flows.size(), log + ": records");
        for (int i = 0; i < rows.size(); i++) {
            String[] c = rows.get(i).split("\t", -1);
            MeteredFlow f = flows.get(i);
            String where = log.getFileName() + " record " + (i + 1) + ": " + rows.get(i);
            long start = micros(c[0]);
            assertEquals(start, f.startMicros(), where);
            assertEquals(c[7].equals("-") ? start : start + micros(c[7]), f.endMicros(), where);
            assertEquals(c[1], f.zeekUid(), where);
            assertArrayEquals(InetAddress.getByName(c[2]).getAddress(), f.origAddr(), where);
            assertArrayEquals(InetAddress.getByName(c[4]).getAddress(), f.respAddr(), where);
            boolean v6 = c[2].contains(":");
            switch (c[6]) {
                case "tcp", "udp" -> {
                    assertEquals(c[6].equals("tcp") ? 6 : 17, f.protocol(), where);
                    assertEquals(Integer.parseInt(c[3]), f.origPort(), where);
                    assertEquals(Integer.parseInt(c[5]), f.respPort(), where);
                }
                case "icmp" -> {
                    assertEquals(v6 ? 58 : 1, f.protocol(), where);
                    assertEquals(Integer.parseInt(c[3]), f.icmpType(), where);
                    assertEquals(0, f.origPort() + f.respPort(), where);
                }
                default -> throw new AssertionError(where);
            }
            assertEquals(c[8], f.connState().name(), where);
            String history = c[9].equals("-") || c[9].equals("(empty)") ? "" : c[9];
            assertEquals(history, f.history(), where);
            long[] counts = Arrays.stream(c, 10, 14).mapToLong(v -> v.equals("-") ? 0 : Long.parseLong(v)).toArray();
            assertArrayEquals(counts, new long[]{f.origPackets(), f.origBytes(), f.respPackets(), f.respBytes()}, where);
        }
    }

    private static long micros(String seconds) {
        return new BigDecimal(seconds).movePointRight(6).setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
    }

    private static void tsv(String relative) throws Exception {
        Path log = dataset(relative);
        crossCheck(log, Tools.run(60, "awk", "-v", "want=" + String.join(",", COLUMNS), ZEEK_CUT, log.toString()));
    }

    @Test
    void theMixedDay008MatchesZeekCutRecordByRecord() throws Exception {
        tsv("008-zeek-mixed/data/conn.log.labeled");
    }

    @Test
    void theMixedDay010MatchesZeekCutRecordByRecord() throws Exception {
        tsv("010-zeek-mixed/data/conn.log.labeled");
    }

    @Test
    void theIpv6AndIcmpHeavyBotnetLogMatchesZeekCutRecordByRecord() throws Exception {
        tsv("001-zeek-scenario-malicious/labeled-conn.log");
    }

    @Test
    void theRatLogWithUnsetLocalFieldsMatchesZeekCutRecordByRecord() throws Exception {
        tsv("003-zeek-scenario-malicious/conn.log");
    }

    @Test
    void theJsonPortScanLogMatchesPythonsJsonRecordByRecord() throws Exception {
        Path log = dataset("002-zeek-scenario-port-scanning/conn.log");
        Tools.require("python3", "python3");
        crossCheck(log, Tools.run(60, "python3", "-c", JSON_CUT, log.toString(), String.join(",", COLUMNS)));
    }
}
