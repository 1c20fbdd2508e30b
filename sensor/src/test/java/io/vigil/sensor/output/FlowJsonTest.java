package io.vigil.sensor.output;

import com.google.protobuf.util.JsonFormat;
import io.vigil.proto.ingest.v1.ConnState;
import io.vigil.proto.ingest.v1.Flow;
import io.vigil.sensor.meter.MeteredFlow;
import org.junit.jupiter.api.Test;

import static io.vigil.sensor.Frames.addr;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FlowJsonTest {

    private static MeteredFlow flow(String orig, String resp) {
        return new MeteredFlow(1_600_000_000_123_456L, 1_600_000_001_000_999L, orig.contains(":") ? 6 : 4,
                addr(orig), addr(resp), 40000, 80, 6, 0, 0, 3, 180, 2, 120, 0x12, 0x12, ConnState.S1, "ShA",
                7, "1:x", 0, MeteredFlow.ExportReason.FLUSH);
    }

    @Test
    void readableJsonHasProtoNamesAndIpStrings() {
        String json = FlowJson.toJson(FlowProtos.toProto(flow("10.0.0.1", "10.0.0.2")), FlowJson.Dialect.READABLE);
        assertTrue(json.startsWith("{\"start_time_ms\":1600000000123,\"end_time_ms\":1600000001000,"), json);
        assertTrue(json.contains("\"orig_addr\":\"10.0.0.1\""), json);
        assertTrue(json.contains("\"conn_state\":\"S1\""), json);
        assertTrue(json.contains("\"icmp_reply\":0}"), json);
    }

    @Test
    void protoDialectParsesBackIntoTheSameFlow() throws Exception {
        Flow f = FlowProtos.toProto(flow("2001:db8::1", "2001:db8::2"));
        Flow.Builder back = Flow.newBuilder();
        JsonFormat.parser().merge(FlowJson.toJson(f, FlowJson.Dialect.PROTO), back);
        assertEquals(f, back.build());
    }

    @Test
    void ipv6IsCompressedAsRfc5952Says() {
        assertEquals("2001:db8::1", IpText.of(addr("2001:db8:0:0:0:0:0:1")));
        assertEquals("::", IpText.of(new byte[16]));
        assertEquals("fe80::200:86ff:fe05:80da", IpText.of(addr("fe80::200:86ff:fe05:80da")));
        assertEquals("2001:db8:0:1:1:1:1:1", IpText.of(addr("2001:db8:0:1:1:1:1:1")));
        assertEquals("2001:0:0:1::1", IpText.of(addr("2001:0:0:1:0:0:0:1")));
    }
}
