package io.vigil.sensor.cli;

import io.vigil.sensor.collect.Collector;
import io.vigil.sensor.collect.Exporters;
import io.vigil.sensor.export.Credentials;
import io.vigil.sensor.export.ExportConfig;
import io.vigil.sensor.export.ExportPipeline;
import io.vigil.sensor.export.SensorStats;
import io.vigil.sensor.meter.FlowMeter;
import io.vigil.sensor.meter.MeterCounters;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Builds the export pipeline from the config directory, the same way for run and replay. */
final class Pipelines {

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
