-- Allow-list entries and suppressions blind detection for their sources, so how long and how broad they are is
-- bounded: an entry without an expiry is permanent only when an admin said so, and one broader than /16 (IPv6 /48)
-- names the admin who confirmed it. Rows from before keep permanent = false and no confirmation.
ALTER TABLE rules ADD COLUMN IF NOT EXISTS permanent boolean NOT NULL DEFAULT false;
ALTER TABLE rules ADD COLUMN IF NOT EXISTS broad_confirmed_by text;
