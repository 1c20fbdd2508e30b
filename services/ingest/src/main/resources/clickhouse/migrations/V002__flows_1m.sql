-- Per-minute roll-up that detection reads: one row per (tenant, minute, initiator, responder, port,
-- protocol, state). Keeping conn_state and icmp_reply in the key lets detection decide what counts as a
-- failed attempt without another pass over raw flows.
CREATE TABLE IF NOT EXISTS ${database}.flows_1m
(
    tenant_id    String,
    minute       DateTime,
    orig_addr    FixedString(16),
    resp_addr    FixedString(16),
    resp_port    UInt16,
    protocol     UInt8,
    icmp_type    UInt8,
    conn_state   Enum8('UNSPECIFIED' = 0, 'S0' = 1, 'S1' = 2, 'SF' = 3, 'REJ' = 4, 'RSTO' = 5, 'RSTR' = 6,
                       'RSTOS0' = 7, 'RSTRH' = 8, 'SH' = 9, 'SHR' = 10, 'OTH' = 11, 'S2' = 12, 'S3' = 13),
    icmp_reply   UInt16,
    ip_version   UInt8,
    flows        UInt64,
    orig_packets UInt64,
    orig_bytes   UInt64,
    resp_packets UInt64,
    resp_bytes   UInt64
)
ENGINE = SummingMergeTree((flows, orig_packets, orig_bytes, resp_packets, resp_bytes))
PARTITION BY intDiv(toUInt32(minute), 86400)
ORDER BY (tenant_id, minute, orig_addr, resp_addr, resp_port, protocol, icmp_type, conn_state, icmp_reply);

CREATE MATERIALIZED VIEW IF NOT EXISTS ${database}.flows_1m_mv TO ${database}.flows_1m AS
SELECT
    tenant_id,
    toStartOfMinute(start) AS minute,
    orig_addr,
    resp_addr,
    resp_port,
    protocol,
    icmp_type,
    conn_state,
    icmp_reply,
    any(ip_version) AS ip_version,
    count() AS flows,
    sum(orig_packets) AS orig_packets,
    sum(orig_bytes) AS orig_bytes,
    sum(resp_packets) AS resp_packets,
    sum(resp_bytes) AS resp_bytes
FROM ${database}.flows
GROUP BY tenant_id, minute, orig_addr, resp_addr, resp_port, protocol, icmp_type, conn_state, icmp_reply;
