package io.vigil.ingest.export;

import io.quarkus.test.junit.QuarkusTest;
import io.vigil.ingest.support.ExportClient;
import io.vigil.ingest.support.Flows;
import io.vigil.ingest.support.Stack;
import io.vigil.proto.ingest.v1.Ack;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** ClickHouse stops for 20 s mid-stream: ingest acknowledges nothing meanwhile, then stores every flow exactly once. */
@QuarkusTest
class ClickHouseOutageIT {

    @Test
    void holdsAcksWhileClickHouseIsDownAndStoresEveryFlowOnceAfter() throws Exception {
        String marker = Flows.marker();
        int batches = 10;
        int perBatch = 200;
        try (ExportClient client = new ExportClient(Stack.clientToken("sensor-a1"))) {
            ExportClient.Stream stream = client.open();
            long high = stream.nextAck(30, TimeUnit.SECONDS).getSequence();
            stream.send(Flows.batch(high + 1, marker, perBatch));
            assertEquals(high + 1, stream.nextAck(30, TimeUnit.SECONDS).getSequence());

            Stack.stack("down", "clickhouse");
            long downAt = System.nanoTime();
            try {
                for (int i = 2; i <= batches; i++) {
                    stream.send(Flows.batch(high + i, marker, perBatch));
                    TimeUnit.MILLISECONDS.sleep(500);
                }
                while (System.nanoTime() - downAt < TimeUnit.SECONDS.toNanos(20)) {
                    assertNull(stream.acks.poll(500, TimeUnit.MILLISECONDS), "no Ack while ClickHouse is down");
                }
                assertTrue(!stream.end.isDone(), "the stream stays open through the outage");
            } finally {
                Stack.stack("up", "clickhouse");
            }
            for (int i = 2; i <= batches; i++) {
                Ack ack = stream.nextAck(60, TimeUnit.SECONDS);
                assertEquals(high + i, ack.getSequence(), "Acks arrive in order");
                assertEquals(perBatch, ack.getAccepted());
            }
            stream.complete();
        }
        assertEquals("a1:" + batches * perBatch, Flows.storedByTenant(marker));
        assertEquals(batches, Stack.clickhouseLong("SELECT uniqExact(batch_seq) FROM flows WHERE community_id = '"
                + marker + "'"));
    }

    @Test
    void aReconnectWaitsForTheOldStreamsWritesBeforeTellingTheSensorWhereToResume() throws Exception {
        String marker = Flows.marker();
        try (ExportClient client = new ExportClient(Stack.clientToken("sensor-b1"))) {
            ExportClient.Stream old = client.open();
            long high = old.nextAck(30, TimeUnit.SECONDS).getSequence();
            ExportClient.Stream reconnected;
            Stack.stack("down", "clickhouse");
            try {
                old.send(Flows.batch(high + 1, marker, 50));
                TimeUnit.SECONDS.sleep(1);
                old.cancel();
                reconnected = client.open();
                assertNull(reconnected.acks.poll(3, TimeUnit.SECONDS),
                        "no initial Ack while the old stream's batch is still being stored");
            } finally {
                Stack.stack("up", "clickhouse");
            }
            Ack initial = reconnected.nextAck(60, TimeUnit.SECONDS);
            assertTrue(initial.getInitial());
            assertEquals(high + 1, initial.getSequence(), "the held batch was stored, and the sensor resumes after it");
            reconnected.send(Flows.batch(high + 1, marker, 50));
            assertTrue(reconnected.nextAck(30, TimeUnit.SECONDS).getDuplicate());
        }
        assertEquals("b1:50", Flows.storedByTenant(marker));
    }
}
