package io.vigil.sensor.capture;

import io.vigil.sensor.it.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The Java pcap reader delivers exactly what libpcap delivers, frame by frame, including on damaged files. */
class PcapFileReaderTest {

    @TempDir
    Path dir;

    /** One frame as a handler saw it. */
    record Frame(long ts, byte[] bytes, int linkType) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Frame f && f.ts == ts && f.linkType == linkType && Arrays.equals(f.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return Long.hashCode(ts) * 31 + Arrays.hashCode(bytes);
        }

        @Override
        public String toString() {
            return ts + "/" + bytes.length + "B/dlt" + linkType;
        }
    }

    private static List<Frame> javaFrames(Path file, OfflineCapture.Result[] result) throws IOException {
        List<Frame> frames = new ArrayList<>();
        result[0] = PcapFileReader.read(file, (ts, d, o, c, l) -> frames.add(new Frame(ts, Arrays.copyOfRange(d, o, o + c), l)));
        return frames;
    }

    private static List<Frame> libpcapFrames(Path file, OfflineCapture.Result[] result) throws CaptureException {
        List<Frame> frames = new ArrayList<>();
        result[0] = OfflineCapture.readWithLibpcap(file, (ts, d, o, c, l) -> frames.add(new Frame(ts, Arrays.copyOfRange(d, o, o + c), l)));
        return frames;
    }

    private void assertSameAsLibpcap(Path file) throws Exception {
        OfflineCapture.Result[] mine = new OfflineCapture.Result[1];
        OfflineCapture.Result[] theirs = new OfflineCapture.Result[1];
        List<Frame> expected = libpcapFrames(file, theirs);
        List<Frame> actual = javaFrames(file, mine);
        assertEquals(expected.size(), actual.size(), file + ": frames");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i), actual.get(i), file + ": frame " + i);
        }
        assertEquals(theirs[0].frames(), mine[0].frames());
        assertEquals(theirs[0].linkType(), mine[0].linkType());
        assertEquals(theirs[0].firstMicros(), mine[0].firstMicros());
        assertEquals(theirs[0].lastMicros(), mine[0].lastMicros());
        assertEquals(theirs[0].error() == null, mine[0].error() == null,
                file + ": libpcap said " + theirs[0].error() + ", the reader said " + mine[0].error());
    }

    @Test
    void readsEverySharedClassicPcapExactlyAsLibpcap() throws Exception {
        Tools.requireLibpcap();
        Path shared = Tools.sharedPcaps();
        assumeTrue(Files.isDirectory(shared), "no shared pcaps at " + shared);
        int classic = 0;
        try (Stream<Path> files = Files.list(shared)) {
            for (Path f : files.sorted().toList()) {
                if (PcapFileReader.handles(PcapFileReader.magic(f))) {
                    assertSameAsLibpcap(f);
                    classic++;
                }
            }
        }
        assertTrue(classic >= 5, "expected the shared classic pcaps, found " + classic);
    }

    @Test
    void readsBothByteOrdersAndNanosecondFiles() throws Exception {
        Tools.requireLibpcap();
        for (ByteOrder order : List.of(ByteOrder.LITTLE_ENDIAN, ByteOrder.BIG_ENDIAN)) {
            for (boolean nanos : List.of(false, true)) {
                Path f = dir.resolve("t-" + order + "-" + nanos + ".pcap");
                Files.write(f, pcap(order, nanos, 65535, 1, frame(60), frame(1514), frame(14)));
                assertSameAsLibpcap(f);
                OfflineCapture.Result[] r = new OfflineCapture.Result[1];
                List<Frame> frames = javaFrames(f, r);
                assertEquals(3, frames.size());
                assertEquals(1_700_000_000L * 1_000_000 + 123_456, frames.get(0).ts());
                assertEquals(1514, frames.get(1).bytes().length);
                assertNull(r[0].error());
            }
        }
    }

    @Test
    void cutsRecordsLongerThanTheSnaplenAsLibpcapDoes() throws Exception {
        Tools.requireLibpcap();
        Path f = dir.resolve("snap.pcap");
        Files.write(f, pcap(ByteOrder.LITTLE_ENDIAN, false, 100, 1, frame(60), frame(300), frame(90)));
        assertSameAsLibpcap(f);
        OfflineCapture.Result[] r = new OfflineCapture.Result[1];
        assertEquals(100, javaFrames(f, r).get(1).bytes().length);
    }

    @Test
    void aFileCutInsideARecordDeliversWhatCameBeforeAndSaysSo() throws Exception {
        Tools.requireLibpcap();
        byte[] whole = pcap(ByteOrder.LITTLE_ENDIAN, false, 65535, 1, frame(60), frame(600), frame(600));
        for (int cut : new int[] {whole.length - 1, whole.length - 600, whole.length - 610, 24 + 16 + 60 + 5}) {
            Path f = dir.resolve("cut-" + cut + ".pcap");
            Files.write(f, Arrays.copyOf(whole, cut));
            assertSameAsLibpcap(f);
            OfflineCapture.Result[] r = new OfflineCapture.Result[1];
            List<Frame> frames = javaFrames(f, r);
            assertTrue(frames.size() < 3);
            assertNotNull(r[0].error(), "cut at " + cut);
        }
    }

    @Test
    void anInsaneRecordLengthIsAnErrorNotAnAllocation() throws Exception {
        byte[] file = pcap(ByteOrder.LITTLE_ENDIAN, false, 65535, 1, frame(60), frame(60));
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(24 + 16 + 60 + 8, 0x7fff_0000);
        Path f = dir.resolve("insane.pcap");
        Files.write(f, file);
        OfflineCapture.Result[] r = new OfflineCapture.Result[1];
        assertEquals(1, javaFrames(f, r).size());
        assertTrue(r[0].error().contains("invalid packet capture length"), r[0].error());
    }

    @Test
    void otherFormatsAreLeftToLibpcap() throws Exception {
        assertFalse(PcapFileReader.handles(0x0a0d0d0a));   // pcapng section header block
        assertFalse(PcapFileReader.handles(0xa1b2cd34));   // Kuznetzov's modified pcap: 24-byte records
        Path empty = dir.resolve("empty.pcap");
        Files.write(empty, new byte[3]);
        assertEquals(0, PcapFileReader.magic(empty));
    }

    private static byte[] frame(int length) {
        byte[] b = new byte[length];
        for (int i = 0; i < length; i++) {
            b[i] = (byte) (i * 7 + length);
        }
        return b;
    }

    static byte[] pcap(ByteOrder order, boolean nanos, int snaplen, int linkType, byte[]... frames) {
        int size = 24 + Arrays.stream(frames).mapToInt(f -> 16 + f.length).sum();
        ByteBuffer b = ByteBuffer.allocate(size).order(order);
        b.putInt(nanos ? 0xa1b23c4d : 0xa1b2c3d4).putShort((short) 2).putShort((short) 4).putInt(0).putInt(0)
                .putInt(snaplen).putInt(linkType);
        long seconds = 1_700_000_000L;
        for (byte[] f : frames) {
            b.putInt((int) seconds++).putInt(nanos ? 123_456_789 : 123_456).putInt(f.length).putInt(f.length).put(f);
        }
        return b.array();
    }
}
