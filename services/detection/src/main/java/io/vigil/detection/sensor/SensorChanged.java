package io.vigil.detection.sensor;

import java.time.Instant;

/**
 * A sensor went offline or came back: what its notifications say.
 *
 * @param lastHeartbeat the newest heartbeat (for ONLINE, the one that brought it back); null when never heard from
 * @param offlineSince  when it went offline (for ONLINE, the offline period that ended)
 * @param at            when the transition happened: offlineSince for OFFLINE, the heartbeat for ONLINE
 */
public record SensorChanged(SensorPresence.Event event, String mspId, String customerId, String sensorId, String name,
                            String siteId, String siteName, Instant lastHeartbeat, Instant offlineSince, Instant at) {

    /** The same transition always has the same key: the outbox queues it once per destination however often decided. */
    public String dedupeKey() {
        return "sensor:" + customerId + "/" + sensorId + ":" + event + ":" + at.toEpochMilli();
    }
}
