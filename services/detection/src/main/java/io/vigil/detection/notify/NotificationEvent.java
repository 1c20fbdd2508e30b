package io.vigil.detection.notify;

import io.vigil.detection.alert.AlertChanged;

import java.util.Locale;

/**
 * What a destination may choose to be told: an alert's changes, and a sensor going quiet or reporting again. The names
 * are stored in {@code notification_destinations.events} and in each delivery's {@code event}.
 */
public enum NotificationEvent {
    OPENED, ESCALATED, REOPENED, RESOLVED,
    /** No heartbeat for {@code vigil.detection.sensors.offline-after}. */
    SENSOR_OFFLINE,
    /** A heartbeat from a sensor that was offline. */
    SENSOR_ONLINE;

    public static NotificationEvent of(AlertChanged.Change change) {
        return valueOf(change.name());
    }

    /** The event's wire name ({@code Vigil-Event}, the webhook's {@code type}): "alert.opened", "sensor.offline". */
    public String type() {
        String n = name().toLowerCase(Locale.ROOT);
        return n.startsWith("sensor_") ? "sensor." + n.substring("sensor_".length()) : "alert." + n;
    }
}
