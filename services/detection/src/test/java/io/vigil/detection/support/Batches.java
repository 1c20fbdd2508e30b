package io.vigil.detection.support;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Batch sequences for the flows tests store directly, as a sensor numbers its batches: increasing per sensor, also
 * across test runs (seeded from the clock), so the detection cycle's per-sensor marks see every insert as a new batch.
 */
public final class Batches {

    private static final AtomicLong NEXT = new AtomicLong(System.currentTimeMillis() * 1000);

    private Batches() {
    }

    public static long next() {
        return NEXT.incrementAndGet();
    }
}
