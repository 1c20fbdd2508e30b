package io.vigil.sensor.spool;

import io.vigil.proto.ingest.v1.FlowBatch;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;

/**
 * The on-disk spool: every batch is written here (fsync'd, checksummed) before it is sent, and deleted only once
 * ingest acknowledges it. Sequence numbers come from here and survive restarts. When the byte bound is reached the
 * oldest batches are dropped and counted.
 *
 * <p>Format: one file per batch, {@code <sequence, 20 digits>.batch}: magic "VSB1", flow count (int), payload length
 * (int), CRC32 of the payload (int), then the payload, the {@link FlowBatch} wire bytes with its sequence. A file is
 * written as {@code .tmp}, fsync'd and renamed, so a crash leaves a whole batch or none. {@code state.properties}
 * (written the same way) holds the last sequence handed out (written when the spool empties: until then the newest
 * batch file's name records it), whether ingest has ever answered this spool, and the drop counters. Thread-safe: the metering thread appends while the exporter reads and acknowledges.
 */
public final class Spool {

    private static final Logger LOG = Logger.getLogger(Spool.class);
    private static final int MAGIC = 0x56534231; // "VSB1"
    static final int HEADER = 16;
    private static final String SUFFIX = ".batch";
    private static final String STATE = "state.properties";

    /** Where a spooled batch is and how big it is. */
    public record Entry(long sequence, int flows, long bytes) {
    }

    /** A batch read back for sending. */
    public record Batch(long sequence, int flows, byte[] payload) {
    }

    /** Counters for status and heartbeat. */
    public record Stats(long batches, long bytes, long flows, long lastSequence, long lastAcked,
                        long droppedBatches, long droppedFlows, long corruptBatches) {
    }

    private final Path dir;
    private final long maxBytes;
    private final TreeMap<Long, Entry> entries = new TreeMap<>();
    private long bytes;
    private long flows;
    private long lastSequence;
    private long lastAcked;
    private boolean synced;
    private long droppedBatches;
    private long droppedFlows;
    private long corruptBatches;

    private FileChannel lockChannel;
    private java.nio.channels.FileLock lock;

    private Spool(Path dir, long maxBytes) {
        this.dir = dir;
        this.maxBytes = maxBytes;
    }

