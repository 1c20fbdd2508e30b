package io.vigil.ingest.export;

import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;
import io.vigil.ingest.support.ExportClient;
import io.vigil.ingest.support.Flows;
import io.vigil.ingest.support.LogCapture;
import io.vigil.ingest.support.Stack;
import io.vigil.proto.ingest.v1.Ack;
import io.vigil.proto.ingest.v1.Flow;
import io.vigil.proto.ingest.v1.FlowBatch;
import io.vigil.proto.ingest.v1.InterfaceStatus;
import io.vigil.proto.ingest.v1.RejectCount;
import io.vigil.proto.ingest.v1.RejectReason;
import io.vigil.proto.ingest.v1.SensorStatus;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.security.KeyPairGenerator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Export against the real Keycloak and ClickHouse that scripts/stack runs. */
@QuarkusTest
class ExportIT {

    @Inject
    MeterRegistry registry;

    @Test
    void storesFlowsUnderTheTenantOfTheTokenOnly() throws Exception {
        String marker = Flows.marker();
        try (ExportClient a1 = new ExportClient(Stack.clientToken("sensor-a1"));
             ExportClient b1 = new ExportClient(Stack.clientToken("sensor-b1"))) {
            ExportClient.Stream a = a1.open();
            ExportClient.Stream b = b1.open();
            long ha = initial(a);
            long hb = initial(b);
            a.send(Flows.batch(ha + 1, marker, 30));
            b.send(Flows.batch(hb + 1, marker, 20));
            Ack ackA = a.nextAck(30, TimeUnit.SECONDS);
            Ack ackB = b.nextAck(30, TimeUnit.SECONDS);
            assertEquals(ha + 1, ackA.getSequence());
            assertEquals(30, ackA.getAccepted());
            assertEquals(20, ackB.getAccepted());
        }
        assertEquals("a1:30\nb1:20", Flows.storedByTenant(marker));
        assertEquals("a1\tsensor-a1", Stack.clickhouse("SELECT DISTINCT tenant_id, sensor_id FROM flows"
                + " WHERE community_id = '" + marker + "' AND tenant_id = 'a1' FORMAT TSV"));
    }

    @Test
    void storesEveryFieldAsSent() throws Exception {
        String marker = Flows.marker();
        long start = System.currentTimeMillis() - 2_345;
        byte[] v6a = new byte[16];
        byte[] v6b = new byte[16];
        v6a[0] = (byte) 0xfd;
        v6a[15] = 1;
        v6b[0] = (byte) 0xfd;
        v6b[15] = 2;
        FlowBatch.Builder batch = FlowBatch.newBuilder()
                .addFlows(Flow.newBuilder().setStartTimeMs(start).setEndTimeMs(start + 1_234).setIpVersion(4)
                        .setOrigAddr(ByteString.copyFrom(new byte[]{10, 1, 2, 3}))
                        .setRespAddr(ByteString.copyFrom(new byte[]{(byte) 192, (byte) 168, 7, 9}))
                        .setOrigPort(51_234).setRespPort(443).setProtocol(6).setOrigPackets(12).setOrigBytes(3_456)
                        .setRespPackets(10).setRespBytes(98_765).setOrigTcpFlags(0x1B).setRespTcpFlags(0x12)
                        .setConnState(io.vigil.proto.ingest.v1.ConnState.SF).setHistory("ShADadFf").setVlan(42)
                        .setCommunityId(marker).setZeekUid("CHhAvVGS1DHFjwGM9")
                        .setExporterAddr(ByteString.copyFrom(new byte[]{(byte) 192, 0, 2, 1})).setSamplingRate(100))
                .addFlows(Flow.newBuilder().setStartTimeMs(start).setEndTimeMs(start).setIpVersion(6)
                        .setOrigAddr(ByteString.copyFrom(v6a)).setRespAddr(ByteString.copyFrom(v6b))
                        .setProtocol(58).setIcmpType(128).setIcmpCode(0).setIcmpReply((1 << 8) | 4).setOrigPackets(1)
                        .setOrigBytes(104).setConnState(io.vigil.proto.ingest.v1.ConnState.OTH).setCommunityId(marker));
        try (ExportClient client = new ExportClient(Stack.clientToken("sensor-a1"))) {
            ExportClient.Stream stream = client.open();
            long high = initial(stream);
            stream.send(batch.setSequence(high + 1).build());
            assertEquals(2, stream.nextAck(30, TimeUnit.SECONDS).getAccepted());
        }
        String row = "SELECT start_ms, end_ms, toUInt32(start) = intDiv(start_ms, 1000), ip_version,"
                + " IPv6NumToString(orig_addr), IPv6NumToString(resp_addr), orig_port, resp_port, protocol, icmp_type,"
                + " icmp_code, icmp_reply, orig_packets, orig_bytes, resp_packets, resp_bytes, orig_tcp_flags,"
                + " resp_tcp_flags, conn_state, history, vlan, zeek_uid, IPv6NumToString(exporter_addr), sampling_rate"
                + " FROM flows WHERE community_id = '" + marker
                + "' ORDER BY ip_version FORMAT TSV";
        assertEquals(String.join("\n",
                start + "\t" + (start + 1_234) + "\t1\t4\t::ffff:10.1.2.3\t::ffff:192.168.7.9\t51234\t443\t6\t0\t0\t0"
                        + "\t12\t3456\t10\t98765\t27\t18\tSF\tShADadFf\t42\tCHhAvVGS1DHFjwGM9\t::ffff:192.0.2.1\t100",
                start + "\t" + start + "\t1\t6\tfd00::1\tfd00::2\t0\t0\t58\t128\t0\t260\t1\t104\t0\t0\t0\t0\tOTH\t\t0"
                        + "\t\t::\t0"),
                Stack.clickhouse(row));
    }

