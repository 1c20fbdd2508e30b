package io.vigil.sensor.capture;

import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.Pcaps;
import org.pcap4j.core.RawPacketListener;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;

/**
 * Reads a capture file: classic pcap in Java ({@link PcapFileReader}, the fast path), everything else (pcapng, and
 * any variant that reader does not know) through libpcap (pcap4j 1.8.2) using {@code loop} with a raw listener, the
 * fastest pcap4j path.
 *
 * <p>libpcap 1.10 reads pcapng through the same pcap_open_offline, so one fallback serves every other format.
 */
public final class OfflineCapture {

    /** What reading one file produced. */
    public record Result(long frames, int linkType, long firstMicros, long lastMicros, String error) {
    }

    private OfflineCapture() {
    }

    /**
     * Hands every frame of {@code file} to {@code handler}. A file that ends mid-packet or is damaged part-way still
     * delivers what came before; the problem is reported in {@link Result#error()} rather than thrown.
     *
     * @throws CaptureException if the file cannot be opened at all, or libpcap is missing
     */
    public static Result read(Path file, FrameHandler handler) throws CaptureException {
        if (!Files.isReadable(file) || Files.isDirectory(file)) {
            throw new CaptureException(file + ": no such readable file");
        }
        try {
            if (PcapFileReader.handles(PcapFileReader.magic(file))) {
                return PcapFileReader.read(file, handler);
            }
        } catch (IOException e) {
            throw new CaptureException(file + ": " + e.getMessage(), e);
        }
        return readWithLibpcap(file, handler);
    }

    /** The libpcap path for any format libpcap reads; {@link #read} uses it for everything but classic pcap. */
    static Result readWithLibpcap(Path file, FrameHandler handler) throws CaptureException {
        PcapHandle handle = open(file);
        try {
            int linkType = handle.getDlt().value();
            long[] stats = {0, Long.MAX_VALUE, Long.MIN_VALUE};
            RawPacketListener listener = bytes -> {
                Timestamp t = handle.getTimestamp();
                long us = Math.floorDiv(t.getTime(), 1000) * 1_000_000L + t.getNanos() / 1000;
                stats[0]++;
                if (us < stats[1]) {
                    stats[1] = us;
                }
                if (us > stats[2]) {
                    stats[2] = us;
                }
                handler.frame(us, bytes, 0, bytes.length, linkType);
            };
            String error = null;
            try {
                handle.loop(-1, listener);
            } catch (PcapNativeException e) {
                error = e.getMessage();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                error = "interrupted";
            } catch (NotOpenException e) {
                throw new CaptureException(file + ": " + e.getMessage(), e);
            }
            return new Result(stats[0], linkType, stats[1], stats[2], error);
        } finally {
            handle.close();
        }
    }

    private static PcapHandle open(Path file) throws CaptureException {
        try {
            return Pcaps.openOffline(file.toString(), PcapHandle.TimestampPrecision.MICRO);
        } catch (PcapNativeException e) {
            throw new CaptureException(file + ": not a pcap or pcapng file libpcap can read (" + e.getMessage() + ")", e);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new CaptureException("libpcap is not installed (Debian: apt-get install libpcap0.8): " + e.getMessage(), e);
        }
    }
}
