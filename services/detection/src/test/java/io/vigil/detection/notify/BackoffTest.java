package io.vigil.detection.notify;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BackoffTest {

    final Backoff backoff = new Backoff(Duration.ofSeconds(10), Duration.ofHours(1));

    @Test
    void doublesAfterEachFailureUpToTheCap() {
        assertEquals(Duration.ofSeconds(10), backoff.after(1, 0.5));
        assertEquals(Duration.ofSeconds(20), backoff.after(2, 0.5));
        assertEquals(Duration.ofSeconds(40), backoff.after(3, 0.5));
        assertEquals(Duration.ofHours(1), backoff.after(10, 0.5), "10 s · 2^9 is capped at 1 h");
        assertEquals(Duration.ofHours(1), backoff.after(1000, 0.5));
    }

    @Test
    void jitterStaysWithinTwentyPercent() {
        assertEquals(Duration.ofSeconds(8), backoff.after(1, 0.0));
        assertEquals(Duration.ofMillis(12_000), backoff.after(1, 0.9999));
    }
}
