-- Raw flows, one row per flow a sensor exported.
-- Partitioned by the UTC day (days since the epoch) ingest received the rows: every insert then writes a single part, so it is
-- stored whole or not at all, which is what makes "acknowledge only stored batches, drop resent ones"
-- exact. Retention drops whole partitions. Queries by flow time use the primary key (tenant_id, start).
CREATE TABLE IF NOT EXISTS ${database}.flows
(
    tenant_id      String,
    sensor_id      String,
    batch_seq      UInt64,
    received_at    DateTime,
    start          DateTime,
    start_ms       UInt64,
    end_ms         UInt64,
    ip_version     UInt8,
    orig_addr      FixedString(16),
    resp_addr      FixedString(16),
    orig_port      UInt16,
    resp_port      UInt16,
    protocol       UInt8,
    icmp_type      UInt8,
    icmp_code      UInt8,
    icmp_reply     UInt16,
    orig_packets   UInt64,
    orig_bytes     UInt64,
    resp_packets   UInt64,
    resp_bytes     UInt64,
    orig_tcp_flags UInt8,
    resp_tcp_flags UInt8,
    conn_state     Enum8('UNSPECIFIED' = 0, 'S0' = 1, 'S1' = 2, 'SF' = 3, 'REJ' = 4, 'RSTO' = 5, 'RSTR' = 6,
                         'RSTOS0' = 7, 'RSTRH' = 8, 'SH' = 9, 'SHR' = 10, 'OTH' = 11, 'S2' = 12, 'S3' = 13),
    history        String,
    vlan           UInt16,
    community_id   String
)
ENGINE = MergeTree()
PARTITION BY intDiv(toUInt32(received_at), 86400)
ORDER BY (tenant_id, start, orig_addr)
SETTINGS index_granularity = 8192;
