package io.vigil.detection.sensor;

import java.time.Instant;

/**
 * An enrolled sensor as tenants lists it: what the watcher records of it besides its presence.
 *
 * @param watchedSince its enrollment: a sensor never heard from is offline once it has been enrolled for the offline time
 */
public record Registration(String customerId, String sensorId, String mspId, String siteId, String siteName, String name,
                           Instant watchedSince) {

    public static Registration of(Watched w) {
        return new Registration(w.customerId(), w.sensorId(), w.mspId(), w.siteId(), w.siteName(), w.name(), w.watchedSince());
    }
}
