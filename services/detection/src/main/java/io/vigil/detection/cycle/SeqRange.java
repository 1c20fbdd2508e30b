package io.vigil.detection.cycle;

/**
 * One sensor's batches a cycle judges: {@code after < batch_seq <= upTo}. Ingest stores a sensor's batches in sequence
 * order, so the range is exactly the batches stored since the last cycle that judged this sensor.
 */
public record SeqRange(String sensor, long after, long upTo) {

    public SeqRange {
        if (after < 0 || upTo <= after) {
            throw new IllegalArgumentException("empty or negative batch range (" + after + ", " + upTo + "] of sensor " + sensor);
        }
    }
}
