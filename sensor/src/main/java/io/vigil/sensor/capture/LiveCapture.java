package io.vigil.sensor.capture;

import org.pcap4j.core.BpfProgram;
import org.pcap4j.core.NotOpenException;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;
import org.pcap4j.core.PcapNetworkInterface;
import org.pcap4j.core.PcapStat;
import org.pcap4j.core.RawPacketListener;

import java.sql.Timestamp;

/**
 * Captures from a live interface through libpcap (pcap4j 1.8.2 {@code loop} with a raw listener).
 *
 * <p>A blocking read can wait forever on an idle interface (ENVIRONMENT.md), yet the meter must see time pass to
 * export unanswered attempts within 5 s. So a ticker thread calls {@code breakLoop()} every {@code tickMillis}; the
 * capture thread then leaves {@code loop}, runs the tick (advance the meter's clock to now) and re-enters. The meter
 * stays single-threaded: frames and ticks both run on the capture thread.
 */
public final class LiveCapture implements AutoCloseable {

    /** Capture counters from pcap_stats: packets the kernel delivered to the filter and the ones it dropped. */
    public record Stats(long received, long dropped) {
    }

    private final String name;
    private final PcapHandle handle;
    private volatile boolean stopped;
    private volatile Stats lastStats = new Stats(0, 0);

    private LiveCapture(String name, PcapHandle handle) {
        this.name = name;
        this.handle = handle;
    }

    /**
     * Opens {@code name} for capture.
     *
     * @param bufferBytes kernel ring size; a larger one rides out longer bursts without drops
     * @param bpf         a tcpdump-style filter, or null for everything
     */
    public static LiveCapture open(String name, int snaplen, boolean promiscuous, int bufferBytes, String bpf)
            throws CaptureException {
        PcapHandle h;
        try {
            h = new PcapHandle.Builder(name)
                    .snaplen(snaplen)
                    .promiscuousMode(promiscuous ? PcapNetworkInterface.PromiscuousMode.PROMISCUOUS
                            : PcapNetworkInterface.PromiscuousMode.NONPROMISCUOUS)
                    .timeoutMillis(100)
                    .bufferSize(bufferBytes)
                    .timestampPrecision(PcapHandle.TimestampPrecision.MICRO)
                    .build();
        } catch (PcapNativeException e) {
            throw new CaptureException(name + ": cannot capture (" + e.getMessage() + "); capturing needs root or "
                    + "CAP_NET_RAW and CAP_NET_ADMIN", e);
        } catch (UnsatisfiedLinkError | NoClassDefFoundError e) {
            throw new CaptureException("libpcap is not installed (Debian: apt-get install libpcap0.8): " + e.getMessage(), e);
        }
        if (bpf != null && !bpf.isBlank()) {
            try {
                h.setFilter(bpf, BpfProgram.BpfCompileMode.OPTIMIZE);
            } catch (PcapNativeException | NotOpenException e) {
                h.close();
                throw new CaptureException(name + ": bad BPF filter '" + bpf + "': " + e.getMessage(), e);
            }
        }
        return new LiveCapture(name, h);
    }

    public String name() {
        return name;
    }

    /**
     * Delivers frames to {@code handler} and runs {@code tick} about every {@code tickMillis}, both on the calling
     * thread, until {@link #stop()}.
     */
    public void run(FrameHandler handler, Runnable tick, long tickMillis) throws CaptureException {
        int linkType = handle.getDlt().value();
        RawPacketListener listener = bytes -> {
            Timestamp t = handle.getTimestamp();
            long us = Math.floorDiv(t.getTime(), 1000) * 1_000_000L + t.getNanos() / 1000;
            handler.frame(us, bytes, 0, bytes.length, linkType);
        };
        Thread ticker = new Thread(() -> {
            while (!stopped) {
                try {
                    Thread.sleep(tickMillis);
                    handle.breakLoop();
                } catch (InterruptedException e) {
                    return;
                } catch (NotOpenException e) {
                    return;
                }
            }
        }, "vigil-capture-ticker-" + name);
        ticker.setDaemon(true);
        ticker.start();
        try {
            while (!stopped) {
                try {
                    handle.loop(-1, listener);
                } catch (InterruptedException broken) {
                    // breakLoop(): time to tick
                } catch (PcapNativeException e) {
                    throw new CaptureException(name + ": capture failed: " + e.getMessage(), e);
                } catch (NotOpenException e) {
                    throw new CaptureException(name + ": " + e.getMessage(), e);
                }
                tick.run();
                refreshStats();
            }
        } finally {
            stopped = true;
            ticker.interrupt();
        }
    }

    private void refreshStats() {
        try {
            PcapStat s = handle.getStats();
            lastStats = new Stats(s.getNumPacketsReceived(), s.getNumPacketsDropped() + s.getNumPacketsDroppedByIf());
        } catch (PcapNativeException | NotOpenException e) {
            // keep the last figures
        }
    }

    /** The latest pcap_stats figures (refreshed on every tick). */
    public Stats stats() {
        return lastStats;
    }

    /** Makes {@link #run} return after the current frame; safe from any thread (a shutdown hook). */
    public void stop() {
        stopped = true;
        try {
            handle.breakLoop();
        } catch (NotOpenException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        stop();
        handle.close();
    }
}