    /** Opens (creating if needed) the spool in {@code dir}, recovering what a previous run left. */
    public static Spool open(Path dir, long maxBytes) throws IOException {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("spool bound must be positive: " + maxBytes);
        }
        Files.createDirectories(dir);
        Spool s = new Spool(dir, maxBytes);
        s.lock();
        s.recover();
        return s;
    }

    /** One process per spool: two would hand out the same sequence numbers. */
    private void lock() throws IOException {
        lockChannel = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            lock = lockChannel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            lockChannel.close();
            throw new IOException("spool " + dir + " is in use by another vigil-sensor process (one run or replay per "
                    + "config dir; give each sensor its own --config-dir)");
        }
    }

    /** Lets go of the spool without writing anything, as a crash would (tests). */
    synchronized void abandon() {
        try {
            lockChannel.close();
        } catch (IOException ignored) {
            // closing releases the lock either way
        }
    }

    private void recover() throws IOException {
        Path state = dir.resolve(STATE);
        if (Files.exists(state)) {
            Properties p = new Properties();
            try (var r = Files.newBufferedReader(state)) {
                p.load(r);
            }
            lastSequence = Long.parseLong(p.getProperty("sequence", "0"));
            lastAcked = Long.parseLong(p.getProperty("acked", "0"));
            synced = Boolean.parseBoolean(p.getProperty("synced", "false"));
            droppedBatches = Long.parseLong(p.getProperty("dropped.batches", "0"));
            droppedFlows = Long.parseLong(p.getProperty("dropped.flows", "0"));
            corruptBatches = Long.parseLong(p.getProperty("corrupt.batches", "0"));
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String name = f.getFileName().toString();
                if (name.endsWith(".tmp")) {
                    Files.deleteIfExists(f); // a write interrupted by a crash: never acknowledged, never complete
                } else if (name.endsWith(SUFFIX)) {
                    long seq;
                    try {
                        seq = Long.parseLong(name.substring(0, name.length() - SUFFIX.length()));
                    } catch (NumberFormatException e) {
                        continue;
                    }
                    int n = readFlowCount(f);
                    long size = Files.size(f);
                    entries.put(seq, new Entry(seq, Math.max(n, 0), size));
                    bytes += size;
                    flows += Math.max(n, 0);
                    lastSequence = Math.max(lastSequence, seq);
                }
            }
        }
        if (!entries.isEmpty()) {
            LOG.infof("spool %s: %d unacknowledged batches (%d flows, %d bytes) from a previous run, sequences %d..%d",
                    dir, entries.size(), flows, bytes, entries.firstKey(), entries.lastKey());
        }
    }

    private static int readFlowCount(Path f) {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(HEADER);
            while (b.hasRemaining() && ch.read(b) >= 0) {
                // fill the header
            }
            b.flip();
            return b.remaining() == HEADER && b.getInt(0) == MAGIC ? b.getInt(4) : -1;
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * Numbers the batch, writes and fsyncs it, and returns its entry. If the bound would be exceeded, the oldest
     * batches are dropped first (counted and logged); with {@code waitForRoom} the caller waits for acknowledgements
     * instead (replay: a file can wait, a live interface cannot).
     */
    public Entry append(FlowBatch.Builder batch, boolean waitForRoom) throws InterruptedException {
        return append(batch.getFlowsCount(), seq -> batch.setSequence(seq).build().toByteArray(), waitForRoom);
    }

    /**
     * As {@link #append(FlowBatch.Builder, boolean)}, for a batch whose flows are already encoded: {@code flows}
     * holds, in its first {@code length} bytes, {@code count} {@code FlowBatch.flows} fields (tag, length, Flow
     * bytes), as the {@link io.vigil.sensor.export.Batcher} writes them. The payload is the sequence field and then
     * those bytes: what {@code FlowBatch.toByteArray()} gives for the same flows (sequence first, as field 1).
     */
    public Entry append(int count, byte[] flows, int length, boolean waitForRoom) throws InterruptedException {
        return append(count, seq -> {
            int head = 1 + com.google.protobuf.CodedOutputStream.computeUInt64SizeNoTag(seq);
            byte[] payload = new byte[head + length];
            payload[0] = (byte) (FlowBatch.SEQUENCE_FIELD_NUMBER << 3); // wire type 0: varint
            encodeVarint(seq, payload, 1);
            System.arraycopy(flows, 0, payload, head, length);
            return payload;
        }, waitForRoom);
    }

    private static void encodeVarint(long v, byte[] out, int at) {
        while ((v & ~0x7fL) != 0) {
            out[at++] = (byte) ((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out[at] = (byte) v;
    }

    private Entry append(int n, java.util.function.LongFunction<byte[]> encode, boolean waitForRoom)
            throws InterruptedException {
        synchronized (this) {
            long seq = lastSequence + 1;
            byte[] payload = encode.apply(seq);
            long encodedSeq = seq;
            long size = HEADER + payload.length;
            if (waitForRoom) {
                while (bytes + size > maxBytes && !entries.isEmpty()) {
                    wait(1000);
                }
            } else {
                dropOldestFor(size);
            }
            seq = lastSequence + 1; // unchanged unless renumbered meanwhile; re-encode then
            if (seq != encodedSeq) {
                payload = encode.apply(seq);
                size = HEADER + payload.length;
            }
            write(seq, n, payload);
            lastSequence = seq;
            // No state write here: the newest batch file carries the counter until ack() deletes it (see ack).
            Entry e = new Entry(seq, n, size);
            entries.put(seq, e);
            bytes += size;
            flows += n;
            notifyAll();
            return e;
        }
    }

    private void dropOldestFor(long size) {
        long dropped = 0;
        long droppedF = 0;
        long first = -1;
        long last = -1;
        while (bytes + size > maxBytes && !entries.isEmpty()) {
            Entry oldest = entries.pollFirstEntry().getValue();
            delete(oldest.sequence());
            bytes -= oldest.bytes();
            flows -= oldest.flows();
            dropped++;
            droppedF += oldest.flows();
            if (first < 0) {
                first = oldest.sequence();
            }
            last = oldest.sequence();
        }
        if (dropped > 0) {
            droppedBatches += dropped;
            droppedFlows += droppedF;
            writeState();
            LOG.warnf("spool full (bound %d bytes): dropped the %d oldest unacknowledged batches (sequences %d..%d, "
                    + "%d flows); %d batches dropped since the spool was created", maxBytes, dropped, first, last,
                    droppedF, droppedBatches);
        }
    }

    private void write(long seq, int n, byte[] payload) {
        CRC32 crc = new CRC32();
        crc.update(payload);
        ByteBuffer header = ByteBuffer.allocate(HEADER).putInt(MAGIC).putInt(n).putInt(payload.length)
                .putInt((int) crc.getValue()).flip();
        Path target = file(seq);
        Path tmp = dir.resolve(target.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer body = ByteBuffer.wrap(payload);
                while (header.hasRemaining() || body.hasRemaining()) {
                    ch.write(new ByteBuffer[]{header, body});
                }
                ch.force(true);
            }
            move(tmp, target);
        } catch (IOException e) {
            throw new UncheckedIOException("spool: writing " + target, e);
        }
    }

    private void move(Path tmp, Path target) throws IOException {
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        syncDir();
    }

    private void syncDir() {
        // A rename is durable only once the directory is; Linux lets a directory be opened and fsync'd.
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not possible on this platform: the file itself is still fsync'd
        }
    }

    private void writeState() {
        Properties p = new Properties();
        p.setProperty("sequence", Long.toString(lastSequence));
        p.setProperty("acked", Long.toString(lastAcked));
        p.setProperty("synced", Boolean.toString(synced));
        p.setProperty("dropped.batches", Long.toString(droppedBatches));
        p.setProperty("dropped.flows", Long.toString(droppedFlows));
        p.setProperty("corrupt.batches", Long.toString(corruptBatches));
        Path tmp = dir.resolve(STATE + ".tmp");
        try {
            try (var w = Files.newBufferedWriter(tmp)) {
                p.store(w, "vigil-sensor spool state: do not edit while the sensor runs");
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            move(tmp, dir.resolve(STATE));
        } catch (IOException e) {
            throw new UncheckedIOException("spool: writing " + STATE, e);
        }
    }

    private Path file(long seq) {
        return dir.resolve(String.format("%020d", seq) + SUFFIX);
    }

    private void delete(long seq) {
        try {
            Files.deleteIfExists(file(seq));
        } catch (IOException e) {
            LOG.warnf("spool: could not delete %s: %s", file(seq), e.getMessage());
        }
    }

    /**
     * A stream opened and ingest says it has stored everything up to {@code stored}. Deletes what it has; raises the
     * sequence counter above it. Before the very first answer nothing was ever sent, so batches spooled numbered at
     * or below the mark (a sensor whose state was lost, re-enrolled as an existing sensor) are new data: they are
     * renumbered above the mark rather than being mistaken for duplicates.
     */
    public synchronized void initialAck(long stored) {
        if (!synced && !entries.isEmpty() && entries.firstKey() <= stored) {
            renumberAbove(stored);
        }
        synced = true;
        lastSequence = Math.max(lastSequence, stored);
        ack(stored);
        writeState();
    }

    private void renumberAbove(long stored) {
        List<Entry> old = new ArrayList<>(entries.values());
        LOG.warnf("spool: ingest already stored up to sequence %d for this sensor before this spool ever connected; "
                + "renumbering %d spooled batches above it", stored, old.size());
        List<Batch> batches = new ArrayList<>();
        for (Entry e : old) {
            Batch b = read(e); // checks the checksum; a damaged one is set aside here
            if (b != null) {
                batches.add(b);
            }
        }
        long seq = Math.max(stored, lastSequence);
        for (Entry e : old) {
            delete(e.sequence());
        }
        entries.clear();
        bytes = 0;
        flows = 0;
        for (Batch b : batches) {
            try {
                byte[] payload = FlowBatch.parseFrom(b.payload()).toBuilder().setSequence(++seq).build().toByteArray();
                write(seq, b.flows(), payload);
                entries.put(seq, new Entry(seq, b.flows(), HEADER + payload.length));
                bytes += HEADER + payload.length;
                flows += b.flows();
            } catch (IOException ex) {
                corruptBatches++;
            }
        }
        lastSequence = seq;
    }

    /** Ingest has stored everything up to {@code sequence}: those batches are deleted. */
    public synchronized void ack(long sequence) {
        if (!entries.isEmpty() && sequence >= entries.lastKey()) {
            // The newest file is about to go, and with it the last record of the counter on disk: persist it first.
            lastAcked = Math.max(lastAcked, sequence);
            writeState();
        }
        boolean any = false;
        while (!entries.isEmpty() && entries.firstKey() <= sequence) {
            Entry e = entries.pollFirstEntry().getValue();
            delete(e.sequence());
            bytes -= e.bytes();
            flows -= e.flows();
            any = true;
        }
        lastAcked = Math.max(lastAcked, sequence);
        if (any) {
            notifyAll();
        }
    }

    /** The first spooled batch above {@code after}, or null if none: what to send next. */
    public synchronized Entry next(long after) {
        Map.Entry<Long, Entry> e = entries.higherEntry(after);
        return e == null ? null : e.getValue();
    }

    /** Like {@link #next}, waiting up to {@code timeout} for one to be appended. */
    public synchronized Entry awaitNext(long after, long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        Entry e;
        while ((e = next(after)) == null) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return e;
    }

    /**
     * Reads a batch back, checking its checksum. A damaged file (disk error, truncated by something other than us)
     * is moved aside as {@code .corrupt}, counted, logged and skipped: returns null.
     */
    public synchronized Batch read(Entry e) {
        if (!entries.containsKey(e.sequence())) {
            return null; // dropped for room or acknowledged since it was listed: nothing to send
        }
        Path f = file(e.sequence());
        try {
            byte[] all = Files.readAllBytes(f);
            ByteBuffer b = ByteBuffer.wrap(all);
            String problem = null;
            if (all.length < HEADER || b.getInt(0) != MAGIC) {
                problem = "bad header";
            } else if (b.getInt(8) != all.length - HEADER) {
                problem = "length " + (all.length - HEADER) + " instead of " + b.getInt(8);
            } else {
                CRC32 crc = new CRC32();
                crc.update(all, HEADER, all.length - HEADER);
                if ((int) crc.getValue() != b.getInt(12)) {
                    problem = "checksum mismatch";
                }
            }
            if (problem == null) {
                byte[] payload = new byte[all.length - HEADER];
                System.arraycopy(all, HEADER, payload, 0, payload.length);
                return new Batch(e.sequence(), b.getInt(4), payload);
            }
            quarantine(e, problem);
            return null;
        } catch (NoSuchFileException gone) {
            quarantine(e, "file missing");
            return null;
        } catch (IOException ex) {
            quarantine(e, ex.toString());
            return null;
        }
    }

    private void quarantine(Entry e, String problem) {
        Path f = file(e.sequence());
        try {
            if (Files.exists(f)) {
                Files.move(f, dir.resolve(f.getFileName() + ".corrupt"), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException ex) {
            delete(e.sequence());
        }
        if (entries.remove(e.sequence()) != null) {
            bytes -= e.bytes();
            flows -= e.flows();
        }
        corruptBatches++;
        writeState();
        LOG.errorf("spool: batch %d is damaged (%s): moved aside as %s.corrupt and skipped (%d flows lost); "
                + "%d damaged batches so far", e.sequence(), problem, f.getFileName(), e.flows(), corruptBatches);
    }

    /** Blocks until every batch appended so far is acknowledged, or the timeout passes; true if empty. */
    public synchronized boolean awaitEmpty(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (!entries.isEmpty()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(200)));
        }
        return true;
    }

    public synchronized Stats stats() {
        return new Stats(entries.size(), bytes, flows, lastSequence, lastAcked, droppedBatches, droppedFlows,
                corruptBatches);
    }

    /** Persists the counters (the acknowledged mark is otherwise written only with the next batch) and unlocks. */
    public synchronized void close() {
        writeState();
        abandon();
    }

    public Path dir() {
        return dir;
    }

    /** Sequences currently spooled, oldest first (tests and status). */
    public synchronized List<Long> sequences() {
        List<Long> l = new ArrayList<>();
        for (Iterator<Long> it = entries.keySet().iterator(); it.hasNext(); ) {
            l.add(it.next());
        }
        return l;
    }
}
