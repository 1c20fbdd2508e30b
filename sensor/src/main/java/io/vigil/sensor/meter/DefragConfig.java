package io.vigil.sensor.meter;

import java.time.Duration;

/**
 * Limits and policy of IP fragment reassembly, which runs before metering.
 *
 * @param timeout      an incomplete datagram is dropped this long after its first fragment arrived (packet time)
 * @param maxDatagrams at most this many datagrams are reassembled at once; a new one beyond it evicts the oldest
 * @param maxBytes     bytes of heap the incomplete datagrams may hold (their data plus about 100 bytes of bookkeeping
 *                     each, and 24 per fragment piece); beyond it the oldest are evicted
 * @param policy       which bytes win when fragments overlap
 */
public record DefragConfig(Duration timeout, int maxDatagrams, long maxBytes, OverlapPolicy policy) {

    /** Linux's net.ipv4.ipfrag_time default. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_DATAGRAMS = 16_384;
    /** Suricata's defrag memcap default. */
    public static final long DEFAULT_MAX_BYTES = 32L << 20;
    public static final OverlapPolicy DEFAULT_POLICY = OverlapPolicy.BSD;
    /** The largest IP datagram (IPv4 total length, IPv6 payload length): at least one must fit. */
    static final int MAX_DATAGRAM = 65_535;

    public DefragConfig {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("fragment timeout must be positive, was " + timeout);
        }
        if (maxDatagrams < 1) {
            throw new IllegalArgumentException("fragment max datagrams must be at least 1, was " + maxDatagrams);
        }
        if (maxBytes < 2L * MAX_DATAGRAM) {
            throw new IllegalArgumentException("fragment max bytes must be at least 128k (two datagrams of 64 KiB), "
                    + "was " + maxBytes);
        }
        if (policy == null) {
            throw new IllegalArgumentException("fragment overlap policy missing");
        }
    }

    public static DefragConfig defaults() {
        return new DefragConfig(DEFAULT_TIMEOUT, DEFAULT_MAX_DATAGRAMS, DEFAULT_MAX_BYTES, DEFAULT_POLICY);
    }
}