    /**
     * The sensor's ICMP flows, and UDP flows without payload, carry no history. One in a small batch after a batch of
     * scan probes on the same stream must be stored like any other flow, and the stream go on.
     */
    @Test
    void storesAFlowWithoutHistoryThatFollowsALargerBatch() throws Exception {
        String marker = Flows.marker();
        long now = System.currentTimeMillis();
        Flow ping = Flow.newBuilder().setStartTimeMs(now - 1_000).setEndTimeMs(now - 1_000).setIpVersion(4)
                .setOrigAddr(ByteString.copyFrom(new byte[]{10, 0, 0, 5}))
                .setRespAddr(ByteString.copyFrom(new byte[]{10, 0, 1, 9})).setProtocol(1).setIcmpType(8)
                .setOrigPackets(1).setOrigBytes(84).setConnState(io.vigil.proto.ingest.v1.ConnState.OTH)
                .setCommunityId(marker).build();
        try (ExportClient client = new ExportClient(Stack.clientToken("sensor-a1"))) {
            ExportClient.Stream stream = client.open();
            long high = initial(stream);
            stream.send(Flows.batch(high + 1, marker, 300));
            assertEquals(300, stream.nextAck(30, TimeUnit.SECONDS).getAccepted());
            stream.send(FlowBatch.newBuilder().setSequence(high + 2).addFlows(ping).build());
            assertEquals(1, stream.nextAck(30, TimeUnit.SECONDS).getAccepted());
            stream.send(Flows.batch(high + 3, marker, 2));
            assertEquals(2, stream.nextAck(30, TimeUnit.SECONDS).getAccepted(), "the stream goes on");
        }
        assertEquals("a1:303", Flows.storedByTenant(marker));
        assertEquals("1\t[]", Stack.clickhouse("SELECT protocol, concat('[', history, ']') FROM flows"
                + " WHERE community_id = '" + marker + "' AND protocol = 1 FORMAT TSV"));
    }

    @Test
    void storesAResentBatchOnce() throws Exception {
        String marker = Flows.marker();
        try (ExportClient client = new ExportClient(Stack.clientToken("sensor-a1"))) {
            ExportClient.Stream first = client.open();
            long high = initial(first);
            first.send(Flows.batch(high + 1, marker, 25));
            assertEquals(high + 1, first.nextAck(30, TimeUnit.SECONDS).getSequence());
            first.cancel();

            ExportClient.Stream second = client.open();
            assertEquals(high + 1, initial(second), "a new stream starts from the stored high-water mark");
            second.send(Flows.batch(high + 1, marker, 25));
            Ack duplicate = second.nextAck(30, TimeUnit.SECONDS);
            assertTrue(duplicate.getDuplicate());
            assertEquals(0, duplicate.getAccepted());
            second.send(Flows.batch(high + 2, marker, 5));
            Ack next = second.nextAck(30, TimeUnit.SECONDS);
            assertEquals(high + 2, next.getSequence());
            assertEquals(5, next.getAccepted());
        }
        assertEquals("a1:30", Flows.storedByTenant(marker));
    }

    @Test
    void aNewerStreamOfTheSameSensorSupersedesTheOlder() throws Exception {
        try (ExportClient client = new ExportClient(Stack.clientToken("sensor-a1"))) {
            ExportClient.Stream older = client.open();
            long high = initial(older);
            ExportClient.Stream newer = client.open();
            assertEquals(high, initial(newer));
            assertEquals(Status.Code.ABORTED, older.awaitEnd(10, TimeUnit.SECONDS).getCode());
        }
    }

