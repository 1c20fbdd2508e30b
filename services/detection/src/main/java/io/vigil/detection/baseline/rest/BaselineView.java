package io.vigil.detection.baseline.rest;

import io.vigil.detection.baseline.HostBaseline;
import io.vigil.detection.baseline.Metric;
import io.vigil.detection.baseline.Profile;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A host's baseline as the API shows it.
 *
 * @param state         LEARNING or MATURE (only a MATURE baseline silences findings)
 * @param learningUntil first seen + the learning period
 * @param activeHours   hours of the history with flows of the host
 * @param metrics       per metric: median and p99 over all hours, and per hour of the week
 */
public record BaselineView(String customerId, String host, HostBaseline.State state, Instant firstSeen, Instant lastSeen,
                           Instant learningUntil, int activeHours, Instant computedAt, String timeZone,
                           Map<Metric, MetricView> metrics) {

    /** One metric: {@code hourOfWeek} has 168 entries, Monday 00:00 first, in the customer's time zone. */
    public record MetricView(String label, long p50, long p99, List<SlotView> hourOfWeek) {
    }

    /** @param samples hourly figures behind the slot (its own hour of every week and both neighbours) */
    public record SlotView(int slot, String name, int samples, long p50, long p99) {
    }

    public static BaselineView of(HostBaseline b) {
        Profile p = b.profile();
        Map<Metric, MetricView> metrics = new LinkedHashMap<>();
        p.metrics().forEach((m, s) -> {
            List<SlotView> slots = new ArrayList<>(Profile.SLOTS);
            for (int i = 0; i < Profile.SLOTS; i++) {
                slots.add(new SlotView(i, Profile.slotName(i), p.samples()[i], s.p50()[i], s.p99()[i]));
            }
            metrics.put(m, new MetricView(m.label(), s.allP50(), s.allP99(), slots));
        });
        return new BaselineView(b.customerId(), b.host(), b.state(), b.firstSeen(), b.lastSeen(), b.matureAt(),
                b.activeHours(), b.computedAt(), p.timeZone(), metrics);
    }
}
