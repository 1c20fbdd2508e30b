-- The highest batch sequence stored per sensor, maintained by ClickHouse itself in the same INSERT as the
-- flows. Ingest reads it when a sensor opens a stream, so a resent batch is acknowledged, not stored twice.
CREATE TABLE IF NOT EXISTS ${database}.sensor_batches
(
    tenant_id     String,
    sensor_id     String,
    max_seq       AggregateFunction(max, UInt64),
    last_received AggregateFunction(max, DateTime),
    flows         AggregateFunction(count)
)
ENGINE = AggregatingMergeTree()
ORDER BY (tenant_id, sensor_id);

CREATE MATERIALIZED VIEW IF NOT EXISTS ${database}.sensor_batches_mv TO ${database}.sensor_batches AS
SELECT
    tenant_id,
    sensor_id,
    maxState(batch_seq) AS max_seq,
    maxState(received_at) AS last_received,
    countState() AS flows
FROM ${database}.flows
GROUP BY tenant_id, sensor_id;
