-- The MSP summary counts every customer's unresolved alerts of one MSP; resolved ones are most of the table over time.
CREATE INDEX alerts_unresolved_msp_idx ON alerts (msp_id, customer_id) WHERE status <> 'RESOLVED';
-- The MSP alert list pages all of an MSP's alerts newest first.
CREATE INDEX alerts_msp_idx ON alerts (msp_id, seq);
