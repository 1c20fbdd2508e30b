package io.vigil.tests.system;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.grpc.Status;
import io.vigil.proto.ingest.v1.ConnState;
import io.vigil.proto.ingest.v1.Flow;
import io.vigil.proto.ingest.v1.FlowBatch;
import io.vigil.tests.load.Keycloak;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A seeded protobuf fuzz of Export against the real ingest process: random bytes, mutated batches (bit flips,
 * truncation, wrong wire types, huge length prefixes), oversize batches and deep nesting, each sent after a few valid
 * batches on one stream. Every bad stream must end with a status and a reason (or, when the bytes still are a FlowBatch,
 * be acknowledged), ingest stays ready, and every valid batch is stored exactly once, resent as the sensor would when
 * its stream broke before the Ack. Rerun a failure with {@code -Dvigil.fuzz.seed=<seed printed>}.
 */
@Tag("system")
class ExportFuzzST {

    private static final String DB = "vigil_export_fuzz_st";
    private static final int FLOWS_PER_VALID_BATCH = 5;
    private static final int CASES = Integer.getInteger("vigil.fuzz.export-cases", 84);
    private static final Set<Status.Code> BAD_INPUT = Set.of(Status.Code.INVALID_ARGUMENT, Status.Code.RESOURCE_EXHAUSTED);
    private static final int MAX_MESSAGE = 4 * 1024 * 1024;

    private static Process ingest;
    private static String target;
    private static int port;

    /** The ways a batch is made bad. */
    enum Mutation { RANDOM_BYTES, BIT_FLIPS, TRUNCATION, WRONG_WIRE_TYPE, HUGE_LENGTH, OVERSIZE, DEEP_NESTING }

    @BeforeAll
    static void startIngest() throws Exception {
        SystemStack.clickhouse("DROP DATABASE IF EXISTS " + DB);
        Path work = SystemStack.ROOT.resolve("tests/target/export-fuzz-st");
        Files.createDirectories(work);
        port = SystemStack.freePort();
        target = "127.0.0.1:" + port;
        ingest = SystemStack.startIngest(port, DB, work.resolve("ingest.log"));
    }

    @AfterAll
    static void stopIngest() throws Exception {
        SystemStack.stop(ingest);
        SystemStack.clickhouse("DROP DATABASE IF EXISTS " + DB);
    }

