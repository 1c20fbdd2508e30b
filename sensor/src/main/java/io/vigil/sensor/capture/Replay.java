package io.vigil.sensor.capture;

import io.vigil.sensor.decode.DecodedPacket;
import io.vigil.sensor.decode.PacketDecoder;
import io.vigil.sensor.meter.FlowMeter;
import io.vigil.sensor.meter.MeterCounters;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * Feeds capture files through decoder and meter: the engine behind {@code vigil-sensor replay}, shared by tests and
 * the benchmark so they measure exactly what users run.
 */
public final class Replay implements FrameHandler {

    /** How packet times are replayed. */
    public enum Speed {
        /** As fast as the machine reads. */
        MAX,
        /** With the capture's own gaps between packets. */
        REALTIME
    }

    private final FlowMeter meter;
    private final PacketDecoder decoder = new PacketDecoder();
    private final DecodedPacket packet = new DecodedPacket();
    private final MeterCounters counters;
    private final long shiftMicros;
    private final Speed speed;
    private final Consumer<MeterCounters> progress;
    private long progressCheck;
    private long lastProgressNanos = System.nanoTime();
    private long realtimeBaseMicros = Long.MIN_VALUE;
    private long realtimeBaseNanos;

    /**
     * @param shiftMicros added to every packet time (for --retime)
     * @param progress    called about once a second with the counters, on the replay thread; may be null
     */
    public Replay(FlowMeter meter, long shiftMicros, Speed speed, Consumer<MeterCounters> progress) {
        this.meter = meter;
        this.counters = meter.counters();
        this.shiftMicros = shiftMicros;
        this.speed = speed;
        this.progress = progress;
    }

    /** Replays the files in order, then exports every flow still open. Returns one result per file. */
    public List<OfflineCapture.Result> run(List<Path> files) throws CaptureException {
        List<OfflineCapture.Result> results = new java.util.ArrayList<>();
        for (Path file : files) {
            results.add(OfflineCapture.read(file, this));
        }
        meter.flush();
        return results;
    }

    @Override
    public void frame(long tsMicros, byte[] data, int offset, int caplen, int linkType) {
        long ts = tsMicros + shiftMicros;
        counters.frames++;
        if (speed == Speed.REALTIME) {
            pace(ts);
        }
        switch (decoder.decode(data, offset, caplen, linkType, packet)) {
            case PacketDecoder.OK:
                meter.packet(ts, packet);
                break;
            case PacketDecoder.NOT_IP:
                counters.notIp++;
                meter.advance(ts);
                break;
            case PacketDecoder.FRAGMENT:
                counters.fragments++;
                meter.advance(ts);
                break;
            default:
                counters.undecodable++;
                break;
        }
        if (progress != null && (++progressCheck & 0xffff) == 0) {
            long now = System.nanoTime();
            if (now - lastProgressNanos >= 1_000_000_000L) {
                lastProgressNanos = now;
                progress.accept(counters);
            }
        }
    }

    private void pace(long ts) {
        if (realtimeBaseMicros == Long.MIN_VALUE) {
            realtimeBaseMicros = ts;
            realtimeBaseNanos = System.nanoTime();
            return;
        }
        long dueNanos = realtimeBaseNanos + (ts - realtimeBaseMicros) * 1000;
        long wait = dueNanos - System.nanoTime();
        if (wait > 0) {
            try {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (progress != null) {
            long now = System.nanoTime();
            if (now - lastProgressNanos >= 1_000_000_000L) {
                lastProgressNanos = now;
                progress.accept(counters);
            }
        }
    }

    /** The last packet time across the files, for --retime; reads them once without metering. */
    public static long lastTimestamp(List<Path> files) throws CaptureException {
        long last = Long.MIN_VALUE;
        for (Path file : files) {
            last = Math.max(last, OfflineCapture.read(file, (ts, d, o, c, l) -> { }).lastMicros());
        }
        return last;
    }
}
