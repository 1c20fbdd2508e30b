package io.vigil.detection.baseline;

import java.util.EnumMap;
import java.util.Map;

/**
 * One host's figures in one clock hour (or, for the observed side, in the last hour).
 *
 * @param hour epoch seconds of the hour's start
 */
public record HourSample(String host, long hour, Map<Metric, Long> values) {

    public long get(Metric m) {
        return values.getOrDefault(m, 0L);
    }

    public static HourSample of(String host, long hour) {
        return new HourSample(host, hour, new EnumMap<>(Metric.class));
    }
}
