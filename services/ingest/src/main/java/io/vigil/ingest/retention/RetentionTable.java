package io.vigil.ingest.retention;

import java.util.List;

/**
 * A table holding a customer's flow data, and the column its age is measured on. The partition column may differ
 * (flows are partitioned by the day they were received): a partition is dropped only once its newest partition-column
 * value, plus the clock skew ingest allows between the two, is past the longest retention.
 * <p>
 * sensor_batches is not one: it holds one row per sensor (its stored batch high-water mark, no flows and no time to
 * age by), which exactly-once delivery needs for as long as the sensor exists.
 *
 * @param name       the table (in cluster mode its {@code _local} tables hold the rows)
 * @param timeColumn the DateTime a row's age is measured on
 * @param keepDays   for a working table, the days it keeps whatever the customers' retention: its partitions are dropped
 *                   once past them (0: none, the customers' retention alone)
 */
public record RetentionTable(String name, String timeColumn, int keepDays) {

    /**
     * Every table. source_flows_1m is detection's working copy of the per-minute roll-up keyed by source, of which it
     * reads at most the last hours (the staging horizon, 6 h by default): two days of it are kept, whatever the
     * customers' retention, so that its finer index stays small.
     */
    public static final List<RetentionTable> ALL = List.of(
            new RetentionTable("flows", "start", 0),
            new RetentionTable("flows_1m", "minute", 0),
            new RetentionTable("source_flows_1m", "minute", 2),
            new RetentionTable("failed_targets_1h", "hour", 0),
            new RetentionTable("sensor_status", "received_at", 0));

    public RetentionTable {
        if (keepDays < 0) {
            throw new IllegalArgumentException("keepDays must be 0 or more: " + keepDays);
        }
    }
}
