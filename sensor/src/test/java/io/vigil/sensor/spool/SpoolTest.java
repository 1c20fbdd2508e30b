package io.vigil.sensor.spool;

import com.google.protobuf.ByteString;
import io.vigil.proto.ingest.v1.Flow;
import io.vigil.proto.ingest.v1.FlowBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SpoolTest {

    private static final long BIG = 1L << 30;

    @TempDir
    Path dir;

    private static FlowBatch.Builder batch(int flows, int marker) {
        FlowBatch.Builder b = FlowBatch.newBuilder();
        for (int i = 0; i < flows; i++) {
            b.addFlows(Flow.newBuilder().setStartTimeMs(1_700_000_000_000L + i).setEndTimeMs(1_700_000_000_000L + i)
                    .setIpVersion(4).setOrigAddr(ByteString.copyFrom(new byte[]{10, 0, 0, 1}))
                    .setRespAddr(ByteString.copyFrom(new byte[]{10, 0, 0, 2})).setProtocol(17)
                    .setOrigPort(1000 + i).setRespPort(marker).setOrigPackets(1).setOrigBytes(60));
        }
        return b;
    }

    private long batchFiles() throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".batch")).count();
        }
    }

    @Test
    void appendsNumberedFsyncedBatchesAndDeletesThemOnlyWhenAcknowledged() throws Exception {
        Spool spool = Spool.open(dir, BIG);
        Spool.Entry a = spool.append(batch(3, 1), false);
        Spool.Entry b = spool.append(batch(2, 2), false);
        Spool.Entry c = spool.append(batch(1, 3), false);
        assertEquals(List.of(1L, 2L, 3L), List.of(a.sequence(), b.sequence(), c.sequence()));
        assertEquals(3, batchFiles());
        assertEquals(6, spool.stats().flows());

        Spool.Batch read = spool.read(spool.next(0));
        FlowBatch parsed = FlowBatch.parseFrom(read.payload());
        assertEquals(1, parsed.getSequence(), "the spooled bytes are the FlowBatch, sequence included");
        assertEquals(3, parsed.getFlowsCount());
        assertEquals(2, spool.next(1).sequence());

        spool.ack(2);
        assertEquals(List.of(3L), spool.sequences());
        assertEquals(1, batchFiles());
        assertEquals(2, spool.stats().lastAcked());
        spool.ack(3);
        assertTrue(spool.awaitEmpty(1, TimeUnit.SECONDS));
        assertEquals(0, batchFiles());
    }

    @Test
    void restartResendsTheUnacknowledgedInOrderAndNeverReusesASequence() throws Exception {
        Spool first = Spool.open(dir, BIG);
        for (int i = 0; i < 5; i++) {
            first.append(batch(2, i), false);
        }
        first.ack(2);
        Files.writeString(dir.resolve("00000000000000000006.batch.tmp"), "half-written by a crash");
        first.abandon(); // no close(): a crash

        Spool second = Spool.open(dir, BIG);
        assertEquals(List.of(3L, 4L, 5L), second.sequences(), "unacknowledged batches survive, in order");
        assertFalse(Files.exists(dir.resolve("00000000000000000006.batch.tmp")), "a torn write is discarded");
        assertEquals(6, second.stats().flows());
        assertEquals(6, second.append(batch(1, 9), false).sequence());
        second.ack(6);
        second.abandon();

        Spool third = Spool.open(dir, BIG);
        assertTrue(third.sequences().isEmpty());
        assertEquals(7, third.append(batch(1, 9), false).sequence(),
                "the counter persists even when every batch was acknowledged and deleted");
    }

    @Test
    void initialAckDeletesWhatIngestStoredAndRaisesTheCounterAboveIt() throws Exception {
        Spool spool = Spool.open(dir, BIG);
        for (int i = 0; i < 4; i++) {
            spool.append(batch(1, i), false);
        }
        spool.initialAck(0); // first contact: nothing stored yet
        spool.initialAck(2); // a reconnect: 1 and 2 were stored but their Acks were lost
        assertEquals(List.of(3L, 4L), spool.sequences());
        spool.initialAck(100); // ingest knows more than we do (say, state restored from an old backup)
        assertTrue(spool.sequences().isEmpty());
        assertEquals(101, spool.append(batch(1, 0), false).sequence());
    }

    @Test
    void aFreshSpoolRenumbersBatchesTheServerWouldTakeForDuplicates() throws Exception {
        Spool spool = Spool.open(dir, BIG);
        spool.append(batch(1, 1), false);
        spool.append(batch(2, 2), false);
        spool.initialAck(50); // the sensor id already sent 50 batches from an earlier life
        assertEquals(List.of(51L, 52L), spool.sequences(), "never-sent batches must not be dropped as duplicates");
        FlowBatch b = FlowBatch.parseFrom(spool.read(spool.next(50)).payload());
        assertEquals(51, b.getSequence());
        assertEquals(1, b.getFlowsCount());
        assertEquals(53, spool.append(batch(1, 3), false).sequence());
    }

    @Test
    void corruptionIsDetectedByTheChecksumSetAsideAndCounted() throws Exception {
        Spool spool = Spool.open(dir, BIG);
        spool.append(batch(5, 1), false);
        spool.append(batch(5, 2), false);
        Path f = dir.resolve("00000000000000000001.batch");
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
            raf.seek(Spool.HEADER + 10);
            int v = raf.read();
            raf.seek(Spool.HEADER + 10);
            raf.write(v ^ 0x5a);
        }
        spool.abandon();
        Spool reopened = Spool.open(dir, BIG);
        assertNull(reopened.read(reopened.next(0)), "a flipped byte is caught, not sent");
        assertTrue(Files.exists(dir.resolve("00000000000000000001.batch.corrupt")), "kept aside for inspection");
        assertEquals(1, reopened.stats().corruptBatches());
        assertEquals(List.of(2L), reopened.sequences());
        assertNotNull(reopened.read(reopened.next(0)), "the next batch is fine");

        Files.write(dir.resolve("00000000000000000002.batch"), new byte[]{1, 2, 3}); // truncated
        reopened.abandon();
        Spool again = Spool.open(dir, BIG);
        assertNull(again.read(again.next(0)));
        assertEquals(2, again.stats().corruptBatches(), "the count survives restarts");
    }

    @Test
    void reachingTheBoundDropsTheOldestBatchesAndCountsThem() throws Exception {
        long one = Spool.HEADER + batch(10, 1).setSequence(1).build().getSerializedSize();
        Spool spool = Spool.open(dir, one * 3 + one / 2);
        for (int i = 0; i < 3; i++) {
            spool.append(batch(10, i), false);
        }
        assertEquals(0, spool.stats().droppedBatches());
        spool.append(batch(10, 3), false);
        spool.append(batch(10, 4), false);
        assertEquals(List.of(3L, 4L, 5L), spool.sequences(), "the oldest go first");
        Spool.Stats s = spool.stats();
        assertEquals(2, s.droppedBatches());
        assertEquals(20, s.droppedFlows());
        assertTrue(s.bytes() <= one * 3 + one / 2);
        assertEquals(3, batchFiles());
        spool.abandon(); // even after a crash
        assertEquals(2, Spool.open(dir, BIG).stats().droppedBatches(), "drops are persisted, never silent");
    }

    @Test
    void oneProcessPerSpool() throws Exception {
        Spool spool = Spool.open(dir, BIG);
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> Spool.open(dir, BIG));
        assertTrue(e.getMessage().contains("in use"), e.getMessage());
        spool.close();
        Spool.open(dir, BIG).close();
    }

    @Test
    void replayWaitsForRoomInsteadOfDropping() throws Exception {
        long one = Spool.HEADER + batch(10, 1).setSequence(1).build().getSerializedSize();
        Spool spool = Spool.open(dir, one * 2);
        spool.append(batch(10, 0), true);
        spool.append(batch(10, 1), true);
        Thread acker = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                return;
            }
            spool.ack(1);
        });
        acker.start();
        long t0 = System.nanoTime();
        assertEquals(3, spool.append(batch(10, 2), true).sequence());
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(250), "it waited for the Ack");
        assertEquals(0, spool.stats().droppedBatches());
        acker.join();
    }
}