    @Test
    void refusesStreamsWithoutAValidSensorToken() throws Exception {
        assertRefused(null, Status.Code.UNAUTHENTICATED);
        assertRefused("not-a-jwt", Status.Code.UNAUTHENTICATED);
        assertRefused(forgedToken(), Status.Code.UNAUTHENTICATED);
        String expired = Stack.clientToken("sensor-a2-shortlived");
        TimeUnit.SECONDS.sleep(5);
        assertRefused(expired, Status.Code.UNAUTHENTICATED);
        assertRefused(Stack.userToken("msp-a-admin"), Status.Code.PERMISSION_DENIED);
    }

    @Test
    void closesAStreamWhenItsTokenExpires() throws Exception {
        try (ExportClient client = new ExportClient(Stack.clientToken("sensor-a2-shortlived"))) {
            ExportClient.Stream stream = client.open();
            initial(stream);
            Status end = stream.awaitEnd(15, TimeUnit.SECONDS);
            assertEquals(Status.Code.UNAUTHENTICATED, end.getCode());
            assertTrue(end.getDescription().contains("expired"), end.getDescription());
        }
    }

    @Test
    void countsEachRejectReasonAndStoresTheRest() throws Exception {
        String marker = Flows.marker();
        long now = System.currentTimeMillis();
        Map<RejectReason, Flow.Builder> invalid = new TreeMap<>(Map.of(
                RejectReason.BAD_IP_VERSION, Flows.flow(marker, 1).setIpVersion(5),
                RejectReason.BAD_ADDRESS_LENGTH, Flows.flow(marker, 2).setRespAddr(ByteString.copyFrom(new byte[16])),
                RejectReason.BAD_PORT, Flows.flow(marker, 3).setRespPort(70_000),
                RejectReason.BAD_PROTOCOL, Flows.flow(marker, 4).setProtocol(300),
                RejectReason.END_BEFORE_START, Flows.flow(marker, 5).setEndTimeMs(now - 10_000),
                RejectReason.IN_FUTURE, Flows.flow(marker, 6).setEndTimeMs(now + 3_600_000),
                RejectReason.TOO_OLD, Flows.flow(marker, 7).setStartTimeMs(now - 400L * 86_400_000),
                RejectReason.BAD_FIELD, Flows.flow(marker, 8).setVlan(5000)));
        assertEquals(RejectReason.values().length - 2, invalid.size(), "every reason has a case");
        FlowBatch.Builder batch = FlowBatch.newBuilder();
        invalid.values().forEach(batch::addFlows);
        for (int i = 0; i < 7; i++) {
            batch.addFlows(Flows.flow(marker, 100 + i));
        }
        try (ExportClient client = new ExportClient(Stack.clientToken("sensor-b1"))) {
            ExportClient.Stream stream = client.open();
            long high = initial(stream);
            stream.send(batch.setSequence(high + 1).build());
            Ack ack = stream.nextAck(30, TimeUnit.SECONDS);
            assertEquals(7, ack.getAccepted());
            Map<RejectReason, Integer> counted = new TreeMap<>();
            for (RejectCount c : ack.getRejectedList()) {
                counted.put(c.getReason(), c.getCount());
            }
            Map<RejectReason, Integer> expected = new TreeMap<>();
            invalid.keySet().forEach(r -> expected.put(r, 1));
            assertEquals(expected, counted);

            stream.send(Flows.batch(high + 2, marker, 3));
            assertEquals(3, stream.nextAck(30, TimeUnit.SECONDS).getAccepted(), "the stream goes on");
        }
        assertEquals("b1:10", Flows.storedByTenant(marker));
    }

