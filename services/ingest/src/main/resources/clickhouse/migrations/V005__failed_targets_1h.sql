-- Per initiator and hour, the distinct targets (responder, port, protocol) it failed on, kept as a uniq state:
-- detection's slow path reads this small roll-up to find the sources with enough failed targets over its horizon to
-- be a slow scan, and reads flows_1m only for those. "Failed" is the roll-up's reading of a flow, without TCP flags
-- (every TCP attempt taken as a SYN): an unanswered, refused or half-seen SYN, any ICMP error, an unanswered echo or
-- UDP datagram. It must stay the same expression as detection's FlowSql.ROLLUP_FAILED (FailedTargetsIT checks it).
CREATE TABLE IF NOT EXISTS ${database}.failed_targets_1h
(
    tenant_id String,
    hour      DateTime,
    orig_addr FixedString(16),
    targets   AggregateFunction(uniq, FixedString(16), UInt16, UInt8)
)
ENGINE = AggregatingMergeTree()
PARTITION BY intDiv(toUInt32(hour), 86400)
ORDER BY (tenant_id, hour, orig_addr);

CREATE MATERIALIZED VIEW IF NOT EXISTS ${database}.failed_targets_1h_mv TO ${database}.failed_targets_1h AS
SELECT
    tenant_id,
    toStartOfHour(start) AS hour,
    orig_addr,
    uniqState(resp_addr, resp_port, protocol) AS targets
FROM ${database}.flows
WHERE multiIf(protocol IN (1, 58) AND icmp_type IN (8, 128), resp_packets = 0 OR icmp_reply != 0,
              protocol = 6, conn_state IN ('S0', 'REJ', 'RSTOS0', 'SH') OR icmp_reply != 0,
              protocol = 17, conn_state IN ('S0', 'REJ') OR icmp_reply != 0,
              0)
GROUP BY tenant_id, hour, orig_addr;
