-- Alerts of one source that tell one story: a reconnaissance alert and the lateral-movement alert of the same source
-- ("the scanner is now logging in") name each other, by id.
ALTER TABLE alerts ADD COLUMN IF NOT EXISTS related text[] NOT NULL DEFAULT '{}';
