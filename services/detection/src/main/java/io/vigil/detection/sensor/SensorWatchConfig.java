package io.vigil.detection.sensor;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.time.Duration;

/** Every vigil.detection.sensors.* setting: when a sensor counts as offline, and how often the watcher looks. */
@ConfigMapping(prefix = "vigil.detection.sensors")
public interface SensorWatchConfig {

    /** Whether this instance watches its shard's sensors (sensor.offline / sensor.online); off, it only serves. */
    @WithDefault("true")
    boolean enabled();

    /** No heartbeat for this long makes a sensor offline (the sensor sends one every 30 s). */
    @WithName("offline-after")
    @WithDefault("5m")
    Duration offlineAfter();

    /** How often the watcher reads the heartbeats and the sensor list. */
    @WithName("check-interval")
    @WithDefault("30s")
    Duration checkInterval();

    /**
     * How far back the heartbeat read looks (each sensor's newest heartbeat within it); a sensor quiet for longer keeps
     * the last heartbeat the watcher recorded. At least {@code offline-after}.
     */
    @WithName("heartbeat-horizon")
    @WithDefault("1h")
    Duration heartbeatHorizon();

    /** Sensors per page of tenants' internal sensor list. */
    @WithName("tenants-page-size")
    @WithDefault("500")
    int tenantsPageSize();
}
