package io.vigil.sensor.cli;

import io.vigil.sensor.capture.CaptureException;
import io.vigil.sensor.capture.OfflineCapture;
import io.vigil.sensor.capture.Replay;
import io.vigil.sensor.capture.Retime;
import io.vigil.sensor.export.ExportPipeline;
import io.vigil.sensor.meter.FlowMeter;
import io.vigil.sensor.meter.FlowSink;
import io.vigil.sensor.meter.MeterConfig;
import io.vigil.sensor.meter.MeterCounters;
import io.vigil.sensor.output.FlowJson;
import io.vigil.sensor.output.JsonLinesSink;
import io.vigil.sensor.spool.Spool;
import io.vigil.sensor.zeek.ConnLogs;
import io.vigil.sensor.zeek.Rejects;
import io.vigil.sensor.zeek.ZeekReplay;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code vigil-sensor replay}: meters capture files exactly as live traffic would be, or reads Zeek conn logs as
 * flows, for inspection and export.
 */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Meter pcap or pcapng files into bidirectional flows, as the live sensor would; or read Zeek conn logs "
                    + "(Zeek, Security Onion, Corelight: TSV or JSON, plain or .gz, files or directories of rotated "
                    + "logs) as flows. The format is recognised from the content.",
            "With --stdout, write one JSON object per flow (proto field names) to stdout; progress goes to stderr.",
            "Without --stdout, flows are exported to Vigil ingest through the disk spool (the sensor must be enrolled); "
                    + "the command exits once ingest has acknowledged every flow."},
        footer = {"", "Examples:",
            "  vigil-sensor replay --stdout capture.pcapng > flows.jsonl",
            "  vigil-sensor replay --stdout -q a.pcap | jq -c 'select(.conn_state==\"S0\")'",
            "  vigil-sensor replay --stdout --retime --idle-timeout 30s old.pcap",
            "  vigil-sensor replay --config-dir ~/.vigil-a1 --retime old.pcap          # export to ingest",
            "  vigil-sensor replay --stdout /nsm/zeek/logs/2024-05-01/conn.*.log.gz  # Zeek conn logs",
            "  vigil-sensor replay --config-dir ~/.vigil-a1 --retime /opt/zeek/logs/2024-05-01/",
            "", "Exit status: 0 done, 1 a file could not be read (or not enrolled), 2 bad usage, 3 --ack-timeout "
                    + "passed with flows still unacknowledged."})
