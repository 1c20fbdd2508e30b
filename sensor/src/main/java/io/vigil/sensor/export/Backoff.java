package io.vigil.sensor.export;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter for reconnecting: 0.5 s doubling to 30 s, each wait drawn from the upper half of
 * its range, so a fleet of sensors cut off together does not reconnect in lockstep when ingest returns.
 */
final class Backoff {
    private final long baseMs;
    private final long maxMs;
    private int attempt;

    Backoff(long baseMs, long maxMs) {
        this.baseMs = baseMs;
        this.maxMs = maxMs;
    }

    long nextDelayMs() {
        long ceiling = Math.min(maxMs, baseMs << Math.min(attempt, 20));
        attempt++;
        return ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
    }

    void reset() {
        attempt = 0;
    }
}