    @Test
    void endsTheStreamOnAMalformedOrOversizeBatch() throws Exception {
        assertEquals(Status.Code.INVALID_ARGUMENT, endAfter(high -> FlowBatch.newBuilder().setSequence(0).build()));
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, endAfter(high -> Flows.batch(high + 1, Flows.marker(), 10_001)));
        String big = "x".repeat(1_000);
        assertEquals(Status.Code.RESOURCE_EXHAUSTED, endAfter(high -> {
            FlowBatch.Builder b = FlowBatch.newBuilder().setSequence(high + 1);
            for (int i = 0; i < 5_000; i++) {
                b.addFlows(Flows.flow(big, i));
            }
            return b.build();
        }));
    }

    @Test
    void endsTheStreamWithInvalidArgumentOnBytesThatAreNoFlowBatch() throws Exception {
        byte[] badAddress = {0x12, 0x03, 0x22, 0x10, 0x01}; // a flow whose address runs past the flow
        byte[][] garbage = {
                {0x12, 0x7F, 0x08, 0x01},                 // a flow claiming 127 bytes, 2 there
                {0x08, (byte) 0xFF, (byte) 0xFF},         // a truncated varint
                badAddress
        };
        Counter refused = registry.counter("vigil.ingest.calls.failed", "rpc", "Export", "status", "INVALID_ARGUMENT");
        double before = refused.count();
        for (byte[] bytes : garbage) {
            try (ExportClient client = new ExportClient(Stack.clientToken("sensor-b1"));
                 LogCapture log = new LogCapture("io.vigil.ingest.export.grpc.CallFailures")) {
                ExportClient.RawStream stream = client.openRaw();
                long high = stream.nextAck(30, TimeUnit.SECONDS).getSequence();
                if (bytes == badAddress) {
                    // Above the stored mark, so the batch is decoded rather than acknowledged as a resend.
                    bytes = FlowBatch.newBuilder().setSequence(high + 1).build().toByteString()
                            .concat(com.google.protobuf.ByteString.copyFrom(badAddress)).toByteArray();
                }
                stream.send(bytes);
                Status end = stream.awaitEnd(30, TimeUnit.SECONDS);
                assertEquals(Status.Code.INVALID_ARGUMENT, end.getCode(), end.toString());
                assertTrue(end.getDescription().startsWith("malformed"), end.getDescription());
                assertEquals(List.of("WARN Export of tenant=b1 sensor=sensor-b1 ended: INVALID_ARGUMENT "
                        + end.getDescription()), log.containing("sensor=sensor-b1"), "logged once, with the sensor");
            }
        }
        assertEquals(before + garbage.length, refused.count(), "each refused stream is counted");
    }

    @Test
    void refusesASequenceThatDoesNotIncreaseOnTheStream() throws Exception {
        try (ExportClient client = new ExportClient(Stack.clientToken("sensor-b1"))) {
            ExportClient.Stream stream = client.open();
            long high = initial(stream);
            stream.send(Flows.batch(high + 2, Flows.marker(), 1));
            stream.nextAck(30, TimeUnit.SECONDS);
            stream.send(Flows.batch(high + 1, Flows.marker(), 1));
            Status end = stream.awaitEnd(10, TimeUnit.SECONDS);
            assertEquals(Status.Code.INVALID_ARGUMENT, end.getCode());
            assertTrue(end.getDescription().contains("not above"), end.getDescription());
        }
    }

    @Test
    void storesHeartbeats() throws Exception {
        String version = "test-" + System.nanoTime();
        try (ExportClient client = new ExportClient(Stack.clientToken("sensor-b1"))) {
            client.heartbeat(SensorStatus.newBuilder().setVersion(version).setPacketsSeen(1234).setSpoolBatches(3)
                    .addInterfaces(InterfaceStatus.newBuilder().setName("eth1").setPacketsReceived(1234)).build());
        }
        assertEquals("b1\tsensor-b1\t1234\t['eth1']", Stack.clickhouse("SELECT tenant_id, sensor_id, packets_seen,"
                + " interface_names FROM sensor_status WHERE version = '" + version + "' FORMAT TSV"));
    }

    private static long initial(ExportClient.Stream stream) throws InterruptedException {
        Ack ack = stream.nextAck(30, TimeUnit.SECONDS);
        assertTrue(ack.getInitial(), "the first message of a stream is the initial Ack");
        return ack.getSequence();
    }

    private interface BatchMaker {
        FlowBatch make(long highWater);
    }

    private static Status.Code endAfter(BatchMaker maker) throws Exception {
        try (ExportClient client = new ExportClient(Stack.clientToken("sensor-b1"))) {
            ExportClient.Stream stream = client.open();
            long high = initial(stream);
            stream.send(maker.make(high));
            return stream.awaitEnd(30, TimeUnit.SECONDS).getCode();
        }
    }

    private static void assertRefused(String token, Status.Code expected) throws Exception {
        try (ExportClient client = new ExportClient(token)) {
            ExportClient.Stream stream = client.open();
            Status end = stream.awaitEnd(10, TimeUnit.SECONDS);
            assertEquals(expected, end.getCode(), "token " + (token == null ? "none" : token.substring(0, Math.min(12, token.length()))) + ": " + end);
            assertTrue(stream.acks.isEmpty());
        }
    }

    private static String forgedToken() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return Jwt.issuer(Stack.ISSUER).subject("forger").claim("tenant_id", "a1").claim("sensor_id", "sensor-a1")
                .claim("realm_access", Map.of("roles", List.of("sensor"))).expiresIn(300)
                .jws().keyId("forged").sign(generator.generateKeyPair().getPrivate());
    }
}
