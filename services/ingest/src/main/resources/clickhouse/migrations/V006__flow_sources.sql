-- Where a flow came from beyond the sensor, for flows read from Zeek conn logs or received from a NetFlow/IPFIX
-- exporter (ingest.proto fields 22-24): the Zeek uid to pivot back to the customer's Zeek logs, the exporter's
-- address (IPv4-mapped like the flow's addresses; all zeros for flows metered from packets) and the exporter's
-- packet sampling (0: metered from packets; 1: every packet counted; N: 1 in N, counts already scaled).
-- 18.16 has no ADD COLUMN IF NOT EXISTS: SchemaMigrator runs each of these only where the column is missing.
ALTER TABLE ${database}.flows ADD COLUMN IF NOT EXISTS zeek_uid String AFTER community_id;
ALTER TABLE ${database}.flows ADD COLUMN IF NOT EXISTS exporter_addr FixedString(16) AFTER zeek_uid;
ALTER TABLE ${database}.flows ADD COLUMN IF NOT EXISTS sampling_rate UInt32 AFTER exporter_addr;
