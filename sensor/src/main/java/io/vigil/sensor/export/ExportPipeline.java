package io.vigil.sensor.export;

import io.vigil.proto.ingest.v1.InterfaceStatus;
import io.vigil.proto.ingest.v1.SensorStatus;
import io.vigil.sensor.SensorVersion;
import io.vigil.sensor.spool.Spool;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.Writer;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Properties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Wires meter output to ingest: batcher → spool → exporter, plus the timer that cuts lingering batches and writes
 * the status file that {@code vigil-sensor status} reads. Used by both {@code run} and {@code replay}.
 */
public final class ExportPipeline implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ExportPipeline.class);
    public static final String STATUS_FILE = "status.properties";

    private final Spool spool;
    private final Batcher batcher;
    private final Exporter exporter;
    private final Path statusFile;
    private final String mode;
    private final ExportConfig config;
    private final Supplier<SensorStats> stats;
    private final long startedMs = System.currentTimeMillis();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "vigil-batch-timer");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param dataDir     holds {@code spool/} and the status file
     * @param waitForRoom see {@link Batcher}
     */
    public ExportPipeline(String mode, Path dataDir, long spoolMaxBytes, ExportConfig config, Credentials credentials,
                          boolean waitForRoom, Supplier<SensorStats> stats) throws IOException {
        this.mode = mode;
        this.config = config;
        this.stats = stats;
        this.spool = Spool.open(dataDir.resolve("spool"), spoolMaxBytes);
        this.statusFile = dataDir.resolve(STATUS_FILE);
        this.batcher = new Batcher(spool, config.batchFlows(), Batcher.nanos(config.batchLinger()), waitForRoom);
        this.exporter = new Exporter(config, spool, new TokenSource(credentials), this::sensorStatus);
    }

    public void start() {
        exporter.start();
        timer.scheduleWithFixedDelay(this::tickQuietly, 100, 100, TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::writeStatusQuietly, 0, 1, TimeUnit.SECONDS);
    }

    public Batcher batcher() {
        return batcher;
    }

    public Spool spool() {
        return spool;
    }

    public Exporter exporter() {
        return exporter;
    }

    private void tickQuietly() {
        try {
            batcher.tick();
        } catch (RuntimeException e) {
            LOG.errorf(e, "cutting a batch failed");
        }
    }

    private void writeStatusQuietly() {
        try {
            writeStatus();
        } catch (IOException | RuntimeException e) {
            LOG.debugf("writing %s failed: %s", statusFile, e.getMessage());
        }
    }

    /** Writes the status file now (also called on the way out, so the last state is on disk). */
    public void writeStatus() throws IOException {
        Spool.Stats s = spool.stats();
        SensorStats c = stats.get();
        Properties p = new Properties();
        p.setProperty("updated", Instant.now().toString());
        p.setProperty("pid", Long.toString(ProcessHandle.current().pid()));
        p.setProperty("mode", mode);
        p.setProperty("ingest", config.target() + (config.tls() ? " (TLS)" : " (plaintext)"));
        p.setProperty("connection", exporter.connection());
        p.setProperty("last-ack", exporter.lastAckMs() == 0 ? "never" : Instant.ofEpochMilli(exporter.lastAckMs()).toString());
        p.setProperty("spool.batches", Long.toString(s.batches()));
        p.setProperty("spool.bytes", Long.toString(s.bytes()));
        p.setProperty("spool.flows", Long.toString(s.flows()));
        p.setProperty("spool.last-sequence", Long.toString(s.lastSequence()));
        p.setProperty("spool.last-acked-sequence", Long.toString(s.lastAcked()));
        p.setProperty("spool.dropped-batches", Long.toString(s.droppedBatches()));
        p.setProperty("spool.dropped-flows", Long.toString(s.droppedFlows()));
        p.setProperty("spool.corrupt-batches", Long.toString(s.corruptBatches()));
        p.setProperty("spool.write-failed-flows", Long.toString(batcher.flowsLost()));
        p.setProperty("packets.seen", Long.toString(c.packetsSeen()));
        p.setProperty("packets.dropped", Long.toString(c.packetsDropped()));
        p.setProperty("packets.undecodable", Long.toString(c.packetsUndecodable()));
        SensorStats.Fragments f = c.fragments();
        p.setProperty("fragments.received", Long.toString(f.received()));
        p.setProperty("fragments.datagrams-reassembled", Long.toString(f.reassembled()));
        p.setProperty("fragments.datagrams-timed-out", Long.toString(f.timedOut()));
        p.setProperty("fragments.datagrams-evicted", Long.toString(f.evicted()));
        p.setProperty("fragments.datagrams-too-large", Long.toString(f.tooLarge()));
        p.setProperty("fragments.datagrams-bad-length", Long.toString(f.badLength()));
        p.setProperty("fragments.datagrams-too-fragmented", Long.toString(f.tooFragmented()));
        p.setProperty("fragments.overlaps", Long.toString(f.overlaps()));
        p.setProperty("fragments.overlaps-inconsistent", Long.toString(f.overlapsInconsistent()));
        p.setProperty("flows.exported", Long.toString(c.flowsExported()));
        p.setProperty("flows.active", Long.toString(c.activeFlows()));
        p.setProperty("flows.accepted", Long.toString(exporter.flowsAccepted()));
        p.setProperty("flows.rejected", Long.toString(exporter.flowsRejected()));
        for (SensorStats.Interface i : c.interfaces()) {
            p.setProperty("interface." + i.name() + ".received", Long.toString(i.received()));
            p.setProperty("interface." + i.name() + ".dropped", Long.toString(i.dropped()));
        }
        c.details().forEach(p::setProperty);
        p.setProperty("uptime-seconds", Long.toString(uptimeSeconds()));
        Path tmp = statusFile.resolveSibling(STATUS_FILE + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp)) {
            p.store(w, "vigil-sensor status, rewritten every second by the running sensor");
        }
        Files.move(tmp, statusFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private long uptimeSeconds() {
        return Math.max(0, (System.currentTimeMillis() - Math.min(startedMs,
                ManagementFactory.getRuntimeMXBean().getStartTime())) / 1000);
    }

    SensorStatus sensorStatus() {
        Spool.Stats s = spool.stats();
        SensorStats c = stats.get();
        SensorStatus.Builder b = SensorStatus.newBuilder()
                .setVersion(SensorVersion.get())
                .setPacketsSeen(c.packetsSeen())
                .setPacketsDropped(c.packetsDropped())
                .setPacketsUndecodable(c.packetsUndecodable())
                .setSpoolBatches(s.batches())
                .setSpoolBytes(s.bytes())
                .setSpoolDroppedBatches(s.droppedBatches())
                .setActiveFlows(c.activeFlows())
                .setUptimeSeconds(uptimeSeconds());
        for (SensorStats.Interface i : c.interfaces()) {
            b.addInterfaces(InterfaceStatus.newBuilder().setName(i.name()).setPacketsReceived(i.received())
                    .setPacketsDropped(i.dropped()));
        }
        return b.build();
    }

    /** Cuts the last partial batch (call once the meter is flushed). */
    public void flush() {
        batcher.flush();
    }

    /** Waits until everything spooled is acknowledged; false on timeout. */
    public boolean awaitAcked(long timeout, TimeUnit unit) throws InterruptedException {
        return spool.awaitEmpty(timeout, unit);
    }

    @Override
    public void close() {
        timer.shutdownNow();
        batcher.flush();
        batcher.close();
        exporter.close();
        spool.close();
        try {
            writeStatus();
        } catch (IOException | RuntimeException e) {
            LOG.debugf("writing %s failed: %s", statusFile, e.getMessage());
        }
    }
}
