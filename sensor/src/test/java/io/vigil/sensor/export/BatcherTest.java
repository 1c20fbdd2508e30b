package io.vigil.sensor.export;

import io.vigil.proto.ingest.v1.ConnState;
import io.vigil.proto.ingest.v1.FlowBatch;
import io.vigil.sensor.meter.MeteredFlow;
import io.vigil.sensor.spool.Spool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BatcherTest {

    @TempDir
    Path dir;

    private static MeteredFlow flow(int port) {
        return new MeteredFlow(1_700_000_000_000_000L, 1_700_000_000_100_000L, 4, new byte[]{10, 0, 0, 1},
                new byte[]{10, 0, 0, 2}, port, 53, 17, 0, 0, 1, 60, 1, 120, 0, 0, ConnState.SF, "Dd", 0, "", 0,
                MeteredFlow.ExportReason.IDLE);
    }

    @Test
    void cutsBySizeAndByLingerAndFlushWaitsUntilSpooled() throws Exception {
        Spool spool = Spool.open(dir, 1L << 30);
        Batcher b = new Batcher(spool, 3, TimeUnit.SECONDS.toNanos(1), false);
        for (int i = 0; i < 6; i++) {
            b.accept(flow(1000 + i));
        }
        long seventh = System.nanoTime();
        b.accept(flow(1006));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (spool.stats().batches() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(2, spool.stats().batches(), "two full batches of 3");
        b.tick();
        Thread.sleep(100); // had tick cut a batch, the writer would have spooled it by now
        if (System.nanoTime() - seventh < TimeUnit.MILLISECONDS.toNanos(900)) {
            assertEquals(2, spool.stats().batches(), "the 7th flow has not waited 1 s yet");
        }
        Thread.sleep(Math.max(0, 1_050 - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - seventh)));
        b.tick();
        b.flush();
        assertEquals(3, spool.stats().batches(), "cut after lingering");
        assertEquals(7, spool.stats().flows());
        byte[] payload = spool.read(spool.next(0)).payload();
        FlowBatch first = FlowBatch.parseFrom(payload);
        assertEquals(3, first.getFlowsCount());
        // The batch's bytes, flows encoded directly, are those of the FlowBatch message built from the flows' protos.
        FlowBatch.Builder built = FlowBatch.newBuilder().setSequence(first.getSequence());
        for (int i = 0; i < 3; i++) {
            built.addFlows(io.vigil.sensor.output.FlowProtos.toProto(flow(1000 + i)));
        }
        org.junit.jupiter.api.Assertions.assertArrayEquals(built.build().toByteArray(), payload);
        assertEquals(1000, first.getFlows(0).getOrigPort(), "flows keep their order");

        b.accept(flow(2000));
        b.flush();
        assertEquals(4, spool.stats().batches(), "flush returns only once the batch is on disk");
        assertEquals(0, b.flowsLost());
        b.close();
        assertTrue(b.flows() == 8);
    }
}
