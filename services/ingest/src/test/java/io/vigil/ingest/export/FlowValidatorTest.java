package io.vigil.ingest.export;

import com.google.protobuf.ByteString;
import io.vigil.ingest.export.service.FlowFields;
import io.vigil.ingest.export.service.FlowValidator;
import io.vigil.ingest.support.Flows;
import io.vigil.proto.ingest.v1.Flow;
import io.vigil.proto.ingest.v1.RejectReason;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class FlowValidatorTest {

    private static final long NOW = System.currentTimeMillis();
    private static final long OLDEST = NOW - 30L * 86_400_000;
    private static final long NEWEST = NOW + 300_000;

    private static RejectReason check(Flow.Builder f) throws Exception {
        byte[] wire = f.build().toByteArray();
        return FlowValidator.check(new FlowFields().decode(wire, 0, wire.length), OLDEST, NEWEST);
    }

    @Test
    void acceptsAnOrdinaryFlowOfEitherFamily() throws Exception {
        assertNull(check(Flows.flow("m", 1)));
        assertNull(check(Flows.flow("m", 1).setIpVersion(6).setOrigAddr(ByteString.copyFrom(new byte[16]))
                .setRespAddr(ByteString.copyFrom(new byte[16]))));
        assertNull(check(Flows.flow("m", 1).setProtocol(1).setOrigPort(0).setRespPort(0).setIcmpType(8)));
    }

    @Test
    void rejectsAddressesOfTheWrongLengthForTheirVersion() throws Exception {
        assertEquals(RejectReason.BAD_ADDRESS_LENGTH, check(Flows.flow("m", 1).setOrigAddr(ByteString.copyFrom(new byte[16]))));
        assertEquals(RejectReason.BAD_ADDRESS_LENGTH, check(Flows.flow("m", 1).setIpVersion(6)));
        assertEquals(RejectReason.BAD_IP_VERSION, check(Flows.flow("m", 1).setIpVersion(0)));
    }

    @Test
    void rejectsPortsOutOfRangeOrOnProtocolsWithoutPorts() throws Exception {
        assertEquals(RejectReason.BAD_PORT, check(Flows.flow("m", 1).setOrigPort(65_536)));
        assertEquals(RejectReason.BAD_PORT, check(Flows.flow("m", 1).setProtocol(1)));
        assertEquals(RejectReason.BAD_PROTOCOL, check(Flows.flow("m", 1).setIcmpCode(256)));
    }

    @Test
    void rejectsTimesOutsideRetentionAndClockSkew() throws Exception {
        assertEquals(RejectReason.END_BEFORE_START, check(Flows.flow("m", 1).setStartTimeMs(NOW).setEndTimeMs(NOW - 1)));
        assertEquals(RejectReason.IN_FUTURE, check(Flows.flow("m", 1).setStartTimeMs(NOW).setEndTimeMs(NEWEST + 1)));
        assertEquals(RejectReason.TOO_OLD, check(Flows.flow("m", 1).setStartTimeMs(OLDEST - 1)));
        assertNull(check(Flows.flow("m", 1).setStartTimeMs(OLDEST).setEndTimeMs(NEWEST)));
    }

    @Test
    void rejectsOversizeTextAndOutOfRangeFields() throws Exception {
        assertEquals(RejectReason.BAD_FIELD, check(Flows.flow("m", 1).setHistory("S".repeat(33))));
        assertEquals(RejectReason.BAD_FIELD, check(Flows.flow("x".repeat(65), 1)));
        assertEquals(RejectReason.BAD_FIELD, check(Flows.flow("m", 1).setVlan(4096)));
        assertEquals(RejectReason.BAD_FIELD, check(Flows.flow("m", 1).setConnStateValue(99)));
        assertEquals(RejectReason.BAD_FIELD, check(Flows.flow("m", 1).setConnStateValue(-1)));
        assertEquals(RejectReason.BAD_FIELD, check(Flows.flow("m", 1).setHistory("S\u00e9")));
        assertEquals(RejectReason.BAD_FIELD, check(Flows.flow("m", 1).setCommunityId("1:a\nb")));
        assertEquals(RejectReason.BAD_FIELD, check(Flows.flow("m", 1).setZeekUid("C".repeat(33))));
        assertEquals(RejectReason.BAD_FIELD, check(Flows.flow("m", 1).setZeekUid("C\tx")));
        assertEquals(RejectReason.BAD_FIELD, check(Flows.flow("m", 1).setExporterAddr(ByteString.copyFrom(new byte[5]))));
    }

    @Test
    void acceptsTheFieldsOfFlowsFromZeekAndFromExporters() throws Exception {
        assertNull(check(Flows.flow("m", 1).setZeekUid("CHhAvVGS1DHFjwGM9")));
        assertNull(check(Flows.flow("m", 1).setExporterAddr(ByteString.copyFrom(new byte[]{10, 0, 0, 1}))
                .setSamplingRate(1_000)));
        assertNull(check(Flows.flow("m", 1).setExporterAddr(ByteString.copyFrom(new byte[16])).setSamplingRate(1)));
    }
}
