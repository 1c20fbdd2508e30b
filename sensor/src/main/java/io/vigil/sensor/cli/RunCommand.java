package io.vigil.sensor.cli;

import io.vigil.sensor.capture.CaptureException;
import io.vigil.sensor.capture.LiveCapture;
import io.vigil.sensor.capture.PacketIntake;
import io.vigil.sensor.export.ExportPipeline;
import io.vigil.sensor.export.SensorStats;
import io.vigil.sensor.meter.FlowMeter;
import io.vigil.sensor.meter.FlowSink;
import io.vigil.sensor.meter.MeterConfig;
import io.vigil.sensor.meter.MeterCounters;
import io.vigil.sensor.output.JsonLinesSink;
import org.jboss.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code vigil-sensor run}: live capture on an interface, metered and exported continuously until stopped. */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Capture live from an interface (a SPAN port), meter the packets into flows and export them to ingest "
                    + "through the disk spool, until stopped (SIGTERM or Ctrl-C).",
            "Needs root or CAP_NET_RAW + CAP_NET_ADMIN. With --stdout, flows go to stdout as JSON lines instead."},
        footer = {"", "Examples:",
            "  vigil-sensor run --interface eth1",
            "  vigil-sensor run --interface eth1 --bpf 'not port 22' --buffer-size 256m",
            "  vigil-sensor run --interface veth0 --stdout --duration 10s",
            "", "Exit status: 0 stopped, 1 capture or enrollment failed, 2 bad usage."})
public final class RunCommand implements Callable<Integer> {

    private static final Logger LOG = Logger.getLogger(RunCommand.class);

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = {"-i", "--interface"}, required = true, paramLabel = "IF",
            description = "Interface to capture from (capture.interface in sensor.properties is not read: "
                    + "the service unit passes it).")
    String iface;

    @Option(names = "--bpf", paramLabel = "FILTER", description = "tcpdump-style capture filter (capture.bpf).")
    String bpf;

    @Option(names = "--snaplen", paramLabel = "BYTES",
            description = "Bytes captured per packet (capture.snaplen, default 512: headers, including the packet an "
                    + "ICMP error quotes).")
    Integer snaplen;

    @Option(names = "--buffer-size", paramLabel = "SIZE",
            description = "Kernel capture buffer (capture.buffer-size, default 64m).")
    String bufferSize;

    @Option(names = "--promiscuous", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Promiscuous mode (default on; a SPAN port needs it).")
    boolean promiscuous;

    @Mixin
    LiveOutputOptions output;

    @Mixin
    MeterOptions meterOptions;

    @Mixin
    ExportOptions exportOptions;

    @Override
    public Integer call() throws IOException, InterruptedException {
        SensorSettings settings;
        MeterConfig config;
        int snap;
        long buffer;
        String filter;
        try {
            settings = new SensorSettings(common.configDir(), System.getenv());
            config = meterOptions.apply(settings.meter());
            snap = snaplen != null ? snaplen : settings.integer("capture.snaplen", 512);
            buffer = bufferSize != null ? SensorSettings.parseBytes("--buffer-size", bufferSize)
                    : settings.get("capture.buffer-size") != null
                    ? SensorSettings.parseBytes("capture.buffer-size", settings.get("capture.buffer-size")) : 64L << 20;
            filter = bpf != null ? bpf : settings.get("capture.bpf");
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        if (buffer > Integer.MAX_VALUE || buffer < 1 << 16) {
            throw new CommandLine.ParameterException(spec.commandLine(), "buffer size must be 64k..2g");
        }
        LiveCapture capture;
        try {
            capture = LiveCapture.open(iface, snap, promiscuous, (int) buffer, filter);
        } catch (CaptureException e) {
            System.err.println("vigil-sensor run: " + e.getMessage());
            return 1;
        }
        FlowMeter[] meterRef = new FlowMeter[1];
        ExportPipeline pipeline = null;
        JsonLinesSink json = null;
        FlowSink sink;
        try {
            if (output.stdout) {
                json = output.jsonSink(spec);
                sink = json;
            } else {
                pipeline = Pipelines.open(spec, common, settings, exportOptions, "run " + iface, false,
                        () -> Pipelines.stats(meterRef[0], List.of(new SensorStats.Interface(iface,
                                capture.stats().received(), capture.stats().dropped()))));
                sink = pipeline.batcher();
            }
        } catch (IOException e) {
            capture.close();
            System.err.println("vigil-sensor run: " + e.getMessage());
            return 1;
        }
        FlowMeter meter = new FlowMeter(config, sink);
        meterRef[0] = meter;
        Pipelines.StopHook hook = new Pipelines.StopHook(capture::stop);
        if (pipeline != null) {
            pipeline.start();
        }
        LOG.infof("capturing on %s (snaplen %d, buffer %d bytes, %s%s)", iface, snap, buffer,
                promiscuous ? "promiscuous" : "not promiscuous", filter == null ? "" : ", filter '" + filter + "'");
        long stopAt = output.stopAtNanos();
        PacketIntake intake = new PacketIntake(meter);
        long[] lastDrops = {0};
        int status = 0;
        try {
            capture.run(intake::frame, () -> {
                intake.advance(System.currentTimeMillis() * 1000);
                long drops = capture.stats().dropped();
                if (drops > lastDrops[0]) {
                    LOG.warnf("%s: the kernel dropped %d packets (%d since start): capture is not keeping up; a larger "
                            + "--buffer-size or a --bpf filter helps", iface, drops - lastDrops[0], drops);
                    lastDrops[0] = drops;
                }
                if (System.nanoTime() > stopAt) {
                    capture.stop();
                }
            }, 500);
        } catch (CaptureException e) {
            System.err.println("vigil-sensor run: " + e.getMessage());
            status = 1;
        } finally {
            intake.flush();
            capture.close();
            Pipelines.end(json, pipeline, hook);
        }
        MeterCounters c = meter.counters();
        System.err.printf("vigil-sensor run: %s: %,d frames, %,d flows exported, %,d dropped by the kernel; %s%n",
                iface, c.frames, c.flowsExported, capture.stats().dropped(), c.fragmentSummary());
        return status;
    }
}
