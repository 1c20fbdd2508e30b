-- Alerts carry their SmartAlert family (RECONNAISSANCE, COMMAND_AND_CONTROL, …) and the family's own evidence as a
-- JSON object. Each family brings its own types, so the application's AlertType is the one list of types and the
-- column's CHECK goes; every alert so far is a reconnaissance alert.
ALTER TABLE alerts ADD COLUMN family text NOT NULL DEFAULT 'RECONNAISSANCE';
ALTER TABLE alerts ALTER COLUMN family DROP DEFAULT;
ALTER TABLE alerts ADD COLUMN evidence text NOT NULL DEFAULT '{}';
ALTER TABLE alerts DROP CONSTRAINT alerts_type_check;
