-- A sensor's last seen, version and interfaces come from its heartbeats in ClickHouse (sensor_status); these V1
-- columns were never written nor mapped.
ALTER TABLE sensors DROP COLUMN last_seen;
ALTER TABLE sensors DROP COLUMN version;
ALTER TABLE sensors DROP COLUMN interfaces;
