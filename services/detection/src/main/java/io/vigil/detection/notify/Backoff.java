package io.vigil.detection.notify;

import java.time.Duration;

/**
 * Exponential backoff between delivery attempts, with ±20 % jitter so receivers coming back from an outage are not
 * hit by every queued delivery in the same second.
 *
 * @param initial the wait after the first failed attempt
 * @param max     the longest wait
 */
public record Backoff(Duration initial, Duration max) {

    /**
     * The wait after {@code failedAttempts} failures: initial · 2^(failedAttempts − 1), capped at max, scaled by
     * 0.8 + 0.4 · {@code random} (random in [0, 1)).
     */
    public Duration after(int failedAttempts, double random) {
        double base = initial.toMillis() * Math.pow(2, Math.max(0, Math.min(failedAttempts - 1, 40)));
        double capped = Math.min(base, max.toMillis());
        return Duration.ofMillis(Math.round(capped * (0.8 + 0.4 * random)));
    }
}