    @Test
    void badBatchesEndTheirStreamWithAReasonAndLoseNoValidBatchSentBeforeThem() throws Exception {
        long seed = Long.getLong("vigil.fuzz.seed", System.nanoTime());
        System.out.println("ExportFuzzST seed " + seed + " (rerun: -Dvigil.fuzz.seed=" + seed + ")");
        Random random = new Random(seed);
        String token = Keycloak.clientToken(SystemStack.ISSUER, "sensor-a1", "dev-sensor-a1");
        List<String> failures = new ArrayList<>();
        Map<Mutation, Map<String, Integer>> outcomes = new EnumMap<>(Mutation.class);
        // The sensor's spool: valid batches not yet acknowledged, resent first on the next stream.
        TreeMap<Long, byte[]> spool = new TreeMap<>();
        List<Long> validSequences = new ArrayList<>();
        long nextSequence = 0;
        int resent = 0;
        long started = System.nanoTime();

        for (int i = 0; i < CASES; i++) {
            if (token == null || i % 40 == 0) {
                token = Keycloak.clientToken(SystemStack.ISSUER, "sensor-a1", "dev-sensor-a1");
            }
            Mutation mutation = Mutation.values()[i % Mutation.values().length];
            try (ExportCall call = ExportCall.open(target, token)) {
                long highWater = call.initial();
                spool.headMap(highWater, true).clear();
                nextSequence = Math.max(nextSequence, highWater);
                for (Map.Entry<Long, byte[]> pending : spool.entrySet()) {
                    call.send(pending.getValue());
                    resent++;
                }
                nextSequence = Math.max(nextSequence, spool.isEmpty() ? 0 : spool.lastKey());
                int valid = random.nextInt(3);
                for (int v = 0; v < valid; v++) {
                    long sequence = ++nextSequence;
                    byte[] batch = validBatch(sequence, random).toByteArray();
                    spool.put(sequence, batch);
                    validSequences.add(sequence);
                    call.send(batch);
                }
                byte[] bad = mutate(mutation, random, nextSequence + 1, nextSequence);
                call.send(bad);
                call.halfClose();
                ExportCall.End end = call.awaitEnd(30);
                for (var ack : end.acks()) {
                    spool.headMap(ack.getSequence(), true).clear();
                }
                String outcome = check(mutation, bad, highWater, end, failures, i);
                outcomes.computeIfAbsent(mutation, m -> new LinkedHashMap<>()).merge(outcome, 1, Integer::sum);
                FlowBatch parsed = parseOrNull(bad);
                if (parsed != null && end.status().isOk()) {
                    nextSequence = Math.max(nextSequence, parsed.getSequence());
                }
            }
        }
        long fuzzNanos = System.nanoTime() - started;

        assertEquals(200, HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + target + "/q/health/ready"))
                .build(), HttpResponse.BodyHandlers.ofString()).statusCode(), "ingest is still ready");
        assertTrue(ingest.isAlive(), "ingest did not crash");
        try (ExportCall call = ExportCall.open(target, Keycloak.clientToken(SystemStack.ISSUER, "sensor-a1", "dev-sensor-a1"))) {
            long highWater = call.initial();
            spool.headMap(highWater, true).clear();
            for (byte[] pending : spool.values()) {
                call.send(pending);
                resent++;
            }
            long last = Math.max(highWater, spool.isEmpty() ? 0 : spool.lastKey()) + 1;
            call.send(validBatch(last, random).toByteArray());
            validSequences.add(last);
            call.halfClose();
            ExportCall.End end = call.awaitEnd(30);
            assertTrue(end.status().isOk(), "a good stream after the fuzz works: " + end.status());
            assertEquals(FLOWS_PER_VALID_BATCH, end.acks().get(end.acks().size() - 1).getAccepted());
        }

        String stored = SystemStack.clickhouse("SELECT batch_seq, count() FROM " + DB + ".flows WHERE sensor_id = 'sensor-a1'"
                + " AND batch_seq IN (" + validSequences.stream().map(String::valueOf).reduce((a, b) -> a + "," + b).orElse("0")
                + ") GROUP BY batch_seq ORDER BY batch_seq");
        Map<Long, Integer> perBatch = new TreeMap<>();
        for (String line : stored.split("\n")) {
            if (!line.isBlank()) {
                String[] cols = line.split("\t");
                perBatch.put(Long.parseLong(cols[0]), Integer.parseInt(cols[1]));
            }
        }
        for (long sequence : validSequences) {
            if (perBatch.getOrDefault(sequence, 0) != FLOWS_PER_VALID_BATCH) {
                failures.add("valid batch " + sequence + " stored " + perBatch.getOrDefault(sequence, 0) + " flows, not "
                        + FLOWS_PER_VALID_BATCH);
            }
        }
        System.out.printf("ExportFuzzST: %d bad streams in %.1f s, %d valid batches (%d resent after a broken stream), "
                + "outcomes %s%n", CASES, fuzzNanos / 1e9, validSequences.size(), resent, outcomes);
        assertTrue(failures.isEmpty(), "seed " + seed + ": " + failures.size() + " failures:\n" + String.join("\n", failures));
    }

    /**
     * A message over vigil.ingest.max-batch-bytes (4 MiB) is refused by ingest with RESOURCE_EXHAUSTED and the limit in
     * the description; the gRPC layer's own limit, which answers without one, sits above it (8 MiB).
     */
    @Test
    void aMessageOverFourMebibytesIsRefusedWithAReason() throws Exception {
        String token = Keycloak.clientToken(SystemStack.ISSUER, "sensor-a1", "dev-sensor-a1");
        try (ExportCall call = ExportCall.open(target, token)) {
            long highWater = call.initial();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            CodedOutputStream coded = CodedOutputStream.newInstance(out);
            coded.writeUInt64(1, highWater + 1);
            coded.writeByteArray(99, new byte[MAX_MESSAGE + 1]);
            coded.flush();
            call.send(out.toByteArray());
            call.halfClose();
            Status status = call.awaitEnd(30).status();
            assertEquals(Status.Code.RESOURCE_EXHAUSTED, status.getCode());
            assertTrue(status.getDescription() != null && status.getDescription().contains("the limit is 4194304 bytes"),
                    "a reason: " + status);
        }
    }

    /**
     * Judges one stream's end: a status with a reason for anything that is not a FlowBatch; for bytes that still are a
     * FlowBatch an Ack is fine too (bad flows in it are counted per reason, the rest stored, as the contract says). A
     * mutated sequence at or below the stream's high-water mark is a resend by the contract: acknowledged as a duplicate
     * without its flows being read.
     */
    private static String check(Mutation mutation, byte[] bad, long highWater, ExportCall.End end, List<String> failures, int i) {
        Status status = end.status();
        FlowBatch parsed = parseOrNull(bad);
        String what = "case " + i + " " + mutation + " (" + bad.length + " bytes)";
        if (status.isOk() && !end.acks().isEmpty() && end.acks().get(end.acks().size() - 1).getDuplicate()) {
            var ack = end.acks().get(end.acks().size() - 1);
            if (ack.getSequence() != highWater || ack.getAccepted() != 0) {
                failures.add(what + ": a duplicate Ack must carry the stored high-water mark " + highWater + " and accept nothing: " + ack);
            }
            return "DUPLICATE";
        }
        if (status.isOk()) {
            // protobuf's own parser refuses a bad string (invalid UTF-8) in a Flow; ingest rejects just that flow
            boolean flowRejected = !end.acks().isEmpty() && end.acks().get(end.acks().size() - 1).getRejectedCount() > 0;
            if (parsed == null && !flowRejected) {
                failures.add(what + ": acknowledged with no flow rejected, though it is not a FlowBatch: " + end.acks());
            }
            return parsed == null ? "ACK_WITH_REJECTED_FLOWS" : "ACK";
        }
        if (!BAD_INPUT.contains(status.getCode())) {
            failures.add(what + ": ended with " + status.getCode() + " " + status.getDescription());
        } else if (status.getDescription() == null || status.getDescription().isBlank()) {
            failures.add(what + ": " + status.getCode() + " without a reason");
        }
        return status.getCode().name();
    }

    /**
     * The bytes as protobuf's own parser reads them, or null if it refuses them. Its recursion limit is raised from 100
     * to 1,000: unknown groups nested a few hundred deep are still a FlowBatch, which ingest may skip or refuse.
     */
    private static FlowBatch parseOrNull(byte[] bytes) {
        try {
            com.google.protobuf.CodedInputStream in = com.google.protobuf.CodedInputStream.newInstance(bytes);
            in.setRecursionLimit(1_000);
            FlowBatch batch = FlowBatch.parseFrom(in);
            in.checkLastTagWas(0);
            return batch;
        } catch (IOException | StackOverflowError e) {
            return null;
        }
    }

    private static FlowBatch validBatch(long sequence, Random random) {
        FlowBatch.Builder batch = FlowBatch.newBuilder().setSequence(sequence);
        long now = System.currentTimeMillis();
        for (int i = 0; i < FLOWS_PER_VALID_BATCH; i++) {
            batch.addFlows(validFlow(random, now));
        }
        return batch.build();
    }

    private static Flow validFlow(Random random, long now) {
        long start = now - 1_000 - random.nextInt(30_000);
        return Flow.newBuilder().setStartTimeMs(start).setEndTimeMs(start + random.nextInt(900)).setIpVersion(4)
                .setOrigAddr(ByteString.copyFrom(new byte[]{10, 9, (byte) random.nextInt(256), (byte) (1 + random.nextInt(250))}))
                .setRespAddr(ByteString.copyFrom(new byte[]{10, 9, 0, 1})).setOrigPort(1024 + random.nextInt(60_000))
                .setRespPort(443).setProtocol(6).setOrigPackets(3).setOrigBytes(180).setRespPackets(2).setRespBytes(120)
                .setOrigTcpFlags(0x1B).setRespTcpFlags(0x1B).setConnState(ConnState.SF).setHistory("ShADadFf").build();
    }

    /**
     * A bad batch of the given kind. Bytes that still parse as a FlowBatch are kept only if their sequence is near
     * {@code sequence}, so an acknowledged one cannot push the sensor's high-water mark out of reach of later cases.
     */
    private static byte[] mutate(Mutation mutation, Random random, long sequence, long previous) throws IOException {
        for (int attempt = 0; ; attempt++) {
            byte[] bad = mutateOnce(mutation, random, sequence);
            FlowBatch parsed = parseOrNull(bad);
            if (parsed == null || parsed.getSequence() <= sequence + 1_000 || attempt > 50) {
                return bad;
            }
        }
    }

    private static byte[] mutateOnce(Mutation mutation, Random random, long sequence) throws IOException {
        byte[] valid = validBatch(sequence, random).toByteArray();
        return switch (mutation) {
            case RANDOM_BYTES -> {
                byte[] bytes = new byte[random.nextInt(4_096)];
                random.nextBytes(bytes);
                yield bytes;
            }
            case BIT_FLIPS -> {
                byte[] bytes = valid.clone();
                for (int n = 1 + random.nextInt(16); n > 0; n--) {
                    int bit = random.nextInt(bytes.length * 8);
                    bytes[bit / 8] ^= (byte) (1 << (bit % 8));
                }
                yield bytes;
            }
            case TRUNCATION -> java.util.Arrays.copyOf(valid, 1 + random.nextInt(valid.length - 1));
            case WRONG_WIRE_TYPE -> wrongWireType(random, sequence, valid);
            case HUGE_LENGTH -> hugeLength(random, sequence, valid);
            case OVERSIZE -> oversize(random, sequence, valid);
            case DEEP_NESTING -> deepNesting(random, sequence, valid);
        };
    }

    /** Field 2 (a Flow) sent as a varint, or a Flow whose field is sent with another wire type than declared. */
    private static byte[] wrongWireType(Random random, long sequence, byte[] valid) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream coded = CodedOutputStream.newInstance(out);
        coded.writeUInt64(1, sequence);
        if (random.nextBoolean()) {
            coded.writeUInt64(2, random.nextLong() >>> 1);
        } else {
            ByteArrayOutputStream flow = new ByteArrayOutputStream();
            CodedOutputStream f = CodedOutputStream.newInstance(flow);
            int field = 1 + random.nextInt(21);
            switch (random.nextInt(3)) {
                case 0 -> f.writeFixed64(field, random.nextLong());
                case 1 -> f.writeFixed32(field, random.nextInt());
                default -> {
                    // a varint field as bytes, or a bytes/string field as a varint
                    if (field == 4 || field == 5 || field == 18 || field == 20) {
                        f.writeUInt64(field, random.nextLong() >>> 1);
                    } else {
                        f.writeByteArray(field, new byte[]{1, 2, 3, 4});
                    }
                }
            }
            f.flush();
            coded.writeByteArray(2, flow.toByteArray());
        }
        coded.flush();
        return concat(valid, out.toByteArray());
    }

    /** A length prefix far beyond the bytes that follow, on a Flow or on a string inside one. */
    private static byte[] hugeLength(Random random, long sequence, byte[] valid) throws IOException {
        long[] lengths = {0x7FFF_FFFFL, 0xFFFF_FFFFL, 1L << 35, -1L, MAX_MESSAGE + 1L, 1_000_000L};
        long length = lengths[random.nextInt(lengths.length)];
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream coded = CodedOutputStream.newInstance(out);
        if (random.nextBoolean()) {
            coded.writeTag(2, 2);
            coded.writeUInt64NoTag(length);
            coded.writeRawBytes(new byte[]{8, 1, 16, 2});
        } else {
            ByteArrayOutputStream flow = new ByteArrayOutputStream();
            CodedOutputStream f = CodedOutputStream.newInstance(flow);
            f.writeUInt32(3, 4);
            f.writeTag(18, 2);
            f.writeUInt64NoTag(length);
            f.writeRawBytes("ShAD".getBytes());
            f.flush();
            coded.writeByteArray(2, flow.toByteArray());
        }
        coded.flush();
        return random.nextBoolean() ? concat(valid, out.toByteArray()) : concat(sequenceOnly(sequence), out.toByteArray());
    }

    /** Over the 4 MiB message limit (an unknown bytes field), or over the 10,000-flow batch limit. */
    private static byte[] oversize(Random random, long sequence, byte[] valid) throws IOException {
        if (random.nextBoolean()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            CodedOutputStream coded = CodedOutputStream.newInstance(out);
            coded.writeByteArray(99, new byte[MAX_MESSAGE + random.nextInt(1 << 20)]);
            coded.flush();
            return concat(valid, out.toByteArray());
        }
        FlowBatch.Builder batch = FlowBatch.newBuilder().setSequence(sequence);
        Flow flow = validFlow(random, System.currentTimeMillis());
        for (int i = 0; i < 10_001 + random.nextInt(100); i++) {
            batch.addFlows(flow);
        }
        return batch.build().toByteArray();
    }

    /**
     * Unknown fields nested deep: groups inside groups (which a protobuf parser can only skip by recursing) or
     * length-delimited fields inside each other, at the top level or inside a Flow.
     */
    private static byte[] deepNesting(Random random, long sequence, byte[] valid) throws IOException {
        int depth = new int[]{100, 1_000, 10_000, 100_000, 1_000_000}[random.nextInt(5)];
        byte[] nested;
        if (random.nextBoolean()) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(depth * 2);
            for (int d = 0; d < depth; d++) {
                out.write((15 << 3) | 3);
            }
            for (int d = 0; d < depth; d++) {
                out.write((15 << 3) | 4);
            }
            nested = out.toByteArray();
        } else {
            nested = new byte[]{8, 1};
            for (int d = 0; d < Math.min(depth, 2_000); d++) {
                ByteArrayOutputStream out = new ByteArrayOutputStream(nested.length + 8);
                CodedOutputStream coded = CodedOutputStream.newInstance(out);
                coded.writeByteArray(16, nested);
                coded.flush();
                nested = out.toByteArray();
            }
        }
        if (random.nextBoolean()) {
            return concat(valid, nested);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream coded = CodedOutputStream.newInstance(out);
        coded.writeByteArray(2, concat(validFlow(random, System.currentTimeMillis()).toByteArray(), nested));
        coded.flush();
        return concat(valid, out.toByteArray());
    }

    private static byte[] sequenceOnly(long sequence) {
        return FlowBatch.newBuilder().setSequence(sequence).build().toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
