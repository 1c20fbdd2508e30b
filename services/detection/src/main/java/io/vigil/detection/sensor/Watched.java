package io.vigil.detection.sensor;

import java.time.Instant;

/**
 * A sensor the watcher follows, as recorded in {@code detection.sensor_presence}: who it belongs to, what it is called,
 * and what the watcher last decided about it.
 *
 * @param watchedSince when it may first be expected to report (its enrollment)
 * @param version      bumped by every recorded change: the compare-and-set that keeps two watchers from recording
 *                     (and announcing) one transition twice
 */
public record Watched(String customerId, String sensorId, String mspId, String siteId, String siteName, String name,
                      Instant watchedSince, SensorPresence.Known known, long version) {

    public SensorKey key() {
        return new SensorKey(customerId, sensorId);
    }
}
