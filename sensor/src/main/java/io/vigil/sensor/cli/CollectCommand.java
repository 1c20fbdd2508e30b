package io.vigil.sensor.cli;

import io.vigil.sensor.collect.Collector;
import io.vigil.sensor.collect.CollectorConfig;
import io.vigil.sensor.export.ExportPipeline;
import io.vigil.sensor.meter.FlowSink;
import io.vigil.sensor.meter.MeterConfig;
import io.vigil.sensor.output.JsonLinesSink;
import org.jboss.logging.Logger;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code vigil-sensor collect}: receives NetFlow/IPFIX from firewalls and routers, stitched and exported like {@code run}. */
@Command(name = "collect", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Receive NetFlow v5, NetFlow v9 and IPFIX over UDP from a site's firewalls or routers (a site without a "
                    + "SPAN port), stitch each connection's two directions into one bidirectional flow, and export "
                    + "the flows to ingest through the disk spool, as 'run' does, until stopped (SIGTERM or Ctrl-C).",
            "conn_state and history are derived from the records' TCP flag unions; sampled exporters' counts are "
                    + "scaled by their sampling rate, which each flow records with its exporter's address. Needs no "
                    + "privileges (ports above 1023). With --stdout, flows go to stdout as JSON lines instead."},
        footer = {"", "Examples:",
            "  vigil-sensor collect --listen 0.0.0.0:2055 --exporter 192.168.1.1",
            "  vigil-sensor collect --listen 0.0.0.0:2055,0.0.0.0:4739 --exporter 192.168.1.1,192.168.1.2",
            "  vigil-sensor collect --listen 127.0.0.1:2055 --stdout --duration 30s | jq -c .",
            "", "Exit status: 0 stopped, 1 cannot listen or not enrolled, 2 bad usage."})
public final class CollectCommand implements Callable<Integer> {

    private static final Logger LOG = Logger.getLogger(CollectCommand.class);

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Mixin
    CommonOptions common;

    @Option(names = "--listen", split = ",", paramLabel = "HOST:PORT",
            description = "UDP address(es) to receive on: HOST:PORT, [IPv6]:PORT or PORT (all IPv4 addresses); "
                    + "repeat or separate with commas (collector.listen). NetFlow's usual port is 2055, IPFIX's 4739.")
    List<String> listen;

    @Option(names = "--exporter", split = ",", paramLabel = "CIDR",
            description = "Accept records only from these addresses or blocks (collector.exporters; default: from "
                    + "anyone, with a warning). Others' datagrams are dropped and counted.")
    List<String> exporters;

    @Option(names = "--stitch-wait", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long a record waits for the record of its reverse direction (collector.stitch-wait, "
                    + "default 4s).")
    Duration stitchWait;

    @Option(names = "--idle-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Records of one connection further apart than this are separate flows (meter.idle-timeout, "
                    + "default 60s).")
    Duration idleTimeout;

    @Option(names = "--active-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "A direction's records are not merged beyond this span (meter.active-timeout, default 300s).")
    Duration activeTimeout;

    @Option(names = "--max-flows", paramLabel = "N",
            description = "Flows waiting to be stitched, at most (meter.max-flows, default 524288, 144 bytes each).")
    Integer maxFlows;

    @Mixin
    LiveOutputOptions output;

    @Mixin
    ExportOptions exportOptions;

    @Override
    public Integer call() throws IOException, InterruptedException {
        SensorSettings settings;
        MeterConfig meter;
        CollectorConfig config;
        try {
            settings = new SensorSettings(common.configDir(), System.getenv());
            MeterConfig base = settings.meter();
            meter = new MeterConfig(idleTimeout != null ? idleTimeout : base.idleTimeout(),
                    activeTimeout != null ? activeTimeout : base.activeTimeout(), base.attemptTimeout(),
                    base.closeLinger(), maxFlows != null ? maxFlows : base.maxFlows(), base.vlanInKey(), base.defrag());
            config = settings.collector(listen, exporters, stitchWait);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Collector[] collectorRef = new Collector[1];
        ExportPipeline pipeline = null;
        JsonLinesSink json = null;
        FlowSink sink;
        try {
            if (output.stdout) {
                json = output.jsonSink(spec);
                sink = json;
            } else {
                pipeline = Pipelines.open(spec, common, settings, exportOptions, "collect", false,
                        () -> Pipelines.stats(collectorRef[0]));
                sink = pipeline.batcher();
            }
        } catch (IOException e) {
            System.err.println("vigil-sensor collect: " + e.getMessage());
            return 1;
        }
        Collector collector;
        try {
            collector = Collector.open(config, meter, sink);
        } catch (IOException e) {
            System.err.println("vigil-sensor collect: " + e.getMessage());
            if (pipeline != null) {
                pipeline.close();
            }
            return 1;
        }
        collectorRef[0] = collector;
        if (config.exporters().isEmpty()) {
            LOG.warn("any host that reaches these ports can send flows in this site's name: limit the senders with "
                    + "--exporter (collector.exporters) to the site's firewalls");
        }
        Pipelines.StopHook hook = new Pipelines.StopHook(collector::stop);
        if (pipeline != null) {
            pipeline.start();
        }
        long stopAt = output.stopAtNanos();
        int status = 0;
        try {
            collector.run(() -> {
                if (System.nanoTime() > stopAt) {
                    collector.stop();
                }
            }, 200);
        } catch (IOException e) {
            System.err.println("vigil-sensor collect: " + e.getMessage());
            status = 1;
        } finally {
            collector.close();
            Pipelines.end(json, pipeline, hook);
        }
        System.err.println("vigil-sensor collect: " + collector.summary());
        return status;
    }
}
