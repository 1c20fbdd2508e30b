package io.vigil.ingest.retention;

import io.vigil.lib.clickhouse.Sql;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one run deletes, decided from every customer's retention as tenants listed it: partitions whose rows are all
 * older than the longest retention are dropped whole, and each customer's older rows are deleted by mutations that
 * cover up to {@code perMutation} customers each. A tenant id tenants did not list (a customer deleted outright, or
 * rows of no customer) is in no mutation: its rows stay until their partition passes the longest retention.
 *
 * @param now         the run's clock, in epoch seconds
 * @param dropBefore  partitions whose newest row is older than this (epoch seconds) are dropped
 * @param longestDays the longest retention: the service floor or a customer's, whichever is longer
 * @param chunks      the mutations' customer sets, each with the cutoff of each of its customers
 * @param customers   customers with a retention (skipped ones not counted)
 * @param skipped     ids tenants listed that cannot be tenant ids in ClickHouse, or without a retention
 */
public record RetentionPlan(long now, long dropBefore, int longestDays, List<Chunk> chunks, int customers, List<String> skipped) {

    /**
     * Customers of one mutation, grouped by retention.
     *
     * @param cutoffs per retention in days: its cutoff (epoch seconds) and its customers
     */
    public record Chunk(Map<Integer, Group> cutoffs) {

        public int customers() {
            return cutoffs.values().stream().mapToInt(g -> g.tenants().size()).sum();
        }

        /** The WHERE clause selecting every row of this chunk's customers older than their cutoff. */
        public String where(String timeColumn) {
            return where(timeColumn, 0);
        }

        /** The same for rows older than their cutoff less {@code earlierSeconds} (the mutation slack). */
        public String where(String timeColumn, long earlierSeconds) {
            List<String> ors = new ArrayList<>();
            cutoffs.values().forEach(g -> ors.add("(tenant_id IN (" + String.join(", ", g.tenants().stream().map(Sql::tenant).toList())
                    + ") AND " + timeColumn + " < toDateTime(" + (g.cutoff() - earlierSeconds) + "))"));
            return String.join(" OR ", ors);
        }
    }

    /** Customers of one retention, and the instant (epoch seconds) before which their rows go. */
    public record Group(long cutoff, List<String> tenants) {
    }

    /**
     * The partitions of {@code table} with nothing newer than this (epoch seconds) are dropped: those past the longest
     * retention, or for a working table those past its own days when fewer.
     */
    public long dropBefore(RetentionTable table) {
        return table.keepDays() > 0 && table.keepDays() < longestDays ? dropBefore + (longestDays - table.keepDays()) * 86_400L : dropBefore;
    }

    /**
     * @param retentionDays every customer tenants listed, with its retention in days (null: none given)
     * @param floor         vigil.ingest.retention: partitions are never dropped younger than this
     * @param clockSkew     how far a flow's start may lie after the time it was received (vigil.ingest.max-clock-skew)
     * @param perMutation   most customers per mutation
     */
    public static RetentionPlan of(Map<String, Integer> retentionDays, Duration floor, Duration clockSkew, Instant now,
                                   int perMutation) {
        if (perMutation < 1) {
            throw new IllegalArgumentException("customers per mutation must be at least 1");
        }
        long nowSeconds = now.getEpochSecond();
        int longest = (int) Math.max(1, (floor.toSeconds() + 86_399L) / 86_400L);
        TreeMap<Integer, List<String>> byDays = new TreeMap<>();
        List<String> skipped = new ArrayList<>();
        new TreeMap<>(retentionDays).forEach((id, days) -> {
            if (!Sql.isTenantId(id) || days == null || days < 1) {
                skipped.add(id);
                return;
            }
            byDays.computeIfAbsent(days, d -> new ArrayList<>()).add(id);
        });
        if (!byDays.isEmpty()) {
            longest = Math.max(longest, byDays.lastKey());
        }
        List<Chunk> chunks = new ArrayList<>();
        Map<Integer, Group> current = new TreeMap<>();
        int inCurrent = 0;
        int customers = 0;
        for (Map.Entry<Integer, List<String>> e : byDays.entrySet()) {
            long cutoff = nowSeconds - e.getKey() * 86_400L;
            for (String id : e.getValue()) {
                if (inCurrent == perMutation) {
                    chunks.add(new Chunk(current));
                    current = new TreeMap<>();
                    inCurrent = 0;
                }
                current.computeIfAbsent(e.getKey(), d -> new Group(cutoff, new ArrayList<>())).tenants().add(id);
                inCurrent++;
                customers++;
            }
        }
        if (inCurrent > 0) {
            chunks.add(new Chunk(current));
        }
        long dropBefore = nowSeconds - longest * 86_400L - clockSkew.toSeconds();
        return new RetentionPlan(nowSeconds, dropBefore, longest, List.copyOf(chunks), customers, List.copyOf(skipped));
    }
}
