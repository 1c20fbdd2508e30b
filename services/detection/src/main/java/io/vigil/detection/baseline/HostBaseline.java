package io.vigil.detection.baseline;

import java.time.Instant;

/**
 * One internal host's baseline: its profile and how far it has learned.
 *
 * @param state       LEARNING until the host was first seen a learning period ago and was active long enough; then MATURE
 * @param activeHours hours of the history in which the host had flows
 * @param matureAt    first seen + the learning period: the earliest the host can become MATURE
 */
public record HostBaseline(String customerId, String host, State state, Instant firstSeen, Instant lastSeen, int activeHours,
                           Instant matureAt, Profile profile, Instant computedAt) {

    public enum State { LEARNING, MATURE }
}
