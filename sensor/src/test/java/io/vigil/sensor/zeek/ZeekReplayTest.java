package io.vigil.sensor.zeek;

import io.vigil.proto.ingest.v1.ConnState;
import io.vigil.sensor.capture.Replay;
import io.vigil.sensor.meter.MeteredFlow;
import io.vigil.sensor.output.IpText;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Conn logs in each of Zeek's shapes, read through the same engine as {@code replay}: what each record becomes. */
class ZeekReplayTest {

    @TempDir
    Path dir;

    /** Zeek's ASCII writer header, with the given columns. */
    static String header(String... fields) {
        return "#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n"
                + "#open\t2024-05-01-10-00-00\n#fields\t" + String.join("\t", fields) + "\n#types\t"
                + "time\t".repeat(fields.length).strip() + "\n";
    }

    static final String[] STANDARD = {"ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto",
        "service", "duration", "orig_bytes", "resp_bytes", "conn_state", "local_orig", "local_resp", "missed_bytes",
        "history", "orig_pkts", "orig_ip_bytes", "resp_pkts", "resp_ip_bytes", "tunnel_parents"};

    static String row(String... values) {
        return String.join("\t", values) + "\n";
    }

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    private Path gzip(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(p))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return p;
    }

    /** The flows of the logs, read as replay reads them; the engine, for its counters. */
    private static ZeekReplay read(List<MeteredFlow> into, List<Path> logs) {
        ZeekReplay replay = new ZeekReplay(into::add, Replay.Speed.MAX, null);
        List<ZeekReplay.FileResult> results = replay.run(logs);
        results.forEach(r -> assertNull(r.error(), r.toString()));
        return replay;
    }

    private static List<MeteredFlow> flows(Path... logs) {
        List<MeteredFlow> out = new ArrayList<>();
        read(out, List.of(logs));
        return out;
    }

    @Test
    void aTsvRecordBecomesAFlowWithIpBytesTimesAndTheZeekUid() throws Exception {
        Path log = write("conn.log", header(STANDARD)
                + row("1655071198.444458", "CHLXQF2OBY4onAR0Ug", "147.32.81.167", "62771", "40.74.108.123", "443",
                        "tcp", "ssl", "1.135424", "1596", "4039", "SF", "T", "F", "0", "ShADdaFf", "14", "1016", "16",
                        "1226", "(empty)")
                + "#close\t2024-05-01-11-00-00\n");
        MeteredFlow f = flows(log).get(0);
        assertEquals(1_655_071_198_444_458L, f.startMicros());
        assertEquals(1_655_071_198_444_458L + 1_135_424L, f.endMicros());
        assertEquals("147.32.81.167", IpText.of(f.origAddr()));
        assertEquals("40.74.108.123", IpText.of(f.respAddr()));
        assertEquals(62771, f.origPort());
        assertEquals(443, f.respPort());
        assertEquals(6, f.protocol());
        assertEquals(ConnState.SF, f.connState());
        assertEquals("ShADdaFf", f.history());
        assertEquals(14, f.origPackets());
        assertEquals(16, f.respPackets());
        // IP bytes (headers included), as the packet meter counts, not the payload bytes (1596 / 4039).
        assertEquals(1016, f.origBytes());
        assertEquals(1226, f.respBytes());
        int flags = ZeekHistory.SYN | ZeekHistory.ACK | ZeekHistory.PSH | ZeekHistory.FIN;
        assertEquals(flags, f.origTcpFlags());
        assertEquals(flags, f.respTcpFlags());
        assertEquals("CHLXQF2OBY4onAR0Ug", f.zeekUid());
        assertTrue(f.communityId().startsWith("1:"), f.communityId());
    }

    @Test
    void tsvColumnsAreFoundByNameInAnyOrderAndExtraColumnsAreIgnored() throws Exception {
        String[] shuffled = {"_node_name", "conn_state", "id.resp_p", "proto", "label", "id.resp_h", "ts", "id.orig_h",
            "id.orig_p", "uid", "orig_pkts", "resp_pkts", "orig_ip_bytes", "resp_ip_bytes", "history", "duration"};
        Path log = write("conn.log", header(shuffled)
                + row("worker-1", "REJ", "23", "tcp", "Malicious", "10.0.0.2", "1700000000.000001", "10.0.0.1",
                        "40000", "Cabc", "1", "1", "44", "40", "Sr", "0.000100"));
        MeteredFlow f = flows(log).get(0);
        assertEquals(ConnState.REJ, f.connState());
        assertEquals("10.0.0.1", IpText.of(f.origAddr()));
        assertEquals(40000, f.origPort());
        assertEquals(23, f.respPort());
        assertEquals(1_700_000_000_000_101L, f.endMicros());
        assertEquals(ZeekHistory.SYN, f.origTcpFlags());
        assertEquals(ZeekHistory.RST, f.respTcpFlags());
        assertEquals("Cabc", f.zeekUid());
    }

    @Test
    void unsetFieldsAreZeroAndAnEmptyHistoryIsEmpty() throws Exception {
        Path log = write("conn.log", header(STANDARD)
                + row("1700000000.5", "C1", "10.0.0.1", "5353", "224.0.0.251", "5353", "udp", "-", "-", "-", "-", "S0",
                        "-", "-", "0", "(empty)", "-", "-", "-", "-", "-"));
        MeteredFlow f = flows(log).get(0);
        assertEquals(f.startMicros(), f.endMicros(), "no duration: one instant");
        assertEquals(0, f.origPackets());
        assertEquals(0, f.origBytes());
        assertEquals("", f.history());
        assertEquals(0, f.origTcpFlags(), "no TCP flags for UDP");
    }

    @Test
    void icmpTypeAndCodeComeFromZeeksPortsAndThePortsBecomeZero() throws Exception {
        Path log = write("conn.log", header(STANDARD)
                // echo request: resp_p is the counterpart type (echo reply, 0), the code is 0
                + row("1700000000", "C1", "10.0.0.1", "8", "10.0.0.2", "0", "icmp", "-", "1.0", "0", "0", "OTH", "-",
                        "-", "0", "-", "2", "56", "2", "56", "-")
                // timestamp request 13 paired with its reply type 14: code 0, not 14
                + row("1700000001", "C2", "10.0.0.1", "13", "10.0.0.2", "14", "icmp", "-", "-", "-", "-", "OTH", "-",
                        "-", "0", "-", "1", "40", "0", "0", "-")
                // destination unreachable, port unreachable: one-way, resp_p is the code
                + row("1700000002", "C3", "10.0.0.2", "3", "10.0.0.1", "3", "icmp", "-", "-", "-", "-", "OTH", "-",
                        "-", "0", "-", "1", "56", "0", "0", "-")
                // ICMPv6 echo: Zeek calls it "icmp" too
                + row("1700000003", "C4", "fd00::1", "128", "fd00::2", "129", "icmp", "-", "-", "-", "-", "OTH", "-",
                        "-", "0", "-", "1", "104", "1", "104", "-"));
        List<MeteredFlow> f = flows(log);
        int[][] expected = {{1, 8, 0}, {1, 13, 0}, {1, 3, 3}, {58, 128, 0}};
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i][0], f.get(i).protocol(), "record " + i);
            assertEquals(expected[i][1], f.get(i).icmpType(), "record " + i);
            assertEquals(expected[i][2], f.get(i).icmpCode(), "record " + i);
            assertEquals(0, f.get(i).origPort());
            assertEquals(0, f.get(i).respPort());
        }
        assertEquals(6, f.get(3).ipVersion());
    }

    @Test
    void aCommunityIdInTheLogIsKeptAndAMissingOneIsComputed() throws Exception {
        Path log = write("conn.log", header("ts", "uid", "id.orig_h", "id.orig_p", "id.resp_h", "id.resp_p", "proto",
                "conn_state", "community_id")
                + row("1700000000", "C1", "10.0.0.1", "1", "10.0.0.2", "2", "tcp", "S0", "1:fromTheZeekLog=")
                // The Community ID spec's baseline: 128.232.110.120:34855 -> 66.35.250.204:80/tcp
                + row("1700000001", "C2", "128.232.110.120", "34855", "66.35.250.204", "80", "tcp", "S0", "-"));
        List<MeteredFlow> f = flows(log);
        assertEquals("1:fromTheZeekLog=", f.get(0).communityId());
        assertEquals("1:LQU9qZlK+B5F3KDmev6m5PMibrg=", f.get(1).communityId());
    }

    @Test
    void historyLettersGiveEachSidesFlagsAndAFlipSwapsTheLettersBeforeIt() {
        assertEquals(ZeekHistory.SYN | (ZeekHistory.SYN | ZeekHistory.ACK) << 8 , ZeekHistory.flags("Sh"));
        assertEquals(ZeekHistory.FIN, ZeekHistory.flags("F"), "a FIN scan's probe: FIN alone");
        assertEquals(0, ZeekHistory.flags(""), "a NULL probe leaves no letter");
        assertEquals(ZeekHistory.ACK | ZeekHistory.PSH, ZeekHistory.flags("D"), "data: ACK and PSH, never a pure ACK");
        assertEquals(ZeekHistory.ACK, ZeekHistory.flags("A"), "a pure ACK, as an ACK ping sends");
        assertEquals(ZeekHistory.RST << 8, ZeekHistory.flags("Cr"), "bad checksums tell nothing");
        assertEquals(ZeekHistory.FIN | ZeekHistory.RST, ZeekHistory.flags("I"));
        // "^hCadf": flipped before any letter, so every letter is already in the final orientation.
        assertEquals((ZeekHistory.SYN | ZeekHistory.ACK | ZeekHistory.PSH | ZeekHistory.FIN) << 8,
                ZeekHistory.flags("^hCadf"));
        // "s^A": the responder's SYN was logged before the flip made it the originator.
        assertEquals(ZeekHistory.SYN | ZeekHistory.ACK, ZeekHistory.flags("s^A"));
    }

    @Test
    void zeekJsonLinesReadLikeTsvWithEpochOrIsoTimes() throws Exception {
        Path log = write("conn.json", """
                {"ts":1664462456.755299,"uid":"C5xh","id.orig_h":"172.16.1.11","id.orig_p":40042,"id.resp_h":"8.8.8.8","id.resp_p":53,"proto":"udp","service":"dns","duration":0.012166976928710938,"orig_bytes":0,"resp_bytes":111,"conn_state":"SHR","local_orig":true,"missed_bytes":0,"history":"Cd","orig_pkts":0,"orig_ip_bytes":0,"resp_pkts":1,"resp_ip_bytes":139,"tunnel_parents":["CX1","CX2"]}
                {"_path":"conn","ts":"2022-09-29T14:40:56.755299Z","uid":"C6","id.orig_h":"10.0.0.1","id.orig_p":1,"id.resp_h":"10.0.0.2","id.resp_p":22,"proto":"tcp","conn_state":"S0","history":"S","orig_pkts":1,"orig_ip_bytes":44,"resp_pkts":0,"resp_ip_bytes":0,"extra":{"nested":"{\\"x\\"}"}}
                """);
        List<MeteredFlow> f = flows(log);
        assertEquals(2, f.size());
        assertEquals(1_664_462_456_755_299L, f.get(0).startMicros());
        assertEquals(1_664_462_456_755_299L + 12_167L, f.get(0).endMicros(), "duration rounded to the µs");
        assertEquals(139, f.get(0).respBytes());
        assertEquals(ConnState.SHR, f.get(0).connState());
        assertEquals(1_664_462_456_755_299L, f.get(1).startMicros());
        assertEquals(ZeekHistory.SYN, f.get(1).origTcpFlags());
        assertEquals("C6", f.get(1).zeekUid());
    }

    @Test
    void aGzippedLogReadsExactlyLikeThePlainOne() throws Exception {
        StringBuilder text = new StringBuilder(header(STANDARD));
        for (int i = 0; i < 5000; i++) {
            text.append(row("17000" + (10000 + i) + ".25", "C" + i, "10.0.0." + (i % 200 + 1), String.valueOf(30000 + i),
                    "10.1.0.1", "80", "tcp", "-", "0.5", "10", "20", "SF", "-", "-", "0", "ShADadFf", "6", "400",
                    "5", "500", "-"));
        }
        List<MeteredFlow> plain = flows(write("conn.log", text.toString()));
        List<MeteredFlow> zipped = flows(gzip("conn.log.gz", text.toString()));
        assertEquals(5000, plain.size());
        assertEquals(plain.size(), zipped.size());
        for (int i = 0; i < plain.size(); i++) {
            assertEquals(plain.get(i).zeekUid(), zipped.get(i).zeekUid());
            assertEquals(plain.get(i).startMicros(), zipped.get(i).startMicros());
            assertEquals(plain.get(i).communityId(), zipped.get(i).communityId());
        }
    }

    @Test
    void aDirectoryOfRotatedLogsIsReadInTimeOrderAndOtherZeekLogsAreSkipped() throws Exception {
        // Zeek's archive names sort by name within a day only; this layout sorts the wrong way round by name.
        String h = header(STANDARD);
        Path day = dir.resolve("logs");
        gzip("logs/b/conn.00:00:00-01:00:00.log.gz", h + row("1700000000", "Cfirst", "10.0.0.1", "1", "10.0.0.2", "2",
                "tcp", "-", "2.0", "-", "-", "S0", "-", "-", "0", "S", "1", "44", "0", "0", "-"));
        // Its first record started before the previous log's (a long connection) but ended after it: second.
        gzip("logs/a/conn.01:00:00-02:00:00.log.gz", h + row("1699999000", "Csecond", "10.0.0.1", "3", "10.0.0.2",
                "4", "tcp", "-", "3600.0", "-", "-", "S1", "-", "-", "0", "ShAD", "9", "900", "9", "900", "-"));
        write("logs/a/dns.01:00:00-02:00:00.log", h.replace("#path\tconn", "#path\tdns"));
        write("logs/a/notes.txt", "not a log\n");
        ConnLogs.Inputs inputs = ConnLogs.classify(List.of(day));
        assertEquals(2, inputs.connLogs().size());
        assertEquals(2, inputs.skipped().size(), "the dns log and the text file");
        List<MeteredFlow> f = new ArrayList<>();
        read(f, inputs.connLogs());
        assertEquals(List.of("Cfirst", "Csecond"), f.stream().map(MeteredFlow::zeekUid).toList());
    }

    @Test
    void capturesAndConnLogsCannotBeMixedAndAnotherZeekLogIsNamed() throws Exception {
        Path log = write("conn.log", header(STANDARD));
        Path pcap = dir.resolve("x.pcap");
        Files.write(pcap, new byte[]{(byte) 0xd4, (byte) 0xc3, (byte) 0xb2, (byte) 0xa1, 2, 0, 4, 0});
        IllegalArgumentException mixed = assertThrows(IllegalArgumentException.class,
                () -> ConnLogs.classify(List.of(log, pcap)));
        assertTrue(mixed.getMessage().contains("cannot be replayed together"), mixed.getMessage());
        Path dns = write("dns.log", header(STANDARD).replace("#path\tconn", "#path\tdns"));
        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                () -> ConnLogs.classify(List.of(dns)));
        assertTrue(other.getMessage().contains("a Zeek dns log"), other.getMessage());
        assertEquals(List.of(pcap), ConnLogs.classify(List.of(pcap)).captures());
    }

    @Test
    void badRecordsAreCountedByReasonWithTheirLineNumbersAndTheRestGoesThrough() throws Exception {
        String good = row("1700000000", "C1", "10.0.0.1", "1", "10.0.0.2", "2", "tcp", "-", "-", "-", "-", "S0", "-",
                "-", "0", "S", "1", "44", "0", "0", "-");
        Path log = write("conn.log", "1700000000\tno header yet\n" + header(STANDARD) + good
                + row("1700000000", "C2", "10.0.0.999", "1", "10.0.0.2", "2", "tcp", "-", "-", "-", "-", "S0", "-",
                        "-", "0", "S", "1", "44", "0", "0", "-")
                + "too\tfew\tcolumns\n"
                + row("yesterday", "C4", "10.0.0.1", "1", "10.0.0.2", "2", "tcp", "-", "-", "-", "-", "S0", "-", "-",
                        "0", "S", "1", "44", "0", "0", "-")
                + row("1700000000", "C5", "10.0.0.1", "1", "10.0.0.2", "2", "sctp", "-", "-", "-", "-", "S0", "-", "-",
                        "0", "S", "1", "44", "0", "0", "-")
                + row("1700000000", "C6", "10.0.0.1", "70000", "10.0.0.2", "2", "tcp", "-", "-", "-", "-", "S0", "-",
                        "-", "0", "S", "1", "44", "0", "0", "-")
                + row("1700000000", "C7", "10.0.0.1", "1", "10.0.0.2", "2", "tcp", "-", "-", "-", "-", "XX", "-", "-",
                        "0", "S", "1", "44", "0", "0", "-")
                + row("1700000000", "C8", "10.0.0.1", "1", "fd00::2", "2", "tcp", "-", "-", "-", "-", "S0", "-", "-",
                        "0", "S", "1", "44", "0", "0", "-")
                + good);
        List<MeteredFlow> f = new ArrayList<>();
        ZeekReplay replay = read(f, List.of(log));
        assertEquals(2, f.size(), "the good records on either side of the bad ones");
        assertEquals(10, replay.records());
        Rejects r = replay.rejects();
        assertEquals(8, r.total());
        assertEquals(1, r.count(Rejects.Reason.NO_HEADER));
        assertEquals(2, r.count(Rejects.Reason.BAD_ADDRESS));
        assertEquals(1, r.count(Rejects.Reason.MALFORMED));
        assertEquals(1, r.count(Rejects.Reason.BAD_TIME));
        assertEquals(1, r.count(Rejects.Reason.UNKNOWN_PROTO));
        assertEquals(1, r.count(Rejects.Reason.BAD_PORT));
        assertEquals(1, r.count(Rejects.Reason.UNKNOWN_CONN_STATE));
        List<String> first = r.first();
        assertEquals(log + ":1: record before any #fields header", first.get(0));
        assertEquals(log + ":11: bad address: id.orig_h 10.0.0.999", first.get(1));
        assertEquals(log + ":12: malformed line: 3 columns where #fields names 21", first.get(2));
        assertTrue(first.get(7).startsWith(log + ":17: bad address: id.orig_h 10.0.0.1 and id.resp_h fd00::2"),
                first.get(7));
    }

    @Test
    void aTruncatedGzipStopsWithAnErrorAfterDeliveringWhatCameBefore() throws Exception {
        StringBuilder text = new StringBuilder(header(STANDARD));
        for (int i = 0; i < 20000; i++) {
            text.append(row("1700000000", "C" + i, "10.0.0.1", "1", "10.0.0.2", "2", "tcp", "-", "-", "-", "-", "S0",
                    "-", "-", "0", "S", "1", "44", "0", "0", "-"));
        }
        Path whole = gzip("whole.log.gz", text.toString());
        byte[] bytes = Files.readAllBytes(whole);
        Path cut = dir.resolve("cut.log.gz");
        Files.write(cut, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        List<MeteredFlow> f = new ArrayList<>();
        ZeekReplay replay = new ZeekReplay(f::add, Replay.Speed.MAX, null);
        ZeekReplay.FileResult r = replay.run(List.of(cut)).get(0);
        assertTrue(r.error() != null && r.error().startsWith("stopped after line "), String.valueOf(r.error()));
        assertTrue(f.size() > 1000 && f.size() < 20000, "flows before the cut: " + f.size());
    }

    @Test
    void retimeKeepsOneSitesLogsTogetherAndEndsTheLatestNow() {
        long hour = 3_600_000_000L;
        long y2022 = 1_655_000_000_000_000L;
        long y2019 = 1_560_000_000_000_000L;
        List<ZeekReplay.Span> spans = List.of(
                new ZeekReplay.Span(y2019, y2019 + 5, y2019 + hour, 10),
                new ZeekReplay.Span(y2022, y2022 + 5, y2022 + hour, 10),
                new ZeekReplay.Span(y2022 + hour - 60_000_000L, y2022 + hour, y2022 + 2 * hour, 10));
        long now = 1_800_000_000_000_000L;
        long sep = 61_000_000L;
        long[] s = ZeekReplay.retime(spans, now, sep, false);
        assertEquals(now, y2022 + 2 * hour + s[2], "the latest end lands now");
        assertEquals(s[1], s[2], "overlapping rotated logs move as one");
        assertEquals(y2022 + s[1] - sep, y2019 + hour + s[0], "years between unrelated logs become the separation");
        long[] realtime = ZeekReplay.retime(spans, now, sep, true);
        assertEquals(now, y2019 + 5 + realtime[0], "realtime: the earliest end lands now");
    }
}
