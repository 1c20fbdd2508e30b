package io.vigil.detection.baseline;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProfileTest {

    /** The figures a scan finding is compared on. */
    private static final List<Metric> SCAN = List.of(Metric.FAILED_TARGETS, Metric.PEERS, Metric.PORTS);

    /** Monday 2026-11-23 00:00 UTC. */
    static final long MONDAY = Instant.parse("2026-11-23T00:00:00Z").getEpochSecond();

    private static HourSample sample(long hour, long failedTargets, long peers) {
        HourSample s = HourSample.of("10.1.0.5", hour);
        s.values().put(Metric.FAILED_TARGETS, failedTargets);
        s.values().put(Metric.PEERS, peers);
        return s;
    }

    @Test
    void slotsAreHoursOfTheWeekInTheCustomersZone() {
        assertEquals(0, Profile.slot(Instant.ofEpochSecond(MONDAY), ZoneOffset.UTC));
        assertEquals(24 + 14, Profile.slot(Instant.parse("2026-11-24T14:30:00Z"), ZoneOffset.UTC));
        assertEquals(6 * 24 + 19, Profile.slot(Instant.ofEpochSecond(MONDAY), ZoneId.of("America/New_York")), "Sunday 19:00 there");
        assertEquals("Tue 14:00", Profile.slotName(38));
    }

    @Test
    void nearestRankPercentileIsTheMaximumOfFewSamples() {
        assertEquals(9, Profile.percentile(new long[]{1, 9, 3}, 0.99));
        assertEquals(3, Profile.percentile(new long[]{1, 9, 3}, 0.50));
        assertEquals(99, Profile.percentile(java.util.stream.LongStream.rangeClosed(1, 100).toArray(), 0.99));
        assertEquals(0, Profile.percentile(new long[0], 0.99));
    }

    @Test
    void busyWeekdayHoursAndQuietZeroFilledNightsAreLearnedApart() {
        Map<Long, HourSample> byHour = new HashMap<>();
        // Two weeks: 09:00–17:00 on weekdays, 30 peers and 2 failed targets; nothing otherwise (zero-filled).
        for (long h = MONDAY; h < MONDAY + 14 * 86_400; h += 3600) {
            int slot = Profile.slot(Instant.ofEpochSecond(h), ZoneOffset.UTC);
            if (slot / 24 < 5 && slot % 24 >= 9 && slot % 24 < 17) {
                byHour.put(h, sample(h, 2, 30));
            }
        }
        byHour.put(MONDAY + 7 * 86_400 + 12 * 3600, sample(MONDAY + 7 * 86_400 + 12 * 3600, 40, 30));
        Profile p = Profile.build(byHour, MONDAY, MONDAY + 14 * 86_400 - 3600, ZoneOffset.UTC);
        assertEquals(6, p.samples()[12], "Monday 12:00 and its neighbours, twice");
        assertEquals(40, p.p99(Metric.FAILED_TARGETS, Instant.ofEpochSecond(MONDAY + 12 * 3600)), "the one spike is the slot's p99");
        assertEquals(2, p.p99(Metric.FAILED_TARGETS, Instant.ofEpochSecond(MONDAY + 86_400 + 12 * 3600)), "Tuesday noon");
        assertEquals(0, p.p99(Metric.PEERS, Instant.ofEpochSecond(MONDAY + 3 * 3600)), "nights are quiet");
        assertEquals(30, p.allP99(Metric.PEERS));
        assertEquals(0, p.metrics().get(Metric.PEERS).allP50(), "most hours of a week are outside office hours");
    }

    @Test
    void gateDropsOnlyAMatureHostWithinEveryLimit() {
        Map<Long, HourSample> byHour = new HashMap<>();
        for (long h = MONDAY; h < MONDAY + 8 * 86_400; h += 3600) {
            byHour.put(h, sample(h, 8, 20));
        }
        Profile p = Profile.build(byHour, MONDAY, MONDAY + 8 * 86_400 - 3600, ZoneOffset.UTC);
        Instant at = Instant.ofEpochSecond(MONDAY + 8 * 86_400 + 600);
        HostBaseline mature = new HostBaseline("t", "10.1.0.5", HostBaseline.State.MATURE, Instant.ofEpochSecond(MONDAY), at, 192,
                Instant.ofEpochSecond(MONDAY + 7 * 86_400), p, at);
        HostBaseline learning = new HostBaseline("t", "10.1.0.5", HostBaseline.State.LEARNING, Instant.ofEpochSecond(MONDAY), at,
                20, Instant.ofEpochSecond(MONDAY + 7 * 86_400), p, at);

        Gate.Verdict routine = Gate.judge(mature, sample(0, 12, 20), at, 1, 1.5, true, SCAN);
        assertTrue(routine.withinBaseline(), "12 ≤ 8 × 1.5: " + routine.text());
        assertEquals("observed 12 failed targets in the last hour vs baseline p99 8; observed 20 distinct peers in the last hour"
                + " vs baseline p99 20; observed 0 distinct ports in the last hour vs baseline p99 0", routine.text());

        Gate.Verdict scan = Gate.judge(mature, sample(0, 13, 20), at, 1, 1.5, true, SCAN);
        assertFalse(scan.withinBaseline());
        assertTrue(scan.text().startsWith("observed 13 failed targets in the last hour vs baseline p99 8 (above)"), scan.text());

        Gate.Verdict young = Gate.judge(learning, sample(0, 8, 20), at, 1, 1.5, true, SCAN);
        assertFalse(young.withinBaseline(), "a learning baseline never silences");
        assertEquals(Gate.State.LEARNING, young.state());

        Gate.Verdict external = Gate.judge(null, sample(0, 50, 50), at, 1, 1.5, false, SCAN);
        assertFalse(external.withinBaseline());
        assertTrue(external.text().contains("vs baseline p99 none") && external.text().endsWith("(external source: no baseline)"));

        Gate.Verdict slow = Gate.judge(mature, sample(0, 60, 20), at, 5, 1.5, true, SCAN);
        assertTrue(slow.withinBaseline(), "over 5 h the limit is all-hours p99 × 1.5 × 5 = 60: " + slow.text());
        assertEquals(List.of(60L, 150L, 0L), slow.comparisons().stream().map(Gate.Comparison::limit).toList());
    }
}
