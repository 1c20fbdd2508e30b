package io.vigil.detection.baseline;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;

/** Per-host baselines ({@code vigil.detection.baseline.*}): how they are learned, and how much they forgive. */
@ConfigMapping(prefix = "vigil.detection.baseline")
public interface BaselineConfig {

    /**
     * How often every tenant with recent flows gets its baselines recomputed from ClickHouse history: a duration, or
     * {@code off} (the scheduler's own syntax; it reads this key).
     */
    @WithName("refresh-interval")
    @WithDefault("PT1H")
    String refreshInterval();

    /** The history a baseline is learned from (per-minute roll-up). */
    @WithDefault("P28D")
    Duration history();

    /** A host is LEARNING until first seen this long ago (one of each weekday) ... */
    @WithName("learning-period")
    @WithDefault("P7D")
    Duration learningPeriod();

    /** ... and active in at least this many hours; then MATURE. */
    @WithName("min-active-hours")
    @WithDefault("24")
    int minActiveHours();

    /** Internal hosts profiled per tenant, the most active first. */
    @WithName("max-hosts")
    @WithDefault("5000")
    int maxHosts();

    /** A MATURE host's finding is dropped while every compared figure stays within this × its p99. */
    @WithDefault("1.5")
    double headroom();
}
