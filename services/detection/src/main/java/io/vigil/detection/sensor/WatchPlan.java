package io.vigil.detection.sensor;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What one round of the watcher decides for every sensor it follows: pure, from the recorded presences and the newest
 * heartbeats.
 *
 * @param changes every row whose presence, since or last heartbeat moved (recorded by compare-and-set)
 * @param events  the transitions among them, each announced only if its change is recorded
 * @param offline how many of the sensors are offline after the round
 */
public record WatchPlan(List<PresenceChange> changes, List<SensorChanged> events, int offline) {

    /**
     * @param heartbeats the newest heartbeat read of each sensor that has one in the read's horizon
     */
    public static WatchPlan of(List<Watched> sensors, Map<SensorKey, Instant> heartbeats, Instant now, Duration offlineAfter) {
        List<PresenceChange> changes = new ArrayList<>();
        List<SensorChanged> events = new ArrayList<>();
        int offline = 0;
        for (Watched w : sensors) {
            SensorPresence.Decision d = SensorPresence.decide(w.known(), w.watchedSince(),
                    heartbeats.get(w.key()), now, offlineAfter);
            SensorPresence.Known next = d.next();
            if (next.state() == SensorPresence.State.OFFLINE) {
                offline++;
            }
            if (!next.equals(w.known())) {
                changes.add(new PresenceChange(w.key(), w.version(), next));
            }
            if (d.event() != null) {
                Instant offlineSince = d.event() == SensorPresence.Event.OFFLINE ? next.since() : d.offlineSince();
                events.add(new SensorChanged(d.event(), w.mspId(), w.customerId(), w.sensorId(), w.name(), w.siteId(),
                        w.siteName(), next.lastHeartbeat(), offlineSince, next.since()));
            }
        }
        return new WatchPlan(List.copyOf(changes), List.copyOf(events), offline);
    }
}
