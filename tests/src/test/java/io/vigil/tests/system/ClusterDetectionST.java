package io.vigil.tests.system;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.vigil.proto.ingest.v1.Ack;
import io.vigil.proto.ingest.v1.ConnState;
import io.vigil.proto.ingest.v1.Flow;
import io.vigil.proto.ingest.v1.FlowBatch;
import io.vigil.proto.ingest.v1.FlowIngestGrpc;
import io.vigil.tests.load.Keycloak;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Ingest and detection, the built services, in cluster mode on scripts/stack cluster-up (2 shards x 2 replicas): ingest
 * writes through the Distributed tables, detection reads through them and raises the scans' alerts, counting every
 * scan flow exactly once, while a replica of each shard is stopped mid-stream and brought back, and while a replica
 * has fetched a batch's mark but not its flows. Both services use a ClickHouse database of this test only, and two
 * tenants of its own, one per shard (Keycloak clients sensor-cst-a and sensor-cst-b, created if missing).
 */
@Tag("system")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterDetectionST {

    /** The nodes of scripts/stack cluster-up, in the order of its node names (ch-s1r1, ch-s1r2, ch-s2r1, ch-s2r2). */
    private static final List<String> NODES = List.of(System.getenv().getOrDefault("VIGIL_CLUSTER_URLS",
            "http://127.0.0.1:18131,http://127.0.0.1:18132,http://127.0.0.1:18133,http://127.0.0.1:18134").split(","));
    private static final String CLUSTER = System.getenv().getOrDefault("VIGIL_CLUSTER_NAME", "vigil");
    private static final String DATABASE = "vigil_cluster_st";
    /** cityHash64 puts cst-a on shard 1 and cst-b on shard 2 (checked in {@link #start}). */
    private static final List<String> TENANTS = List.of("cst-a", "cst-b");
    private static final int SCAN_TARGETS = 40;
    private static final int NORMAL_FLOWS = 200;
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static Path work;
    private static Process ingest;
    private static Process detection;
    private static String target;

    @BeforeAll
    static void start() throws Exception {
        for (String url : NODES) {
            try {
                assertEquals("4", clickhouseAt(url, "SELECT count() FROM system.clusters WHERE cluster = '" + CLUSTER + "'"));
            } catch (IOException e) {
                throw new IllegalStateException("the local ClickHouse cluster is not up; run: scripts/stack cluster-up", e);
            }
        }
        for (int shard = 0; shard < TENANTS.size(); shard++) {
            assertEquals(String.valueOf(shard), clickhouseAt(NODES.get(0), "SELECT cityHash64('" + TENANTS.get(shard) + "') % 2"));
            SystemStack.sensorClient(TENANTS.get(shard), "msp-a");
        }
        work = SystemStack.ROOT.resolve("tests/target/cluster-detection-st");
        Files.createDirectories(work);
        Files.deleteIfExists(work.resolve("detection.log"));
        int ingestPort = SystemStack.freePort();
        target = "127.0.0.1:" + ingestPort;
        // Ingest's first node is ch-s1r1 and detection's is ch-s1r2: shard 1's rows are written on one replica and
        // read, through the Distributed table (which prefers the node's own replica), on the other.
        ingest = SystemStack.startIngest(ingestPort, DATABASE, Map.of("VIGIL_CLICKHOUSE_URL", String.join(",", NODES),
                "VIGIL_CLICKHOUSE_CLUSTER", CLUSTER), work.resolve("ingest.log"));
        detection = SystemStack.startDetection(SystemStack.freePort(), DATABASE, Map.of("VIGIL_CLICKHOUSE_URL",
                String.join(",", NODES.get(1), NODES.get(0), NODES.get(3), NODES.get(2)), "VIGIL_CLICKHOUSE_CLUSTER", CLUSTER),
                work.resolve("detection.log"));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            SystemStack.stop(detection);
            SystemStack.stop(ingest);
        } finally {
            for (String url : NODES) {
                clickhouseAt(url, "SYSTEM START FETCHES " + DATABASE + ".flows_local");
            }
        }
    }

    /** First: detection still reads shard 1 on ch-s1r2, its first node, which the outage below makes it leave. */
    @Test
    @Order(1)
    void aBatchWhoseFlowsAReplicaHasNotFetchedIsJudgedOnlyOnceItHasThem() throws Exception {
        String tenant = TENANTS.get(0);
        String scanner = scanner();
        String lagging = NODES.get(1);
        try (Sensor sensor = new Sensor(tenant)) {
            clickhouseAt(lagging, "SYSTEM STOP FETCHES " + DATABASE + ".flows_local");
            try {
                sensor.send(scan(scanner, 0));
                await(String.valueOf(sensor.sequence), () -> clickhouseAt(lagging, "SELECT toInt64(maxMerge(max_seq))"
                        + " FROM " + DATABASE + ".sensor_batches_local WHERE tenant_id = '" + tenant + "'"), "ch-s1r2 fetched the batch's mark");
                assertEquals("0", clickhouseAt(lagging, "SELECT count() FROM " + DATABASE + ".flows_local WHERE tenant_id = '" + tenant
                        + "' AND batch_seq = " + sensor.sequence), "ch-s1r2 has not fetched the batch's flows");
                await("true", () -> String.valueOf(Files.readString(work.resolve("detection.log")).contains("a replica is still fetching")),
                        "detection says why it waits");
                TimeUnit.SECONDS.sleep(4); // two more detection cycles, each reading shard 1 on ch-s1r2
                assertEquals("", alert(tenant, scanner), "judged without its rows");
                assertTrue(mark(tenant, sensor) < sensor.sequence, "the mark stays before the batch");
            } finally {
                clickhouseAt(lagging, "SYSTEM START FETCHES " + DATABASE + ".flows_local");
            }
            await(SCAN_TARGETS + "", () -> alert(tenant, scanner), "the alert once ch-s1r2 has the rows");
            await(String.valueOf(sensor.sequence), () -> String.valueOf(mark(tenant, sensor)), "the mark moved past the batch");
        }
    }

    @Test
    @Order(2)
    void raisesEachScanOnceWhileAReplicaOfEachShardIsDownAndBack() throws Exception {
        String scanner = scanner();
        List<Sensor> sensors = new ArrayList<>();
        try {
            for (String tenant : TENANTS) {
                sensors.add(new Sensor(tenant));
            }
            long[] scans = new long[sensors.size()];
            // a scan batch is sent only while no replica is stopping or starting: a part a stopping replica took in
            // its last moments is not readable until it is back (services/ingest/DESIGN.md), and detection would judge
            // the later batches without it
            round(sensors, scans, scanner, true);
            round(sensors, scans, scanner, false);
            CompletableFuture<Void> down = CompletableFuture.runAsync(() -> stack("cluster-down", "ch-s1r2", "ch-s2r1"));
            try {
                do {
                    round(sensors, scans, null, false); // the streams go on while the replicas stop
                } while (!down.isDone());
                down.join();
                round(sensors, scans, null, false);
                TimeUnit.SECONDS.sleep(2);
                round(sensors, scans, scanner, true);
                round(sensors, scans, scanner, false);
            } finally {
                stack("cluster-up", "ch-s1r2", "ch-s2r1");
            }
            round(sensors, scans, null, false);
            round(sensors, scans, scanner, true);

            for (int i = 0; i < sensors.size(); i++) {
                Sensor s = sensors.get(i);
                await(String.valueOf(scans[i]), () -> alert(s.tenant, scanner), s.tenant + ": every scan flow counted once");
                for (String url : NODES) {
                    await(String.valueOf(s.stored), () -> clickhouseAt(url, "SELECT count() FROM " + DATABASE + ".flows WHERE tenant_id = '"
                            + s.tenant + "' AND batch_seq > " + s.first + " AND batch_seq <= " + s.sequence),
                            s.tenant + ": its flows once through the Distributed table on " + url);
                }
            }
        } finally {
            for (Sensor s : sensors) {
                s.close();
            }
        }
    }

    /** Each sensor sends a batch of ordinary sessions, plus a horizontal scan from {@code scanner} in every other one. */
    private static void round(List<Sensor> sensors, long[] scans, String scanner, boolean scan) throws Exception {
        for (int i = 0; i < sensors.size(); i++) {
            Sensor s = sensors.get(i);
            FlowBatch.Builder batch = FlowBatch.newBuilder();
            for (int f = 0; f < NORMAL_FLOWS; f++) {
                batch.addFlows(session(f));
            }
            if (scan) {
                batch.addAllFlows(scan(scanner, (int) s.sequence).getFlowsList());
                scans[i] += SCAN_TARGETS;
            }
            s.send(batch);
        }
    }

    /** SYNs nobody answered from {@code scanner} to SCAN_TARGETS hosts of 10.77.{block}.0/24, port 22. */
    private static FlowBatch.Builder scan(String scanner, int block) {
        long now = System.currentTimeMillis();
        FlowBatch.Builder batch = FlowBatch.newBuilder();
        for (int i = 0; i < SCAN_TARGETS; i++) {
            batch.addFlows(Flow.newBuilder().setStartTimeMs(now - 2_000 + i).setEndTimeMs(now - 1_000 + i).setIpVersion(4)
                    .setOrigAddr(ipv4(scanner)).setRespAddr(ByteString.copyFrom(new byte[]{10, 77, (byte) block, (byte) (i + 1)}))
                    .setOrigPort(40_000 + i).setRespPort(22).setProtocol(6).setOrigPackets(1).setOrigBytes(60)
                    .setOrigTcpFlags(0x02).setConnState(ConnState.S0).setHistory("S"));
        }
        return batch;
    }

    private static Flow session(int i) {
        long now = System.currentTimeMillis();
        return Flow.newBuilder().setStartTimeMs(now - 3_000).setEndTimeMs(now - 2_500).setIpVersion(4)
                .setOrigAddr(ByteString.copyFrom(new byte[]{10, 88, 0, (byte) (1 + i % 200)}))
                .setRespAddr(ByteString.copyFrom(new byte[]{10, 88, 1, 1})).setOrigPort(30_000 + i).setRespPort(443)
                .setProtocol(6).setOrigPackets(6).setOrigBytes(900).setRespPackets(5).setRespBytes(4_000)
                .setOrigTcpFlags(0x1B).setRespTcpFlags(0x1B).setConnState(ConnState.SF).setHistory("ShADadFf").build();
    }

    /** A scanner address of this run only, so each run raises its own alerts. */
    private static String scanner() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        return "10.66." + r.nextInt(1, 255) + "." + r.nextInt(1, 255);
    }

    private static ByteString ipv4(String address) {
        String[] parts = address.split("\\.");
        byte[] bytes = new byte[4];
        for (int i = 0; i < 4; i++) {
            bytes[i] = (byte) Integer.parseInt(parts[i]);
        }
        return ByteString.copyFrom(bytes);
    }

    /** The attempts of the tenant's HORIZONTAL alert from {@code source}, or "" if there is none. */
    private static String alert(String tenant, String source) throws Exception {
        return SystemStack.postgres("SELECT attempts FROM detection.alerts WHERE customer_id = '" + tenant
                + "' AND type = 'HORIZONTAL' AND source = '" + source + "'").strip();
    }

    private static long mark(String tenant, Sensor sensor) throws Exception {
        String mark = SystemStack.postgres("SELECT processed_seq FROM detection.sensor_marks WHERE tenant_id = '" + tenant
                + "' AND sensor_id = '" + sensor.clientId + "'").strip();
        return mark.isEmpty() ? 0 : Long.parseLong(mark);
    }

    private static void await(String expected, Callable actual, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        String last = null;
        while (System.nanoTime() < deadline) {
            last = actual.call();
            if (expected.equals(last)) {
                return;
            }
            TimeUnit.MILLISECONDS.sleep(500);
        }
        assertEquals(expected, last, what);
    }

    private interface Callable {
        String call() throws Exception;
    }

    /** One statement on one node; tables are named with their database. */
    private static String clickhouseAt(String url, String sql) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/"))
                .POST(HttpRequest.BodyPublishers.ofString(sql)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(url + ": HTTP " + r.statusCode() + " " + r.body() + " for " + sql);
        }
        return r.body().strip();
    }

    /** {@link SystemStack#stack} for a lambda: its failures unchecked, within the 180 s a node's stop or start takes at most. */
    private static void stack(String... args) {
        try {
            SystemStack.stack(Duration.ofSeconds(180), args);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A sensor of one tenant streaming numbered batches to ingest, each awaited until stored. */
    private static final class Sensor implements AutoCloseable {
        final String tenant;
        final String clientId;
        final ManagedChannel channel;
        final BlockingQueue<Ack> acks = new LinkedBlockingQueue<>();
        final CompletableFuture<Status> end = new CompletableFuture<>();
        final StreamObserver<FlowBatch> out;
        /** The high-water mark when the stream opened: batches above it are this test's. */
        final long first;
        long sequence;
        long stored;

        Sensor(String tenant) throws Exception {
            this.tenant = tenant;
            this.clientId = "sensor-" + tenant;
            channel = ManagedChannelBuilder.forTarget(target).usePlaintext().build();
            Metadata headers = new Metadata();
            headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer "
                    + Keycloak.clientToken(SystemStack.ISSUER, clientId, "dev-" + clientId));
            out = FlowIngestGrpc.newStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
                    .export(new StreamObserver<>() {
                        @Override
                        public void onNext(Ack ack) {
                            acks.add(ack);
                        }

                        @Override
                        public void onError(Throwable t) {
                            end.complete(Status.fromThrowable(t));
                        }

                        @Override
                        public void onCompleted() {
                            end.complete(Status.OK);
                        }
                    });
            Ack initial = nextAck();
            assertTrue(initial.getInitial(), tenant + ": the initial Ack first");
            first = initial.getSequence();
            sequence = first;
        }

        /** Sends the next batch and waits until ingest acknowledges it as stored. */
        void send(FlowBatch.Builder batch) throws Exception {
            FlowBatch b = batch.setSequence(++sequence).build();
            out.onNext(b);
            Ack ack = nextAck();
            assertEquals(sequence, ack.getSequence(), tenant + ": Acks in order");
            assertFalse(ack.getDuplicate(), tenant + ": batch " + sequence + " is new");
            assertEquals(b.getFlowsCount(), ack.getAccepted(), tenant + ": every flow accepted");
            stored += ack.getAccepted();
        }

        private Ack nextAck() throws Exception {
            Ack ack = acks.poll(120, TimeUnit.SECONDS);
            if (ack == null) {
                throw new AssertionError(tenant + ": no Ack in 120 s; stream " + (end.isDone() ? "ended: " + end.join() : "open"));
            }
            return ack;
        }

        @Override
        public void close() throws InterruptedException {
            out.onCompleted();
            channel.shutdown().awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
