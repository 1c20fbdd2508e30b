package io.vigil.sensor.capture;

import io.vigil.sensor.meter.FlowMeter;
import io.vigil.sensor.meter.MeterCounters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Feeds capture files through {@link PacketIntake} (decoder, fragment reassembly, meter): the engine behind
 * {@code vigil-sensor replay}, shared by tests and the benchmark so they measure exactly what users run.
 */
public final class Replay implements FrameHandler {

    /** How packet times are replayed. */
    public enum Speed {
        /** As fast as the machine reads. */
        MAX,
        /** With the capture's own gaps between packets. */
        REALTIME
    }

    /** Hears about progress about every {@link #PROGRESS_EVERY_NANOS}, on the replay thread. */
    @FunctionalInterface
    public interface Progress {
        /** @param bytesRead how far into the files (all of them, in bytes) the replay is, estimated within a file */
        void update(MeterCounters counters, long bytesRead);
    }

    static final long PROGRESS_EVERY_NANOS = 100_000_000L;
    /** A classic pcap record header; a close enough per-frame overhead for the pcapng estimate too. */
    private static final int RECORD_OVERHEAD = 16;

    private final PacketIntake intake;
    private final MeterCounters counters;
    private final Speed speed;
    private final Progress progress;
    private long shiftMicros;
    private long bytesBeforeFile;
    private long bytesInFile;
    private long progressCheck;
    private long lastProgressNanos = System.nanoTime();
    private final Pacer pacer = new Pacer(PROGRESS_EVERY_NANOS, this::reportWhileWaiting);

    /** @param progress may be null */
    public Replay(FlowMeter meter, Speed speed, Progress progress) {
        this.intake = new PacketIntake(meter);
        this.counters = meter.counters();
        this.speed = speed;
        this.progress = progress;
    }

    /** Replays the files in order with their times as captured, then exports every flow still open. */
    public List<OfflineCapture.Result> run(List<Path> files) throws CaptureException {
        return run(files, new long[files.size()]);
    }

    /**
     * Replays the files in order, adding {@code shiftMicros[i]} to every packet time of file i (see {@link Retime}),
     * then exports every flow still open. Returns one result per file.
     */
    public List<OfflineCapture.Result> run(List<Path> files, long[] shiftMicros) throws CaptureException {
        if (shiftMicros.length != files.size()) {
            throw new IllegalArgumentException(files.size() + " files but " + shiftMicros.length + " shifts");
        }
        List<OfflineCapture.Result> results = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            this.shiftMicros = shiftMicros[i];
            bytesInFile = 0;
            results.add(OfflineCapture.read(files.get(i), this));
            bytesBeforeFile += size(files.get(i));
        }
        intake.flush();
        if (progress != null) {
            progress.update(counters, bytesBeforeFile);
        }
        return results;
    }

    /** Total size of the files, the 100% of {@link Progress#update}'s bytesRead. */
    public static long totalBytes(List<Path> files) {
        long total = 0;
        for (Path f : files) {
            total += size(f);
        }
        return total;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            return 0;
        }
    }

    @Override
    public void frame(long tsMicros, byte[] data, int offset, int caplen, int linkType) {
        long ts = tsMicros + shiftMicros;
        bytesInFile += caplen + RECORD_OVERHEAD;
        if (speed == Speed.REALTIME) {
            pacer.pace(ts);
        }
        intake.frame(ts, data, offset, caplen, linkType);
        if (progress != null && (++progressCheck & 0xfff) == 0) {
            maybeReport();
        }
    }

    private void maybeReport() {
        long now = System.nanoTime();
        if (now - lastProgressNanos >= PROGRESS_EVERY_NANOS) {
            lastProgressNanos = now;
            progress.update(counters, bytesBeforeFile + bytesInFile);
        }
    }

    private void reportWhileWaiting() {
        if (progress != null) {
            maybeReport();
        }
    }
}
