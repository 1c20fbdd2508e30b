-- Sensor heartbeats: health over time, read by operations and, later, by the tenants service.
CREATE TABLE IF NOT EXISTS ${database}.sensor_status
(
    tenant_id             String,
    sensor_id             String,
    received_at           DateTime,
    version               String,
    interface_names       Array(String),
    interface_received    Array(UInt64),
    interface_dropped     Array(UInt64),
    packets_seen          UInt64,
    packets_dropped       UInt64,
    packets_undecodable   UInt64,
    spool_batches         UInt64,
    spool_bytes           UInt64,
    spool_dropped_batches UInt64,
    active_flows          UInt64,
    uptime_seconds        UInt64
)
ENGINE = MergeTree()
PARTITION BY toYYYYMM(received_at)
ORDER BY (tenant_id, sensor_id, received_at);
