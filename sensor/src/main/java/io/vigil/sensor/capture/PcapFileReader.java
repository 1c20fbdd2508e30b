package io.vigil.sensor.capture;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Reads classic pcap files (the four magics: µs or ns, either byte order) straight from the file in large blocks and
 * hands each frame to the handler in place, without libpcap.
 *
 * <p>Why: through pcap4j every frame costs a JNA callback, a {@code Timestamp} and a copy of the whole frame into a
 * new {@code byte[]}; on a capture of full-size packets that alone held replay at ~1 M packets/s (DESIGN.md,
 * "Reading capture files"). Classic pcap is a 24-byte header and 16-byte record headers, so reading it here is a
 * few lines; pcapng and anything unusual still go through libpcap ({@link OfflineCapture}). Records are checked as
 * libpcap checks them: a capture length over 256 KiB is an error, one over the file's snaplen is cut to it, and a
 * file that ends inside a record reports the damage after delivering what came before.
 */
final class PcapFileReader {

    /** libpcap's MAXIMUM_SNAPLEN: larger record lengths mean a damaged file. */
    static final int MAX_SNAPLEN = 262_144;
    private static final int FILE_HEADER = 24;
    private static final int RECORD_HEADER = 16;
    private static final int BLOCK = 4 << 20;

    private static final int MAGIC_MICROS = 0xa1b2c3d4;
    private static final int MAGIC_NANOS = 0xa1b23c4d;

    private PcapFileReader() {
    }

    /** True if these first four bytes (as read, big-endian) start a classic pcap file this reader handles. */
    static boolean handles(int magicAsRead) {
        return magicAsRead == MAGIC_MICROS || magicAsRead == MAGIC_NANOS
                || magicAsRead == Integer.reverseBytes(MAGIC_MICROS) || magicAsRead == Integer.reverseBytes(MAGIC_NANOS);
    }

    /** First four bytes of the file, big-endian, or 0 when it is shorter than a pcap header. */
    static int magic(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(FILE_HEADER);
            while (b.hasRemaining() && ch.read(b) > 0) {
                // fill the header
            }
            return b.position() < FILE_HEADER ? 0 : b.getInt(0);
        }
    }

    static OfflineCapture.Result read(Path file, FrameHandler handler) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            byte[] buf = new byte[BLOCK];
            ByteBuffer bb = ByteBuffer.wrap(buf);
            int limit = fill(ch, bb, 0);
            boolean eof = limit < BLOCK;
            if (limit < FILE_HEADER) {
                return new OfflineCapture.Result(0, -1, Long.MAX_VALUE, Long.MIN_VALUE, "truncated pcap file header");
            }
            int magic = be32(buf, 0);
            boolean little = magic == Integer.reverseBytes(MAGIC_MICROS) || magic == Integer.reverseBytes(MAGIC_NANOS);
            boolean nanos = magic == MAGIC_NANOS || magic == Integer.reverseBytes(MAGIC_NANOS);
            int snaplen = int32(buf, 16, little);
            int snapshot = snaplen <= 0 || snaplen > MAX_SNAPLEN ? MAX_SNAPLEN : snaplen;
            int linkType = int32(buf, 20, little) & 0xffff;

            long frames = 0;
            long first = Long.MAX_VALUE;
            long last = Long.MIN_VALUE;
            String error = null;
            int pos = FILE_HEADER;
            while (true) {
                if (!eof && limit - pos < RECORD_HEADER + MAX_SNAPLEN) {
                    // The next record may not be whole in the buffer: move the rest to the front and read on.
                    int rest = limit - pos;
                    System.arraycopy(buf, pos, buf, 0, rest);
                    pos = 0;
                    limit = fill(ch, bb, rest);
                    eof = limit < BLOCK;
                }
                if (limit == pos) {
                    break;
                }
                if (limit - pos < RECORD_HEADER) {
                    error = "truncated dump file; tried to read " + RECORD_HEADER + " header bytes, only got "
                            + (limit - pos);
                    break;
                }
                long seconds = int32(buf, pos, little) & 0xffff_ffffL;
                long fraction = int32(buf, pos + 4, little) & 0xffff_ffffL;
                int caplen = int32(buf, pos + 8, little);
                if (caplen < 0 || caplen > MAX_SNAPLEN) {
                    error = "invalid packet capture length " + Integer.toUnsignedString(caplen)
                            + ", bigger than maximum of " + MAX_SNAPLEN;
                    break;
                }
                int data = pos + RECORD_HEADER;
                if (limit - data < caplen) {
                    error = "truncated dump file; tried to read " + caplen + " captured bytes, only got "
                            + (limit - data);
                    break;
                }
                long us = seconds * 1_000_000L + (nanos ? fraction / 1000 : fraction);
                frames++;
                if (us < first) {
                    first = us;
                }
                if (us > last) {
                    last = us;
                }
                handler.frame(us, buf, data, Math.min(caplen, snapshot), linkType);
                pos = data + caplen;
            }
            return new OfflineCapture.Result(frames, linkType, first, last, error);
        }
    }

    /** Reads until the buffer from {@code from} is full or the file ends; returns the bytes now in the buffer. */
    private static int fill(FileChannel ch, ByteBuffer bb, int from) throws IOException {
        bb.clear();
        bb.position(from);
        while (bb.hasRemaining()) {
            if (ch.read(bb) < 0) {
                break;
            }
        }
        return bb.position();
    }

    private static int int32(byte[] b, int i, boolean little) {
        int v = be32(b, i);
        return little ? Integer.reverseBytes(v) : v;
    }

    private static int be32(byte[] b, int i) {
        return (b[i] & 0xff) << 24 | (b[i + 1] & 0xff) << 16 | (b[i + 2] & 0xff) << 8 | (b[i + 3] & 0xff);
    }
}
