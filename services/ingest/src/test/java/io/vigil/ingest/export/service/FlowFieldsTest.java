package io.vigil.ingest.export.service;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import io.vigil.ingest.clickhouse.RowBinaryBuffer;
import io.vigil.proto.ingest.v1.ConnState;
import io.vigil.proto.ingest.v1.Flow;
import io.vigil.proto.ingest.v1.FlowBatch;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlowFieldsTest {

    @Test
    void decodesEveryFieldAsTheGeneratedParserDoes() throws Exception {
        Random random = new Random(42);
        for (int i = 0; i < 2_000; i++) {
            Flow flow = randomFlow(random);
            byte[] wire = flow.toByteArray();
            // Decode from the middle of a larger buffer, as flows sit inside a batch.
            byte[] padded = new byte[wire.length + 10];
            System.arraycopy(wire, 0, padded, 7, wire.length);
            assertSame(flow, new FlowFields().decode(padded, 7, wire.length));
        }
    }

    @Test
    void skipsFieldsItDoesNotKnowAndForgetsThePreviousFlow() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CodedOutputStream out = CodedOutputStream.newInstance(bytes);
        out.writeUInt64(1, 1_700_000_000_000L);
        out.writeString(99, "from a newer sensor");
        out.writeFixed32(98, 7);
        out.writeUInt32(3, 4);
        out.flush();
        byte[] wire = bytes.toByteArray();
        FlowFields f = new FlowFields();
        byte[] full = Flow.newBuilder().setRespPort(22).setHistory("S").build().toByteArray();
        f.decode(full, 0, full.length);
        f.decode(wire, 0, wire.length);
        assertEquals(1_700_000_000_000L, f.startTimeMs);
        assertEquals(4, f.ipVersion);
        assertEquals(0, f.respPort);
        assertEquals(0, f.historyLength);
    }

    /** A flow a sensor read from a Zeek conn log carries zeek_uid, which ingest does not store yet: it is skipped. */
    @Test
    void aZeekUidIsSkippedAndEveryOtherFieldDecodes() throws Exception {
        Flow flow = randomFlow(new Random(7)).toBuilder().setZeekUid("CHLXQF2OBY4onAR0Ug").build();
        byte[] wire = flow.toByteArray();
        assertSame(flow, new FlowFields().decode(wire, 0, wire.length));
    }

    /**
     * One holder decodes every flow of a stream, batch after batch. A flow without history or community_id (ICMP, or
     * UDP without payload) in a small batch, after flows whose text sat far into a larger batch, must encode exactly
     * as it does on its own.
     */
    @Test
    void aFlowWithoutTextEncodesTheSameAfterALargerBatch() throws Exception {
        long now = 1_700_000_000_000L;
        Flow.Builder tcp = Flow.newBuilder().setStartTimeMs(now).setEndTimeMs(now).setIpVersion(4)
                .setOrigAddr(ByteString.copyFrom(new byte[]{10, 0, 0, 1})).setRespPort(22).setProtocol(6)
                .setHistory("S").setCommunityId("1:tcp-probe");
        FlowBatch.Builder large = FlowBatch.newBuilder().setSequence(1);
        for (int i = 0; i < 200; i++) {
            large.addFlows(tcp.setRespAddr(ByteString.copyFrom(new byte[]{10, 0, 1, (byte) i})));
        }
        Flow icmp = Flow.newBuilder().setStartTimeMs(now).setEndTimeMs(now).setIpVersion(4)
                .setOrigAddr(ByteString.copyFrom(new byte[]{10, 0, 0, 1}))
                .setRespAddr(ByteString.copyFrom(new byte[]{10, 0, 1, 1})).setProtocol(1).setIcmpType(8).build();
        byte[] small = FlowBatch.newBuilder().setSequence(2).addFlows(icmp).build().toByteArray();

        FlowFields reused = new FlowFields();
        byte[] largeWire = large.build().toByteArray();
        Flow last = large.getFlows(199);
        reused.decode(largeWire, largeWire.length - last.getSerializedSize(), last.getSerializedSize());
        assertTrue(reused.historyOffset > small.length, "the previous flow's text lies beyond the small batch");

        int at = small.length - icmp.getSerializedSize();
        assertArrayEquals(row(new FlowFields().decode(small, at, icmp.getSerializedSize())),
                row(reused.decode(small, at, icmp.getSerializedSize())));
    }

    private static byte[] row(FlowFields f) {
        assertNull(FlowValidator.check(f, 0, Long.MAX_VALUE));
        RowBinaryBuffer out = new RowBinaryBuffer(256);
        new FlowRowEncoder("a1", "sensor-a1").encode(out, 2, 1_700_000_000L, f);
        return Arrays.copyOf(out.array(), out.size());
    }

    @Test
    void refusesBytesThatRunPastTheFlow() {
        byte[] truncated = {0x22, 0x10, 1, 2, 3};
        assertThrows(InvalidProtocolBufferException.class, () -> new FlowFields().decode(truncated, 0, truncated.length));
        byte[] badVarint = {0x08, (byte) 0xFF, (byte) 0xFF};
        assertThrows(InvalidProtocolBufferException.class, () -> new FlowFields().decode(badVarint, 0, badVarint.length));
    }

    private static void assertSame(Flow expected, FlowFields f) {
        assertEquals(expected.getStartTimeMs(), f.startTimeMs);
        assertEquals(expected.getEndTimeMs(), f.endTimeMs);
        assertEquals(expected.getIpVersion(), f.ipVersion);
        assertArrayEquals(expected.getOrigAddr().toByteArray(), slice(f, f.origAddrOffset, f.origAddrLength));
        assertArrayEquals(expected.getRespAddr().toByteArray(), slice(f, f.respAddrOffset, f.respAddrLength));
        assertEquals(Integer.toUnsignedLong(expected.getOrigPort()), f.origPort);
        assertEquals(Integer.toUnsignedLong(expected.getRespPort()), f.respPort);
        assertEquals(Integer.toUnsignedLong(expected.getProtocol()), f.protocol);
        assertEquals(expected.getIcmpType(), f.icmpType);
        assertEquals(expected.getIcmpCode(), f.icmpCode);
        assertEquals(expected.getOrigPackets(), f.origPackets);
        assertEquals(expected.getOrigBytes(), f.origBytes);
        assertEquals(expected.getRespPackets(), f.respPackets);
        assertEquals(expected.getRespBytes(), f.respBytes);
        assertEquals(expected.getOrigTcpFlags(), f.origTcpFlags);
        assertEquals(expected.getRespTcpFlags(), f.respTcpFlags);
        assertEquals(expected.getConnStateValue(), f.connState);
        assertEquals(expected.getHistory(), new String(slice(f, f.historyOffset, f.historyLength)));
        assertEquals(expected.getVlan(), f.vlan);
        assertEquals(expected.getCommunityId(), new String(slice(f, f.communityIdOffset, f.communityIdLength)));
        assertEquals(expected.getIcmpReply(), f.icmpReply);
    }

    private static byte[] slice(FlowFields f, int offset, int length) {
        return Arrays.copyOfRange(f.buf, offset, offset + length);
    }

    private static Flow randomFlow(Random r) {
        boolean v6 = r.nextBoolean();
        byte[] a = new byte[v6 ? 16 : 4];
        byte[] b = new byte[v6 ? 16 : 4];
        r.nextBytes(a);
        r.nextBytes(b);
        Flow.Builder f = Flow.newBuilder()
                .setStartTimeMs(r.nextLong() >>> r.nextInt(64)).setEndTimeMs(r.nextLong() >>> r.nextInt(64))
                .setIpVersion(v6 ? 6 : 4).setOrigAddr(ByteString.copyFrom(a)).setRespAddr(ByteString.copyFrom(b))
                .setOrigPort(r.nextInt()).setRespPort(r.nextInt(65_536)).setProtocol(r.nextInt(300))
                .setIcmpType(r.nextInt(256)).setIcmpCode(r.nextInt(256))
                .setOrigPackets(r.nextLong() >>> r.nextInt(64)).setOrigBytes(r.nextLong() >>> r.nextInt(64))
                .setRespPackets(r.nextLong() >>> r.nextInt(64)).setRespBytes(r.nextLong() >>> r.nextInt(64))
                .setOrigTcpFlags(r.nextInt(256)).setRespTcpFlags(r.nextInt(256))
                .setConnStateValue(r.nextInt(ConnState.S3_VALUE + 1)).setVlan(r.nextInt(4096))
                .setIcmpReply(r.nextInt(65_536));
        if (r.nextBoolean()) {
            f.setHistory("ShADadFf".substring(0, r.nextInt(9)));
        }
        if (r.nextBoolean()) {
            f.setCommunityId("1:" + Long.toHexString(r.nextLong()));
        }
        return f.build();
    }
}
