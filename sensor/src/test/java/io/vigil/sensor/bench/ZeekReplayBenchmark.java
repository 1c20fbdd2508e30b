package io.vigil.sensor.bench;

import io.vigil.sensor.capture.Replay;
import io.vigil.sensor.it.Tools;
import io.vigil.sensor.output.FlowJson;
import io.vigil.sensor.output.JsonLinesSink;
import io.vigil.sensor.zeek.ZeekReplay;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Zeek conn log replay throughput against zeek-cut-style parsing with awk of the same file, in the same run. Prints
 * BENCH lines; asserts only that every record became a flow.
 *
 * <p>The log: 1 M records in Zeek's TSV layout with the Stratosphere logs' columns (label columns included), TCP
 * sessions, refused and unanswered attempts, DNS-like UDP, pings, a tenth of them IPv6, no community_id (so the
 * sensor computes one per record, as it must for a plain Zeek). awk (Debian's mawk) finds the mapped columns by their
 * #fields name and prints them, which is what zeek-cut does; the sensor parses the same columns into flows, with
 * addresses, times, counts, TCP flags from history and a Community ID, in-JVM (counting flows, then writing every
 * flow as JSON). Three interleaved rounds; each figure is its best round.
 */
@Tag("bench")
class ZeekReplayBenchmark {

    private static final int RECORDS = 1_000_000;
    private static final int ROUNDS = 3;
    private static final String AWK = """
            BEGIN { FS = "\\t"; OFS = "\\t"; n = split(want, w, ",") }
            /^#fields/ { for (i = 2; i <= NF; i++) col[$i] = i - 1; next }
            /^#/ { next }
            { line = ""; for (k = 1; k <= n; k++) line = line (k > 1 ? OFS : "") $(col[w[k]]); print line }
            """;
    private static final String WANT = "ts,uid,id.orig_h,id.orig_p,id.resp_h,id.resp_p,proto,duration,conn_state,"
            + "history,orig_pkts,orig_ip_bytes,resp_pkts,resp_ip_bytes,missed_bytes";

    @Test
    void zeekReplayRecordsPerSecondAgainstAwk() throws Exception {
        Path dir = Tools.repoRoot().resolve("sensor/target/bench");
        Files.createDirectories(dir);
        Path log = dir.resolve("conn-1m.log");
        generate(log);
        double sensor = 0;
        double cold = 0;
        double json = 0;
        double awk = 0;
        for (int round = 0; round < ROUNDS; round++) {
            AtomicLong flows = new AtomicLong();
            long t0 = System.nanoTime();
            new ZeekReplay(f -> flows.incrementAndGet(), Replay.Speed.MAX, null).run(List.of(log));
            double secs = (System.nanoTime() - t0) / 1e9;
            assertEquals(RECORDS, flows.get());
            sensor = Math.max(sensor, RECORDS / secs);
            if (round == 0) {
                cold = RECORDS / secs;
            }
            System.out.printf(Locale.ROOT, "round %d: sensor %.2f s%n", round + 1, secs);
            t0 = System.nanoTime();
            try (JsonLinesSink sink = new JsonLinesSink(OutputStream.nullOutputStream(), FlowJson.Dialect.READABLE)) {
                new ZeekReplay(sink, Replay.Speed.MAX, null).run(List.of(log));
            }
            secs = (System.nanoTime() - t0) / 1e9;
            json = Math.max(json, RECORDS / secs);
            System.out.printf(Locale.ROOT, "round %d: sensor with JSON output %.2f s%n", round + 1, secs);
            t0 = System.nanoTime();
            Process p = new ProcessBuilder("awk", "-v", "want=" + WANT, AWK, log.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            if (!p.waitFor(600, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("awk failed");
            }
            secs = (System.nanoTime() - t0) / 1e9;
            awk = Math.max(awk, RECORDS / secs);
            System.out.printf(Locale.ROOT, "round %d: awk %.2f s%n", round + 1, secs);
        }
        String awkName = Tools.run(10, "readlink", "-f", Tools.run(10, "sh", "-c", "command -v awk").strip()).strip();
        System.out.printf(Locale.ROOT, "BENCH zeek_replay_rps %.0f records/s ratio=%.2f vs awk (zeek-cut style, %s)%n",
                sensor, sensor / awk, awkName);
        System.out.printf(Locale.ROOT, "BENCH zeek_replay_cold_rps %.0f records/s ratio=%.2f vs awk (first round, JIT "
                + "cold)%n", cold, cold / awk);
        System.out.printf(Locale.ROOT, "BENCH zeek_replay_json_rps %.0f records/s ratio=%.2f vs awk (every flow "
                + "written as JSON)%n", json, json / awk);
        System.out.printf(Locale.ROOT, "BENCH awk_zeek_cut_rps %.0f records/s%n", awk);
        System.out.printf(Locale.ROOT, "BENCH zeek_log_bytes %d bytes (%,d records)%n", Files.size(log), RECORDS);
    }

    /** Writes a Zeek TSV conn log of {@link #RECORDS} records. */
    private static void generate(Path file) throws IOException {
        Random random = new Random(20261207);
        long ts = 1_655_000_000_000_000L;
        try (BufferedWriter w = Files.newBufferedWriter(file)) {
            w.write("#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n"
                    + "#open\t2022-06-12-00-00-00\n#fields\tts\tuid\tid.orig_h\tid.orig_p\tid.resp_h\tid.resp_p\tproto"
                    + "\tservice\tduration\torig_bytes\tresp_bytes\tconn_state\tlocal_orig\tlocal_resp\tmissed_bytes"
                    + "\thistory\torig_pkts\torig_ip_bytes\tresp_pkts\tresp_ip_bytes\ttunnel_parents\tlabel"
                    + "\tdetailedlabel\n#types\ttime\tstring\taddr\tport\taddr\tport\tenum\tstring\tinterval\tcount"
                    + "\tcount\tstring\tbool\tbool\tcount\tstring\tcount\tcount\tcount\tcount\tset[string]\tstring"
                    + "\tstring\n");
            StringBuilder b = new StringBuilder(256);
            for (int i = 0; i < RECORDS; i++) {
                ts += random.nextInt(2000);
                boolean v6 = random.nextInt(10) == 0;
                String orig = v6 ? "fd00::" + Integer.toHexString(random.nextInt(65536)) : "10.0." + random.nextInt(256)
                        + "." + random.nextInt(256);
                String resp = v6 ? "fd00:1::" + Integer.toHexString(random.nextInt(65536)) : "147.32."
                        + random.nextInt(256) + "." + random.nextInt(256);
                b.setLength(0);
                b.append(ts / 1_000_000).append('.').append(String.format(Locale.ROOT, "%06d", ts % 1_000_000))
                        .append("\tC").append(Long.toString(random.nextLong() & Long.MAX_VALUE, 36)).append('\t')
                        .append(orig).append('\t');
                int kind = random.nextInt(5);
                if (kind == 4) {
                    // a ping: ICMP "ports" are type 8 and its counterpart's type 0
                    b.append("8\t").append(resp).append("\t0\ticmp\t-\t0.001\t56\t56\tOTH\tT\tF\t0\t-\t1\t84\t1\t84"
                            + "\t(empty)\tBenign\t(empty)");
                } else {
                    b.append(1024 + random.nextInt(60000)).append('\t').append(resp).append('\t');
                    switch (kind) {
                        case 0, 1 -> b.append("443\ttcp\tssl\t1.135424\t1596\t4039\tSF\tT\tF\t0\tShADdaFf\t14\t1016"
                                + "\t16\t1226\t(empty)\tBenign\tMicrosoft");
                        case 2 -> b.append(random.nextInt(1024)).append("\ttcp\t-\t-\t-\t-\t")
                                .append(random.nextBoolean() ? "S0\tF\tT\t0\tS\t2\t88\t0\t0"
                                        : "REJ\tF\tT\t0\tSr\t1\t44\t1\t40")
                                .append("\t(empty)\tMalicious\tExternal-Attack-to-Device");
                        default -> b.append("53\tudp\tdns\t0.017912\t48\t64\tSF\tT\tF\t0\tDd\t1\t76\t1\t92\t(empty)"
                                + "\tBenign\t(empty)");
                    }
                }
                w.write(b.toString());
                w.write('\n');
            }
        }
    }
}
