package io.vigil.detection.family.reconnaissance;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;

/**
 * Every threshold of the reconnaissance family ({@code vigil.detection.reconnaissance.*}), with the reasons in
 * services/detection/DESIGN.md. The sequential test's own parameters (θ0, θ1, α, β) are the paper's and live in
 * {@link Trw}.
 */
@ConfigMapping(prefix = "vigil.detection.reconnaissance")
public interface ReconnaissanceConfig {

    /** Whether the family runs. */
    @WithDefault("true")
    boolean enabled();

    /**
     * Distinct failed targets in one window that decide on their own, for a source whose successes kept the sequential
     * test from deciding (a scan of a network where many services answer). At least half the source's contacts in the
     * window must have failed too.
     */
    @WithName("window-min-targets")
    @WithDefault("25")
    int windowMinTargets();

    /**
     * Distinct hosts sent echo requests or ACK pings in one window, answered or not, that make a host sweep whatever
     * the order of the answers.
     */
    @WithName("sweep-min-hosts")
    @WithDefault("10")
    int sweepMinHosts();

    /**
     * Distinct targets each part of a split needs: a source that probed many ports of one host and one port across
     * hosts gets a vertical and a horizontal finding when each part reaches this (ports of the host; hosts on the
     * port). Also the ports of one host that make ACK probes a vertical scan rather than a sweep.
     */
    @WithName("split-min-targets")
    @WithDefault("5")
    int splitMinTargets();

    /** Sources judged per tenant per cycle, the ones with the most failed attempts first. */
    @WithName("max-sources")
    @WithDefault("500")
    int maxSources();

    /** The slow path: each probing source's attempts over the per-minute roll-up of this horizon. */
    @WithName("slow-horizon")
    @WithDefault("PT6H")
    Duration slowHorizon();

    /** Distinct failed targets over the slow horizon that make a slow scan, besides the sequential test's decision. */
    @WithName("slow-min-targets")
    @WithDefault("8")
    int slowMinTargets();

    /**
     * Failed targets over the slow horizon that make a slow scan when they have a scan's shape: that many ports of one
     * host, or that many hosts on one port. A laptop whose mapped drives and printers are offline fails on a few hosts
     * and ports with no such shape.
     */
    @WithName("slow-min-shaped-targets")
    @WithDefault("5")
    int slowMinShapedTargets();

    /**
     * Evidence spanning more than this is a slow scan on either path (a replay or a spool after an outage delivers
     * hours of probes in one batch).
     */
    @WithName("slow-span")
    @WithDefault("PT10M")
    Duration slowSpan();

    /** Scans split between many sources. */
    Distributed distributed();

    interface Distributed {

        /** The span of the per-minute roll-up judged for scans split between sources. */
        @WithDefault("PT10M")
        Duration window();

        /** Distinct failing sources, none a scanner on its own, that make a distributed scan. */
        @WithName("min-sources")
        @WithDefault("5")
        int minSources();

        /** Distinct failed hosts of one target prefix (IPv4 /24, IPv6 /64) on the service. */
        @WithName("min-targets")
        @WithDefault("10")
        int minTargets();
    }
}
