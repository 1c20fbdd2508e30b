package io.vigil.detection.family.lateral;

import io.vigil.detection.model.Evidence;

import java.time.Duration;

/**
 * A source's connections to one admin service of one host within the brute-force window.
 *
 * @param connections connections in which the service spoke
 * @param meanBytes   mean IP bytes the source sent per connection
 * @param meanPackets mean packets per connection, both ways
 * @param spread      the coefficient of variation of the per-minute mean bytes sent per connection
 */
public record BruteForceEvidence(long connections, long meanBytes, long meanPackets, double spread, Duration window)
        implements Evidence {
}
