package io.vigil.sensor.cli;

import io.vigil.sensor.collect.Collector;
import io.vigil.sensor.collect.Exporters;
import io.vigil.sensor.export.Credentials;
import io.vigil.sensor.export.ExportConfig;
import io.vigil.sensor.export.ExportPipeline;
import io.vigil.sensor.export.SensorStats;
import io.vigil.sensor.meter.FlowMeter;
import io.vigil.sensor.meter.MeterCounters;
import io.vigil.sensor.output.JsonLinesSink;
import org.jboss.logging.Logger;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Builds the export pipeline from the config directory, the same way for run and replay. */
final class Pipelines {

    private static final Logger LOG = Logger.getLogger(Pipelines.class);

    private Pipelines() {
    }

    static ExportPipeline open(CommandLine.Model.CommandSpec spec, CommonOptions common, SensorSettings settings,
                               ExportOptions options, String mode, boolean waitForRoom,
                               java.util.function.Supplier<SensorStats> stats) throws IOException {
        Path configDir = common.configDir();
        Credentials creds = Credentials.load(configDir);
        ExportConfig config;
        long spoolBytes;
        try {
            config = settings.export(options.ingest, options.tls, creds.ingest());
            spoolBytes = settings.spoolMaxBytes();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        return new ExportPipeline(mode, settings.dataDir(configDir), spoolBytes, config, creds, waitForRoom, stats);
    }

    /** Counters of a replay of Zeek conn logs: flows only, as no packet is seen. */
    static SensorStats stats(long flowsExported) {
        return new SensorStats(0, 0, 0, flowsExported, 0, List.of(), SensorStats.Fragments.NONE);
    }

    /**
     * The end of a live command, once its source is closed: stdout flushed, or the last batch cut with up to 5 s for
     * its Ack (what is unacknowledged stays in the spool for the next start); then the stop hook released.
     */
    static void end(JsonLinesSink json, ExportPipeline pipeline, StopHook hook) throws IOException, InterruptedException {
        if (json != null) {
            json.close();
        }
        if (pipeline != null) {
            finish(pipeline);
        }
        hook.close();
    }

    private static void finish(ExportPipeline pipeline) throws InterruptedException {
        pipeline.flush();
        if (!pipeline.awaitAcked(5, TimeUnit.SECONDS)) {
            LOG.infof("stopping with %d batches unacknowledged: they stay in the spool for the next start",
                    pipeline.spool().stats().batches());
        }
        pipeline.close();
    }

    /**
     * Lets SIGTERM stop a live command cleanly: the shutdown hook asks it to stop, then holds the JVM (up to 15 s)
     * until {@link #close} says everything is flushed.
     */
    static final class StopHook implements AutoCloseable {
        private final CountDownLatch finished = new CountDownLatch(1);
        private final Thread hook;

        StopHook(Runnable stop) {
            hook = new Thread(() -> {
                stop.run();
                try {
                    finished.await(15, TimeUnit.SECONDS);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }, "vigil-sensor-stop");
            Runtime.getRuntime().addShutdownHook(hook);
        }

        @Override
        public void close() {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is what stopped us
            }
        }
    }

    /** Counters of a meter that may not exist yet (the pipeline starts before the first packet). */
    static SensorStats stats(FlowMeter meter, List<SensorStats.Interface> interfaces) {
        List<SensorStats.Interface> ifs = interfaces == null ? List.of() : interfaces;
        long dropped = ifs.stream().mapToLong(SensorStats.Interface::dropped).sum();
        if (meter == null) {
            return new SensorStats(0, dropped, 0, 0, 0, ifs, SensorStats.Fragments.NONE);
        }
        MeterCounters c = meter.counters();
        return new SensorStats(c.frames, dropped, c.undecodable, c.flowsExported, meter.activeFlows(), ifs,
                new SensorStats.Fragments(c.fragments, c.fragDatagramsReassembled, c.fragDatagramsTimedOut,
                        c.fragDatagramsEvicted, c.fragDatagramsTooLarge, c.fragDatagramsBadLength,
                        c.fragDatagramsTooFragmented, c.fragOverlaps, c.fragOverlapsInconsistent));
    }

    /**
     * The collector's counters in the heartbeat's terms: records for packets seen, records lost (sequence gaps) and
     * datagrams the kernel dropped for packets dropped, unreadable sets and records without a template for
     * undecodable, and one "interface" per exporter.
     */
    static SensorStats stats(Collector collector) {
        if (collector == null) {
            return new SensorStats(0, 0, 0, 0, 0, List.of(), SensorStats.Fragments.NONE);
        }
        long lost = 0;
        long undecodable = 0;
        List<SensorStats.Interface> exporters = new java.util.ArrayList<>();
        for (Exporters.Exporter e : collector.exporters().all()) {
            lost += e.lost;
            undecodable += e.malformed + e.withoutTemplate;
            exporters.add(new SensorStats.Interface("exporter " + e.text, e.records, e.lost));
        }
        return new SensorStats(collector.stitcher().records(), lost + collector.kernelDrops(), undecodable,
                collector.stitcher().flowsExported(), collector.stitcher().activeFlows(), exporters,
                SensorStats.Fragments.NONE, collector.details());
    }
}
