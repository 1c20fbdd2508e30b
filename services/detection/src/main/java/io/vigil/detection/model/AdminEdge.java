package io.vigil.detection.model;

import java.time.Instant;

/**
 * An internal source that logged in to an internal host on an admin service (a session in which the service spoke), as
 * the edge store remembers it: first and last seen by flow time.
 *
 * @param service such as "445/tcp"
 */
public record AdminEdge(String source, String target, String service, Instant firstSeen, Instant lastSeen) {
}
