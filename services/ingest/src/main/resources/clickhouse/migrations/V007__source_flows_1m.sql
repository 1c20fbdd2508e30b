-- The per-minute roll-up again, keyed by initiator before minute: detection reads a few sources' recent past (the
-- admin sessions of the hosts that just logged in somewhere, the bytes out over the last hours of the hosts that just
-- sent a lot), and flows_1m, sorted by minute first, makes that a read of every row of the customer's span. Here the
-- primary index finds each source's rows, in marks of 1,024 rows rather than 8,192: a source's hour is a few hundred
-- rows, and a wider mark would read a whole busy customer's hour again. A working table: ingest's retention drops its
-- days past a fixed two (RetentionTable), so its finer index stays small. No connection state: a row per (tenant,
-- initiator, minute, responder, port, protocol), with the flows whose responder said something (its IP bytes more than
-- bare segments carry: 52 bytes a packet over IPv4, 72 over IPv6, plus 8 for a SYN-ACK's options), judged per flow.
-- The view fills it from the flows inserted after this migration: the hours before an upgrade are not in it.
CREATE TABLE IF NOT EXISTS ${database}.source_flows_1m
(
    tenant_id  String,
    orig_addr  FixedString(16),
    minute     DateTime,
    resp_addr  FixedString(16),
    resp_port  UInt16,
    protocol   UInt8,
    flows      UInt64,
    data_flows UInt64,
    bytes_out  UInt64,
    bytes_in   UInt64,
    packets    UInt64
)
ENGINE = SummingMergeTree((flows, data_flows, bytes_out, bytes_in, packets))
PARTITION BY intDiv(toUInt32(minute), 86400)
PRIMARY KEY (tenant_id, orig_addr, minute)
ORDER BY (tenant_id, orig_addr, minute, resp_addr, resp_port, protocol)
SETTINGS index_granularity = 1024;

CREATE MATERIALIZED VIEW IF NOT EXISTS ${database}.source_flows_1m_mv TO ${database}.source_flows_1m AS
SELECT
    tenant_id,
    orig_addr,
    toStartOfMinute(start) AS minute,
    resp_addr,
    resp_port,
    protocol,
    count() AS flows,
    countIf(resp_bytes > resp_packets * if(ip_version = 6, 72, 52) + 8) AS data_flows,
    sum(orig_bytes) AS bytes_out,
    sum(resp_bytes) AS bytes_in,
    sum(orig_packets + resp_packets) AS packets
FROM ${database}.flows
GROUP BY tenant_id, orig_addr, minute, resp_addr, resp_port, protocol;
