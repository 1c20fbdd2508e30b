package io.vigil.detection.sensor;

/** A decision to record for a sensor, over the row {@code version} the watcher read (compare-and-set). */
public record PresenceChange(SensorKey sensor, long version, SensorPresence.Known next) {
}
