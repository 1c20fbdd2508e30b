-- The scanning addresses of an alert: its one source, or the members of a distributed scan (whose alert key, in
-- "source", is the probed service and target prefix). Defaults keep inserts of builds without these columns working.
ALTER TABLE alerts ADD COLUMN sources text[] NOT NULL DEFAULT '{}';
ALTER TABLE alerts ADD COLUMN source_count integer NOT NULL DEFAULT 0;
UPDATE alerts SET sources = ARRAY[source], source_count = 1 WHERE type <> 'DISTRIBUTED';

-- Replaced by sensor_marks (V21); nothing reads or writes it any more.
DROP TABLE watermarks;
