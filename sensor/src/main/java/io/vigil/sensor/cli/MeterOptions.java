package io.vigil.sensor.cli;

import io.vigil.sensor.meter.DefragConfig;
import io.vigil.sensor.meter.MeterConfig;
import io.vigil.sensor.meter.OverlapPolicy;
import picocli.CommandLine.Option;

import java.time.Duration;

/** The flow meter's tunables, shared by replay and run; each overrides its sensor.properties key. */
public final class MeterOptions {

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

    @Option(names = "--frag-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Drop an IP datagram whose fragments are still incomplete this long after the first one "
                    + "(default 30s, as Linux's ipfrag_time; meter.frag-timeout).")
    Duration fragTimeout;

    @Option(names = "--frag-overlap-policy", paramLabel = "POLICY",
            description = "Which bytes win when IP fragments overlap: first, last, bsd, linux, windows or solaris "
                    + "(default bsd, as Suricata; meter.frag-overlap-policy).")
    String fragOverlapPolicy;

    MeterConfig apply(MeterConfig base) {
        DefragConfig d = base.defrag();
        DefragConfig defrag = new DefragConfig(fragTimeout != null ? fragTimeout : d.timeout(), d.maxDatagrams(),
                d.maxBytes(), fragOverlapPolicy != null
                        ? OverlapPolicy.parse("--frag-overlap-policy", fragOverlapPolicy) : d.policy());
        return new MeterConfig(
                idleTimeout != null ? idleTimeout : base.idleTimeout(),
                activeTimeout != null ? activeTimeout : base.activeTimeout(),
                attemptTimeout != null ? attemptTimeout : base.attemptTimeout(),
                base.closeLinger(),
                maxFlows != null ? maxFlows : base.maxFlows(),
                vlanInKey != null ? vlanInKey : base.vlanInKey(),
                defrag);
    }
}
