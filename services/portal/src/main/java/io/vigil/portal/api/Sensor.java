package io.vigil.portal.api;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/** A sensor as the tenants API shows it; {@code lastSeen} is its latest heartbeat, null if never heard from. */
public record Sensor(String id, String customerId, String siteId, String name, String status, Instant lastSeen,
                     String version, List<String> interfaces, Instant createdAt, Instant enrolledAt) {

    /** An enrolled sensor silent for longer than {@code after} (or never heard from) is offline. */
    public boolean offline(Duration after, Instant now) {
        return "ACTIVE".equals(status) && (lastSeen == null || lastSeen.plus(after).isBefore(now));
    }
}
