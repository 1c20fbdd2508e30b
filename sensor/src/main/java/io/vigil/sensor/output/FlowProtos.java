package io.vigil.sensor.output;

import com.google.protobuf.ByteString;
import io.vigil.proto.ingest.v1.Flow;
import io.vigil.sensor.meter.MeteredFlow;

/** Maps a metered flow to the wire contract's {@code Flow}, the one shape both --stdout and the exporter emit. */
public final class FlowProtos {

    private FlowProtos() {
    }

    public static Flow toProto(MeteredFlow f) {
        long start = Math.floorDiv(f.startMicros(), 1000);
        long end = Math.max(start, Math.floorDiv(f.endMicros(), 1000));
        Flow.Builder b = Flow.newBuilder()
                .setStartTimeMs(start)
                .setEndTimeMs(end)
                .setIpVersion(f.ipVersion())
                .setOrigAddr(ByteString.copyFrom(f.origAddr()))
                .setRespAddr(ByteString.copyFrom(f.respAddr()))
                .setOrigPort(f.origPort())
                .setRespPort(f.respPort())
                .setProtocol(f.protocol())
                .setIcmpType(f.icmpType())
                .setIcmpCode(f.icmpCode())
                .setOrigPackets(f.origPackets())
                .setOrigBytes(f.origBytes())
                .setRespPackets(f.respPackets())
                .setRespBytes(f.respBytes())
                .setOrigTcpFlags(f.origTcpFlags())
                .setRespTcpFlags(f.respTcpFlags())
                .setConnState(f.connState())
                .setHistory(f.history())
                .setVlan(f.vlan())
                .setCommunityId(f.communityId())
                .setIcmpReply(f.icmpReply());
        if (f.zeekUid() != null) {
            b.setZeekUid(f.zeekUid());
        }
        if (f.source() != null) {
            b.setExporterAddr(ByteString.copyFrom(f.source().exporter())).setSamplingRate(f.source().samplingRate());
        }
        return b.build();
    }
}
