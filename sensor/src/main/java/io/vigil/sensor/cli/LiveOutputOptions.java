package io.vigil.sensor.cli;

import io.vigil.sensor.output.FlowJson;
import io.vigil.sensor.output.JsonLinesSink;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.time.Duration;
import java.util.Locale;

/** Options of the long-running commands (run, collect) for trying them out: flows to stdout, and a time limit. */
public final class LiveOutputOptions {

    @Option(names = "--stdout", description = "Write flows as JSON lines to stdout instead of exporting them.")
    boolean stdout;

    @Option(names = "--format", paramLabel = "readable|proto", defaultValue = "readable",
            description = "JSON dialect for --stdout (see replay --help).")
    String format;

    @Option(names = "--duration", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Stop after this long (tests, troubleshooting). Default: until stopped.")
    Duration duration;

    /** The JSON sink for --stdout; a bad --format is a usage error. */
    JsonLinesSink jsonSink(CommandLine.Model.CommandSpec spec) {
        FlowJson.Dialect dialect = switch (format.toLowerCase(Locale.ROOT)) {
            case "readable" -> FlowJson.Dialect.READABLE;
            case "proto" -> FlowJson.Dialect.PROTO;
            default -> throw new CommandLine.ParameterException(spec.commandLine(),
                    "--format must be 'readable' or 'proto', not '" + format + "'");
        };
        return new JsonLinesSink(System.out, dialect);
    }

    /** System.nanoTime() at which to stop: never without --duration. */
    long stopAtNanos() {
        return duration == null ? Long.MAX_VALUE : System.nanoTime() + duration.toNanos();
    }
}
