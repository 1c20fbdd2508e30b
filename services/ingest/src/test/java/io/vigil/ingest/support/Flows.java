package io.vigil.ingest.support;

import com.google.protobuf.ByteString;
import io.vigil.proto.ingest.v1.ConnState;
import io.vigil.proto.ingest.v1.Flow;
import io.vigil.proto.ingest.v1.FlowBatch;

import java.util.UUID;

/** Builds valid test flows, each tagged with a marker (its community_id) that tests count by in ClickHouse. */
public final class Flows {

    private Flows() {
    }

    public static String marker() {
        return "test:" + UUID.randomUUID();
    }

    /** A failed TCP attempt from 10.0.0.5 to 10.0.1.i:22, now. */
    public static Flow.Builder flow(String marker, int i) {
        long now = System.currentTimeMillis();
        return Flow.newBuilder()
                .setStartTimeMs(now - 1_000)
                .setEndTimeMs(now - 500)
                .setIpVersion(4)
                .setOrigAddr(ByteString.copyFrom(new byte[]{10, 0, 0, 5}))
                .setRespAddr(ByteString.copyFrom(new byte[]{10, 0, 1, (byte) i}))
                .setOrigPort(40_000 + (i % 20_000))
                .setRespPort(22)
                .setProtocol(6)
                .setOrigPackets(1)
                .setOrigBytes(60)
                .setOrigTcpFlags(0x02)
                .setConnState(ConnState.S0)
                .setHistory("S")
                .setCommunityId(marker);
    }

    public static FlowBatch batch(long sequence, String marker, int flows) {
        FlowBatch.Builder b = FlowBatch.newBuilder().setSequence(sequence);
        for (int i = 0; i < flows; i++) {
            b.addFlows(flow(marker, i));
        }
        return b.build();
    }

    /** How many stored flows carry the marker, per tenant, as "tenant:count" lines. */
    public static String storedByTenant(String marker) {
        return Stack.clickhouse("SELECT tenant_id, count() FROM flows WHERE community_id = '" + marker
                + "' GROUP BY tenant_id ORDER BY tenant_id FORMAT TSV").replace('\t', ':');
    }
}
