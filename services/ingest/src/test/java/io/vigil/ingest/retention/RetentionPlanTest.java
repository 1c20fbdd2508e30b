package io.vigil.ingest.retention;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RetentionPlanTest {

    private static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);
    private static final long DAY = 86_400L;
    private static final Duration SKEW = Duration.ofMinutes(5);

    @Test
    void eachCustomerGetsTheCutoffOfItsOwnRetention() {
        RetentionPlan plan = RetentionPlan.of(Map.of("c-short", 3, "c-long", 10), Duration.ofDays(30), SKEW, NOW, 1000);
        assertEquals(1, plan.chunks().size(), "one mutation covers both");
        String where = plan.chunks().get(0).where("start");
        assertEquals("(tenant_id IN ('c-short') AND start < toDateTime(" + (NOW.getEpochSecond() - 3 * DAY) + "))"
                + " OR (tenant_id IN ('c-long') AND start < toDateTime(" + (NOW.getEpochSecond() - 10 * DAY) + "))", where);
        assertEquals(2, plan.customers());
        assertTrue(plan.chunks().get(0).where("start", DAY).contains("start < toDateTime(" + (NOW.getEpochSecond() - 4 * DAY) + ")"),
                "with a day's slack, a mutation waits for rows a day past the retention");
    }

    @Test
    void partitionsAreDroppedOnlyPastTheLongestRetentionAndTheClockSkew() {
        assertEquals(30, RetentionPlan.of(Map.of("a", 3), Duration.ofDays(30), SKEW, NOW, 10).longestDays(),
                "the service floor when every customer keeps less");
        RetentionPlan plan = RetentionPlan.of(Map.of("a", 3, "b", 400), Duration.ofDays(30), SKEW, NOW, 10);
        assertEquals(400, plan.longestDays(), "a customer keeping longer than the floor holds the partitions");
        assertEquals(NOW.getEpochSecond() - 400 * DAY - 300, plan.dropBefore());
        assertEquals(1, RetentionPlan.of(Map.of(), Duration.ofHours(1), SKEW, NOW, 10).longestDays(), "at least a day");
    }

    @Test
    void aWorkingTableLosesItsPartitionsPastItsOwnDaysWhateverTheCustomersKeep() {
        RetentionPlan plan = RetentionPlan.of(Map.of("a", 3, "b", 400), Duration.ofDays(30), SKEW, NOW, 10);
        assertEquals(NOW.getEpochSecond() - 2 * DAY - 300, plan.dropBefore(new RetentionTable("work", "minute", 2)));
        assertEquals(plan.dropBefore(), plan.dropBefore(new RetentionTable("flows_1m", "minute", 0)), "an ordinary table");
        assertEquals(plan.dropBefore(), plan.dropBefore(new RetentionTable("work", "minute", 500)),
                "a working table keeping more than the longest retention still goes by it");
        assertThrows(IllegalArgumentException.class, () -> new RetentionTable("work", "minute", -1));
    }

    @Test
    void manyCustomersAreBatchedIntoFewMutations() {
        Map<String, Integer> days = new HashMap<>();
        for (int i = 0; i < 2500; i++) {
            days.put(String.format("c-%04d", i), 1 + i % 7);
        }
        RetentionPlan plan = RetentionPlan.of(days, Duration.ofDays(30), SKEW, NOW, 1000);
        assertEquals(List.of(1000, 1000, 500), plan.chunks().stream().map(RetentionPlan.Chunk::customers).toList());
        assertEquals(2500, plan.customers());
        assertTrue(plan.chunks().get(0).where("minute").split(" OR ").length <= 7, "one clause per retention value");
    }

    @Test
    void idsThatCannotBeTenantIdsOrLackARetentionAreSkippedNotGuessed() {
        Map<String, Integer> days = new HashMap<>();
        days.put("ok", 5);
        days.put("x') OR 1=1 --", 5);
        days.put("none", null);
        days.put("zero", 0);
        RetentionPlan plan = RetentionPlan.of(days, Duration.ofDays(30), SKEW, NOW, 1000);
        assertEquals(1, plan.customers());
        assertEquals(List.of("none", "x') OR 1=1 --", "zero"), plan.skipped());
        assertTrue(plan.chunks().get(0).where("start").startsWith("(tenant_id IN ('ok') AND"));
        assertThrows(IllegalArgumentException.class, () -> RetentionPlan.of(days, Duration.ofDays(1), SKEW, NOW, 0));
    }
}
