-- The admin edges the lateral-movement family remembers: an internal source that logged in to an internal host on an
-- admin service (SMB, RDP, SSH, ...), first and last seen by flow time. A login on an edge not here, once the
-- customer has learned long enough, is a NEW_ADMIN_EDGE; a source with many old edges administers routinely.
CREATE TABLE IF NOT EXISTS admin_edges (
    customer_id text NOT NULL,
    source      text NOT NULL,
    target      text NOT NULL,
    service     text NOT NULL,
    first_seen  timestamptz NOT NULL,
    last_seen   timestamptz NOT NULL,
    PRIMARY KEY (customer_id, source, target, service)
);
CREATE INDEX IF NOT EXISTS admin_edges_customer_first_seen ON admin_edges (customer_id, first_seen);
