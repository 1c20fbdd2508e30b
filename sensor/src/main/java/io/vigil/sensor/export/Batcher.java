package io.vigil.sensor.export;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.vigil.proto.ingest.v1.FlowBatch;
import io.vigil.sensor.meter.FlowSink;
import io.vigil.sensor.meter.MeteredFlow;
import io.vigil.sensor.output.FlowProtos;
import io.vigil.sensor.spool.Spool;
import org.jboss.logging.Logger;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Collects metered flows into batches and hands each to the spool: cut at {@code batchFlows} flows, or once the
 * oldest flow in it has waited {@code lingerNanos} (checked by {@link #tick}, which a timer calls), so a quiet
 * network still reports within about a second.
 *
 * <p>Spooling a batch costs a few fsyncs (about 5 ms here), so it happens on a writer thread: the capture thread
 * only converts flows and hands finished batches over. It appends each flow's wire bytes to the batch's
 * ({@link FlowProtos#toByteArray}, no {@code Flow} message built; the collector's stitcher writes them itself and
 * hands them over through {@link #acceptWire}), and the spool adds the sequence number in front. Up to 16 batches wait; beyond that the capture thread waits
 * too (and the kernel's capture buffer absorbs the pause).
 */
public final class Batcher implements FlowSink.Wire, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Batcher.class);

    private final Spool spool;
    private final int batchFlows;
    private final long lingerNanos;
    private final boolean waitForRoom;
    private Pending batch = new Pending();
    private long firstNanos;
    private long flows;
    private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(16);
    private final Object progress = new Object();
    private long submitted;
    private long written;
    private volatile long flowsLost;
    private final Thread writer;

    /**
     * @param waitForRoom when the spool is full, wait for acknowledgements (replay) instead of dropping the oldest
     *                    batches (live capture, which cannot pause the network)
     */
    public Batcher(Spool spool, int batchFlows, long lingerNanos, boolean waitForRoom) {
        this.spool = spool;
        this.batchFlows = batchFlows;
        this.lingerNanos = lingerNanos;
        this.waitForRoom = waitForRoom;
        this.writer = new Thread(this::write, "vigil-spool-writer");
        this.writer.setDaemon(true);
        this.writer.start();
    }

    private void write() {
        while (true) {
            Pending b;
            try {
                b = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            try {
                spool.append(b.flows, b.bytes, b.length, waitForRoom);
            } catch (InterruptedException e) {
                flowsLost += b.flows;
                return;
            } catch (RuntimeException e) {
                // Disk full or failing: the batch cannot be kept, and saying so loudly is all that is left.
                flowsLost += b.flows;
                LOG.errorf(e, "spool: could not write a batch of %d flows; %d flows lost so far", b.flows,
                        flowsLost);
            } finally {
                synchronized (progress) {
                    written++;
                    progress.notifyAll();
                }
            }
        }
    }

    /** Flows that could not be written to the spool (disk full or failing). */
    public long flowsLost() {
        return flowsLost;
    }

    @Override
    public synchronized void accept(MeteredFlow flow) {
        byte[] encoded = FlowProtos.toByteArray(flow);
        acceptWire(encoded, encoded.length);
    }

    /** A flow's wire bytes, from a meter that writes them itself (the collector's stitcher). */
    @Override
    public synchronized void acceptWire(byte[] encoded, int length) {
        if (batch.flows == 0) {
            firstNanos = System.nanoTime();
        }
        batch.add(encoded, length);
        flows++;
        if (batch.flows >= batchFlows) {
            cut();
        }
    }

    /** Cuts the batch if its oldest flow has waited long enough. */
    public synchronized void tick() {
        if (batch.flows > 0 && System.nanoTime() - firstNanos >= lingerNanos) {
            cut();
        }
    }

    /** Cuts whatever is collected and waits until every batch is in the spool (end of a replay, stopping). */
    public void flush() {
        long target;
        synchronized (this) {
            if (batch.flows > 0) {
                cut();
            }
            target = submitted;
        }
        synchronized (progress) {
            while (written < target && writer.isAlive()) {
                try {
                    progress.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        writer.interrupt();
    }

    /** Flows handed over so far. */
    public synchronized long flows() {
        return flows;
    }

    private void cut() {
        try {
            queue.put(batch);
            submitted++;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            flowsLost += batch.flows;
            LOG.errorf("interrupted while handing a batch of %d flows to the spool writer: lost", batch.flows);
        }
        batch = new Pending();
    }

    /**
     * A batch being collected: its flows as {@link FlowBatch}'s repeated {@code flows} field (tag, length, the
     * {@code Flow}'s bytes, each in turn), in an array that grows by doubling.
     */
    static final class Pending {
        byte[] bytes = new byte[8192];
        int length;
        int flows;

        void add(byte[] encoded, int encodedLength) {
            int need = length + CodedOutputStream.computeTagSize(FlowBatch.FLOWS_FIELD_NUMBER)
                    + CodedOutputStream.computeUInt32SizeNoTag(encodedLength) + encodedLength;
            if (need > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.max(need, bytes.length * 2));
            }
            // Tag and length by hand (a CodedOutputStream per flow was an object per flow): both are varints.
            int p = varint(bytes, length, FlowBatch.FLOWS_FIELD_NUMBER << 3
                    | WireFormat.WIRETYPE_LENGTH_DELIMITED);
            p = varint(bytes, p, encodedLength);
            System.arraycopy(encoded, 0, bytes, p, encodedLength);
            length = need;
            flows++;
        }

        private static int varint(byte[] out, int p, int v) {
            while ((v & ~0x7f) != 0) {
                out[p++] = (byte) (v | 0x80);
                v >>>= 7;
            }
            out[p++] = (byte) v;
            return p;
        }
    }

    public static long nanos(java.time.Duration d) {
        return TimeUnit.MILLISECONDS.toNanos(d.toMillis());
    }
}
