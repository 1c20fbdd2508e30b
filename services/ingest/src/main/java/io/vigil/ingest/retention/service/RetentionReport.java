package io.vigil.ingest.retention.service;

import java.util.List;

/**
 * What one run of the retention job did: the admin endpoint's answer, and what its log lines say.
 *
 * @param outcome     COMPLETED, TENANTS_UNAVAILABLE (nothing deleted), CLICKHOUSE_FAILED (stopped where it failed),
 *                    SCHEMA_PENDING (nothing done yet)
 * @param customers   customers tenants listed with a retention
 * @param longestDays the longest retention: partitions entirely older than it were dropped
 * @param tables      per table, in the order worked on
 * @param detail      why a run ended early, else null
 */
public record RetentionReport(String outcome, int customers, int longestDays, List<Table> tables, String detail) {

    /**
     * @param partitionsDropped     partitions dropped whole (all their rows past the longest retention)
     * @param rowsInDropped         rows those partitions held (on a cluster, summed over the replicas read)
     * @param mutations             DELETE mutations queued
     * @param customersDeleted      customers that had rows past their retention
     * @param rowsDeleted           rows those mutations delete
     * @param mutationsFinished     false when ClickHouse was still rewriting parts at the end of the wait
     * @param skippedPendingMutation true when the table still had an unfinished mutation, so none was queued
     */
    public record Table(String table, int partitionsDropped, long rowsInDropped, int mutations, int customersDeleted,
                        long rowsDeleted, boolean mutationsFinished, boolean skippedPendingMutation) {
    }
}
