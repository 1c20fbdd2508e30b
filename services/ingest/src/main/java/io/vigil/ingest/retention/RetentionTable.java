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
 */
public record RetentionTable(String name, String timeColumn) {

    public static final List<RetentionTable> ALL = List.of(
            new RetentionTable("flows", "start"),
            new RetentionTable("flows_1m", "minute"),
            new RetentionTable("failed_targets_1h", "hour"),
            new RetentionTable("sensor_status", "received_at"));
}
