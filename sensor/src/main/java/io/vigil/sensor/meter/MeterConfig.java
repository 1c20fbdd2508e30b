package io.vigil.sensor.meter;

import java.time.Duration;

/**
 * The flow meter's knobs. Defaults aim at a scan detector: attempts leave within 5 s, established flows are reported
 * at least every active timeout.
 *
 * @param idleTimeout    an established or other flow with no packet for this long is exported
 * @param activeTimeout  a flow open this long is exported as a slice and continues in a new record
 * @param attemptTimeout an unanswered attempt (TCP S0, UDP/ICMP without reply) with no packet for this long is exported
 * @param closeLinger    a finished flow (FIN both ways, RST, ICMP-rejected) waits this long for stragglers
 * @param maxFlows       table capacity; when full, the least recently active of a small sample is exported early
 * @param vlanInKey      whether the outer VLAN is part of the flow key (true: the same 5-tuple on two VLANs is two
 *                       flows; false: one flow, reported with the VLAN of its first packet, which suits a SPAN of a
 *                       router trunk where each direction of a connection travels on its own VLAN)
 * @param defrag         IP fragment reassembly ahead of the meter: timeout, memory bounds, overlap policy
 */
public record MeterConfig(Duration idleTimeout, Duration activeTimeout, Duration attemptTimeout, Duration closeLinger,
                          int maxFlows, boolean vlanInKey, DefragConfig defrag) {

    public static final Duration DEFAULT_IDLE = Duration.ofSeconds(60);
    public static final Duration DEFAULT_ACTIVE = Duration.ofSeconds(300);
    public static final Duration DEFAULT_ATTEMPT = Duration.ofSeconds(4);
    public static final Duration DEFAULT_LINGER = Duration.ofSeconds(1);
    public static final int DEFAULT_MAX_FLOWS = 1 << 19;

    public MeterConfig {
        if (idleTimeout.isNegative() || activeTimeout.isNegative() || attemptTimeout.isNegative()
                || closeLinger.isNegative()) {
            throw new IllegalArgumentException("timeouts must not be negative");
        }
        if (maxFlows < 16) {
            throw new IllegalArgumentException("max flows must be at least 16, was " + maxFlows);
        }
        if (defrag == null) {
            throw new IllegalArgumentException("fragment reassembly settings missing");
        }
    }

    public static MeterConfig defaults() {
        return new MeterConfig(DEFAULT_IDLE, DEFAULT_ACTIVE, DEFAULT_ATTEMPT, DEFAULT_LINGER, DEFAULT_MAX_FLOWS, true,
                DefragConfig.defaults());
    }

    public MeterConfig withMaxFlows(int max) {
        return new MeterConfig(idleTimeout, activeTimeout, attemptTimeout, closeLinger, max, vlanInKey, defrag);
    }

    public MeterConfig withVlanInKey(boolean inKey) {
        return new MeterConfig(idleTimeout, activeTimeout, attemptTimeout, closeLinger, maxFlows, inKey, defrag);
    }

    public MeterConfig withIdleTimeout(Duration idle) {
        return new MeterConfig(idle, activeTimeout, attemptTimeout, closeLinger, maxFlows, vlanInKey, defrag);
    }

    public MeterConfig withDefrag(DefragConfig fragments) {
        return new MeterConfig(idleTimeout, activeTimeout, attemptTimeout, closeLinger, maxFlows, vlanInKey, fragments);
    }
}
