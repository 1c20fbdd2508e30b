package io.vigil.portal.api;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A host's hour-of-week baseline from detection: per metric, p50/p99 overall and per hour of the week. */
public record Baseline(String customerId, String host, String state, Instant firstSeen, Instant lastSeen,
                       Instant learningUntil, int activeHours, Instant computedAt, String timeZone,
                       Map<String, MetricView> metrics) {

    /** One metric; {@code hourOfWeek} has 168 slots, Monday 00:00 first, in the customer's time zone. */
    public record MetricView(String label, long p50, long p99, List<Slot> hourOfWeek) {
    }

    public record Slot(int slot, String name, int samples, long p50, long p99) {
    }
}
