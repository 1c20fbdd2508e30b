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
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/** {@code vigil-sensor replay}: meters capture files exactly as live traffic would be, for inspection and export. */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Meter pcap or pcapng files into bidirectional flows, as the live sensor would.",
            "With --stdout, write one JSON object per flow (proto field names) to stdout; progress goes to stderr.",
            "Without --stdout, flows are exported to Vigil ingest through the disk spool (the sensor must be enrolled); "
                    + "the command exits once ingest has acknowledged every flow."},
        footer = {"", "Examples:",
            "  vigil-sensor replay --stdout capture.pcapng > flows.jsonl",
            "  vigil-sensor replay --stdout -q a.pcap | jq -c 'select(.conn_state==\"S0\")'",
            "  vigil-sensor replay --stdout --retime --idle-timeout 30s old.pcap",
            "  vigil-sensor replay --config-dir ~/.vigil-a1 --retime old.pcap          # export to ingest",
            "", "Exit status: 0 done, 1 a file could not be read (or not enrolled), 2 bad usage, 3 --ack-timeout "
                    + "passed with flows still unacknowledged."})
public final class ReplayCommand implements Callable<Integer> {

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "pcap or pcapng files, replayed in the order given.")
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
                    + "now instead, so each packet is stamped about when it is replayed."})
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
        try {
            settings = new SensorSettings(common.configDir(), System.getenv());
            config = meterOptions.apply(settings.meter());
            reporter = new ProgressReporter(System.err, ProgressReporter.choose(progressMode, quiet, System.getenv(),
                    ProgressReporter.stderrIsTerminal()), Replay.totalBytes(files), progressEvery, System::nanoTime);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (stdout) {
            try (JsonLinesSink sink = new JsonLinesSink(System.out, dialect)) {
                return replay(sink, config, null);
            }
        }
        ExportPipeline pipeline;
        FlowMeter[] meterRef = new FlowMeter[1];
        try {
            pipeline = Pipelines.open(spec, common, settings, exportOptions, "replay", true,
                    () -> Pipelines.stats(meterRef[0], null));
        } catch (IOException e) {
            System.err.println("vigil-sensor replay: " + e.getMessage());
            return 1;
        }
        exporting = pipeline;
        try {
            pipeline.start();
            int status = replay(pipeline.batcher(), config, meterRef);
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