public final class ReplayCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = {"pcap or pcapng files, replayed in the order given; "
            + "or Zeek conn logs (TSV with #fields, any column order, or JSON lines; plain or .gz) and directories "
            + "holding them (every conn log below, other Zeek logs skipped), replayed in time order. Records that "
            + "cannot be read are counted by reason and the first few shown with their line; the rest goes through."})
    List<Path> files;

    @Option(names = "--stdout", description = "Write flows as JSON lines to stdout instead of exporting them.")
    boolean stdout;

    @Option(names = "--format", paramLabel = "readable|proto", defaultValue = "readable",
            description = "JSON dialect for --stdout: 'readable' (IP strings, numbers, every field; default) or "
                    + "'proto' (protobuf's canonical JSON: base64 addresses, uint64 as strings, zero fields omitted).")
    String format;

    @Option(names = "--speed", paramLabel = "max|realtime", defaultValue = "max",
            description = "'max' (default) reads as fast as possible; 'realtime' keeps the capture's pace.")
    String speed;

    @Option(names = "--retime",
            description = {"Shift packet times so that the capture ends now, keeping the gaps between packets "
                    + "(ingest refuses flows older than retention). Several files are laid end to end, the last "
                    + "ending now: the gap between two files is kept up to the idle timeout (a capture split into "
                    + "files), a longer one becomes the idle timeout + 1 s. With --speed realtime the capture starts "
                    + "now instead, so each packet is stamped about when it is replayed. Zeek conn logs: logs less than "
                    + "an hour apart keep their relative times (one site's rotated logs), and a flow is handed over at "
                    + "its end, as Zeek writes it."})
    boolean retime;

    @Option(names = {"-q", "--quiet"}, description = "No progress or summary on stderr.")
    boolean quiet;

    @Option(names = "--progress", paramLabel = "auto|bar|lines|none", defaultValue = "auto",
            description = "Progress on stderr: a bar redrawn in place (auto: when stderr is a terminal), or a line "
                    + "every --progress-every (auto: otherwise, e.g. in logs and CI).")
    String progressMode;

    @Option(names = "--progress-every", paramLabel = "DURATION", converter = DurationConverter.class,
            defaultValue = "5s", description = "How often a progress line is printed in lines mode (default 5s).")
    Duration progressEvery;

    @Mixin
    MeterOptions meterOptions;

    @Mixin
    ExportOptions exportOptions;

    @Option(names = "--ack-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "When exporting, give up waiting for ingest's acknowledgements after this long (exit 3; "
                    + "what is unacknowledged stays in the spool for the next run). Default: wait as long as it takes.")
    Duration ackTimeout;

    private volatile ExportPipeline exporting;
    private ProgressReporter reporter;

    @Override
    public Integer call() throws IOException, InterruptedException {
        FlowJson.Dialect dialect = switch (format.toLowerCase(Locale.ROOT)) {
            case "readable" -> FlowJson.Dialect.READABLE;
            case "proto" -> FlowJson.Dialect.PROTO;
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "--format must be 'readable' or 'proto', not '" + format + "'");
        };
        Replay.Speed pace = switch (speed.toLowerCase(Locale.ROOT)) {
            case "max" -> Replay.Speed.MAX;
            case "realtime" -> Replay.Speed.REALTIME;
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "--speed must be 'max' or 'realtime', not '" + speed + "'");
        };
        SensorSettings settings;
        MeterConfig config;
        ConnLogs.Inputs inputs;
        try {
            inputs = ConnLogs.classify(files);
        } catch (IOException e) {
            System.err.println("vigil-sensor replay: " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        try {
            settings = new SensorSettings(common.configDir(), System.getenv());
            config = meterOptions.apply(settings.meter());
            reporter = new ProgressReporter(System.err, ProgressReporter.choose(progressMode, quiet, System.getenv(),
                    ProgressReporter.stderrIsTerminal()), Replay.totalBytes(inputs.zeek() ? inputs.connLogs() : files),
                    progressEvery, System::nanoTime);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (stdout) {
            try (JsonLinesSink sink = new JsonLinesSink(System.out, dialect)) {
                return inputs.zeek() ? replayZeek(sink, inputs, config, null) : replay(sink, config, null);
            }
        }
        ExportPipeline pipeline;
        FlowMeter[] meterRef = new FlowMeter[1];
        ZeekReplay[] zeekRef = new ZeekReplay[1];
        try {
            pipeline = Pipelines.open(spec, common, settings, exportOptions, "replay", true,
                    () -> zeekRef[0] != null ? Pipelines.stats(zeekRef[0].flows()) : Pipelines.stats(meterRef[0], null));
        } catch (IOException e) {
            System.err.println("vigil-sensor replay: " + e.getMessage());
            return 1;
        }
        exporting = pipeline;
        try {
            pipeline.start();
            int status = inputs.zeek() ? replayZeek(pipeline.batcher(), inputs, config, zeekRef)
                    : replay(pipeline.batcher(), config, meterRef);
            pipeline.flush();
            long deadline = ackTimeout == null ? Long.MAX_VALUE : System.nanoTime() + ackTimeout.toNanos();
            long started = System.nanoTime();
            while (!pipeline.awaitAcked(200, TimeUnit.MILLISECONDS)) {
                reporter.exporting(exportProgress(pipeline, started, false));
                if (System.nanoTime() > deadline) {
                    reporter.endLine();
                    System.err.println("vigil-sensor replay: not everything acknowledged within " + ackTimeout
                            + "; " + pipeline.spool().stats().batches() + " batches stay in the spool");
                    return 3;
                }
            }
            reporter.endLine();
            if (!quiet) {
                System.err.println("replay: " + exportProgress(pipeline, started, true));
            }
            return status;
        } finally {
            pipeline.close();
        }
    }

    private int replay(FlowSink sink, MeterConfig config, FlowMeter[] meterRef) throws IOException {
        PrintStream err = System.err;
        long started = System.nanoTime();
        try {
            FlowMeter meter = new FlowMeter(config, sink);
            if (meterRef != null) {
                meterRef[0] = meter;
            }
            long[] shifts = retime ? retimeShifts(config) : new long[files.size()];
            Replay replay = new Replay(meter, pace(), reporter.mode() == ProgressReporter.Mode.NONE ? null
                    : (c, bytes) -> reporter.metering(bytes, c.frames, c.flowsExported, meter.activeFlows(),
                            exportSuffix()));
            List<OfflineCapture.Result> results = replay.run(files, shifts);
            reporter.endLine();
            int status = 0;
            for (int i = 0; i < results.size(); i++) {
                if (results.get(i).error() != null) {
                    err.println("vigil-sensor replay: " + files.get(i) + ": stopped early: " + results.get(i).error());
                    status = 1;
                }
            }
            if (!quiet) {
                summary(err, meter, started);
            }
            return status;
        } catch (CaptureException e) {
            err.println("vigil-sensor replay: " + e.getMessage());
            return 1;
        }
    }

    /** Zeek conn logs: each record becomes a flow for the sink, no meter (the connections are already summed up). */
    private int replayZeek(FlowSink sink, ConnLogs.Inputs inputs, MeterConfig config, ZeekReplay[] ref)
            throws IOException {
        PrintStream err = System.err;
        long started = System.nanoTime();
        List<Path> logs = inputs.connLogs();
        long[] shifts = new long[logs.size()];
        if (retime) {
            long separation = (config.idleTimeout().toNanos() + FlowMeter.SWEEP_INTERVAL.toNanos()) / 1000;
            shifts = ZeekReplay.retime(ZeekReplay.spans(logs), System.currentTimeMillis() * 1000, separation,
                    pace() == Replay.Speed.REALTIME);
        }
        ZeekReplay replay = new ZeekReplay(sink, pace(), reporter.mode() == ProgressReporter.Mode.NONE ? null
                : (z, bytes) -> reporter.reading(bytes, z.records(), z.flows(), z.rejects().total(), exportSuffix()));
        if (ref != null) {
            ref[0] = replay;
        }
        List<ZeekReplay.FileResult> results = replay.run(logs, shifts);
        reporter.endLine();
        int status = 0;
        for (ZeekReplay.FileResult r : results) {
            if (r.error() != null) {
                err.println("vigil-sensor replay: " + r.file() + ": " + r.error());
                status = 1;
            }
        }
        // Rejected records are problems with the data: shown even with -q, which silences only progress.
        if (replay.rejects().total() > 0) {
            err.printf(Locale.ROOT, "vigil-sensor replay: %,d of %,d records skipped (%s)%s%n", replay.rejects().total(),
                    replay.records(), replay.rejects().summary(), replay.rejects().total() > Rejects.SHOWN
                            ? "; the first " + Rejects.SHOWN + ":" : ":");
            for (String line : replay.rejects().first()) {
                err.println("  " + line);
            }
        }
        if (!quiet) {
            double secs = (System.nanoTime() - started) / 1e9;
            List<String> notes = new ArrayList<>();
            if (!inputs.skipped().isEmpty()) {
                notes.add(String.format(Locale.ROOT, "%,d files in the directories were no conn log and were skipped",
                        inputs.skipped().size()));
            }
            if (replay.missedBytes() > 0) {
                notes.add(String.format(Locale.ROOT, "%,d records had missed_bytes (the Zeek sensor lost packets of "
                        + "those connections)", replay.missedBytes()));
            }
            err.printf(Locale.ROOT, "replay: done in %.2f s: %,d Zeek conn records in %,d %s (%.2f M records/s), %,d "
                            + "flows%s%n", secs, replay.records(), logs.size(), logs.size() == 1 ? "log" : "logs",
                    replay.records() / secs / 1e6, replay.flows(), notes.isEmpty() ? "" : "; " + String.join("; ", notes));
        }
        return status;
    }

    /** Per-file shifts for --retime (see {@link Retime}): the timeline ends now, or starts now in realtime mode. */
    private long[] retimeShifts(MeterConfig config) throws CaptureException {
        List<Retime.Span> spans = Retime.spans(files);
        long idle = config.idleTimeout().toNanos() / 1000;
        long separation = idle + FlowMeter.SWEEP_INTERVAL.toNanos() / 1000;
        long now = System.currentTimeMillis() * 1000;
        long[] shifts = Retime.shifts(spans, now, idle, separation);
        if (pace() == Replay.Speed.REALTIME) {
            long first = now;
            for (int i = 0; i < spans.size(); i++) {
                if (spans.get(i).frames() > 0) {
                    first = Math.min(first, spans.get(i).firstMicros() + shifts[i]);
                }
            }
            for (int i = 0; i < shifts.length; i++) {
                shifts[i] += now - first;
            }
        }
        return shifts;
    }

    private String exportSuffix() {
        ExportPipeline p = exporting;
        return p == null ? "" : String.format(Locale.ROOT, ", %,d acknowledged, %,d in the spool (%s)",
                p.exporter().flowsAccepted(), p.spool().stats().flows(), p.exporter().connection());
    }

    private Replay.Speed pace() {
        return speed.equalsIgnoreCase("realtime") ? Replay.Speed.REALTIME : Replay.Speed.MAX;
    }

    private static String exportProgress(ExportPipeline p, long started, boolean done) {
        Spool.Stats s = p.spool().stats();
        double secs = (System.nanoTime() - started) / 1e9;
        return String.format(Locale.ROOT, "%s %,d flows acknowledged by ingest (%,d rejected), %,d batches / %,d "
                        + "flows waiting in the spool, %s, %.0f s", done ? "done:" : "exporting:",
                p.exporter().flowsAccepted(), p.exporter().flowsRejected(), s.batches(), s.flows(),
                p.exporter().connection(), secs);
    }

    private static void summary(PrintStream err, FlowMeter meter, long started) {
        MeterCounters c = meter.counters();
        double secs = (System.nanoTime() - started) / 1e9;
        err.printf(Locale.ROOT, "replay: done in %.2f s: %,d frames (%.2f M/s), %,d IP packets metered, "
                        + "%,d flows exported (%,d evicted early), %,d ICMP errors matched to their flow, "
                        + "%,d not IP, %,d undecodable; %s%n",
                secs, c.frames, c.frames / secs / 1e6, c.packets, c.flowsExported, c.flowsEvicted,
                c.icmpErrorsMatched, c.notIp, c.undecodable, c.fragmentSummary());
    }
}
