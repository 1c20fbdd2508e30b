package io.vigil.sensor.cli;

import io.vigil.sensor.capture.CaptureException;
import io.vigil.sensor.capture.OfflineCapture;
import io.vigil.sensor.capture.Replay;
import io.vigil.sensor.meter.FlowMeter;
import io.vigil.sensor.meter.MeterConfig;
import io.vigil.sensor.meter.MeterCounters;
import io.vigil.sensor.output.FlowJson;
import io.vigil.sensor.output.JsonLinesSink;
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

/** {@code vigil-sensor replay}: meters capture files exactly as live traffic would be, for inspection and export. */
@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Meter pcap or pcapng files into bidirectional flows, as the live sensor would.",
            "With --stdout, write one JSON object per flow (proto field names) to stdout; progress goes to stderr.",
            "Without --stdout, flows would be exported to Vigil ingest: that arrives with the next phase and is "
                    + "refused for now."},
        footer = {"", "Examples:",
            "  vigil-sensor replay --stdout capture.pcapng > flows.jsonl",
            "  vigil-sensor replay --stdout -q a.pcap | jq -c 'select(.conn_state==\"S0\")'",
            "  vigil-sensor replay --stdout --retime --idle-timeout 30s old.pcap",
            "", "Exit status: 0 done, 1 a file could not be read, 2 bad usage."})
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
            description = "Shift all packet times so that the capture ends now, keeping the gaps between packets "
                    + "(ingest refuses flows older than retention).")
    boolean retime;

    @Option(names = {"-q", "--quiet"}, description = "No progress or summary on stderr.")
    boolean quiet;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Export a flow after this long without packets (default 60s; meter.idle-timeout).")
    Duration idleTimeout;

    @Option(names = "--active-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Export long flows in slices of this length (default 300s; meter.active-timeout).")
    Duration activeTimeout;

    @Option(names = "--attempt-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Export unanswered attempts after this long (default 4s, so they leave within 5s; "
                    + "meter.attempt-timeout).")
    Duration attemptTimeout;

    @Option(names = "--max-flows", paramLabel = "N",
            description = "Flow table capacity; when full, the least recently active flow of a small sample is "
                    + "exported early (default 524288, about 136 bytes each; meter.max-flows).")
    Integer maxFlows;

    @Option(names = "--vlan-in-key", paramLabel = "true|false", arity = "1",
            description = "Whether the outer VLAN is part of the flow key (default true; meter.vlan-in-key). Use false "
                    + "on a SPAN of a router trunk, where the two directions of a connection travel on two VLANs.")
    Boolean vlanInKey;

    @Override
    public Integer call() throws IOException {
        if (!stdout) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "exporting to Vigil ingest is not built yet (the sensor's next phase: spool and Export stream); "
                            + "use --stdout to write the flows as JSON lines");
        }
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
        MeterConfig config;
        try {
            config = meterConfig(new SensorSettings(common.configDir(), System.getenv()));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        PrintStream err = System.err;
        long started = System.nanoTime();
        try (JsonLinesSink sink = new JsonLinesSink(System.out, dialect)) {
            FlowMeter meter = new FlowMeter(config, sink);
            long shift = 0;
            if (retime) {
                long last = Replay.lastTimestamp(files);
                shift = last == Long.MIN_VALUE ? 0 : System.currentTimeMillis() * 1000 - last;
            }
            Replay replay = new Replay(meter, shift, pace, quiet ? null : c -> progress(err, c, meter, started));
            List<OfflineCapture.Result> results = replay.run(files);
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

    private MeterConfig meterConfig(SensorSettings settings) {
        MeterConfig base = settings.meter();
        return new MeterConfig(
                idleTimeout != null ? idleTimeout : base.idleTimeout(),
                activeTimeout != null ? activeTimeout : base.activeTimeout(),
                attemptTimeout != null ? attemptTimeout : base.attemptTimeout(),
                base.closeLinger(),
                maxFlows != null ? maxFlows : base.maxFlows(),
                vlanInKey != null ? vlanInKey : base.vlanInKey());
    }

    private static void progress(PrintStream err, MeterCounters c, FlowMeter meter, long started) {
        double secs = (System.nanoTime() - started) / 1e9;
        err.printf(Locale.ROOT, "replay: %,d packets, %,d flows exported, %,d active, %.2f M packets/s%n",
                c.frames, c.flowsExported, meter.activeFlows(), c.frames / secs / 1e6);
    }

    private static void summary(PrintStream err, FlowMeter meter, long started) {
        MeterCounters c = meter.counters();
        double secs = (System.nanoTime() - started) / 1e9;
        err.printf(Locale.ROOT, "replay: done in %.2f s: %,d frames (%.2f M/s), %,d IP packets metered, "
                        + "%,d flows exported (%,d evicted early), %,d ICMP errors matched to their flow, "
                        + "%,d not IP, %,d non-first fragments, %,d undecodable%n",
                secs, c.frames, c.frames / secs / 1e6, c.packets, c.flowsExported, c.flowsEvicted,
                c.icmpErrorsMatched, c.notIp, c.fragments, c.undecodable);
    }
}
