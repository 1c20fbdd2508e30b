-- Part 2: customers become the last known copy of the tenants service's answer; per-host baselines; allow-list and
-- suppression rules; comments on alerts; an audit of who changed what; each alert's evidence against its baseline.

ALTER TABLE customers ADD COLUMN status text NOT NULL DEFAULT 'ACTIVE';
ALTER TABLE customers ADD COLUMN time_zone text NOT NULL DEFAULT 'UTC';

-- One row per (customer, internal host): its hour-of-week profile, recomputed from ClickHouse every refresh.
CREATE TABLE host_baselines (
    customer_id   text NOT NULL,
    host          text NOT NULL,
    state         text NOT NULL CHECK (state IN ('LEARNING', 'MATURE')),
    first_seen    timestamptz NOT NULL,
    last_seen     timestamptz NOT NULL,
    active_hours  integer NOT NULL,
    mature_at     timestamptz NOT NULL,
    profile       text NOT NULL,
    computed_at   timestamptz NOT NULL,
    PRIMARY KEY (customer_id, host)
);

-- Allow-list entries (known scanners: every finding of the source is dropped) and suppressions (findings of the source
-- matching port and type, until expiry). customer_id NULL: the rule holds for every customer of msp_id.
CREATE TABLE rules (
    id           text PRIMARY KEY,
    seq          bigserial NOT NULL UNIQUE,
    kind         text NOT NULL CHECK (kind IN ('ALLOW', 'SUPPRESS')),
    msp_id       text NOT NULL,
    customer_id  text,
    source_cidr  text NOT NULL,
    port         integer CHECK (port BETWEEN 0 AND 65535),
    type         text,
    expires_at   timestamptz,
    reason       text NOT NULL,
    hits         bigint NOT NULL DEFAULT 0,
    last_hit_at  timestamptz,
    created_by   text NOT NULL,
    created_at   timestamptz NOT NULL,
    updated_by   text NOT NULL,
    updated_at   timestamptz NOT NULL
);
CREATE INDEX rules_scope_idx ON rules (msp_id, customer_id);

CREATE TABLE alert_comments (
    seq         bigserial PRIMARY KEY,
    alert_id    text NOT NULL REFERENCES alerts (id),
    customer_id text NOT NULL,
    msp_id      text,
    author      text NOT NULL,
    body        text NOT NULL,
    created_at  timestamptz NOT NULL
);
CREATE INDEX alert_comments_alert_idx ON alert_comments (alert_id, seq);

-- Who changed what: triage, comments and rules. customer_id NULL for MSP-wide rules.
CREATE TABLE audit (
    seq         bigserial PRIMARY KEY,
    msp_id      text,
    customer_id text,
    actor       text NOT NULL,
    source_ip   text,
    action      text NOT NULL,
    target      text NOT NULL,
    details     text NOT NULL,
    at          timestamptz NOT NULL
);
CREATE INDEX audit_customer_idx ON audit (customer_id, seq);
CREATE INDEX audit_msp_idx ON audit (msp_id, seq);

-- The latest comparison of the alert's source with its baseline (JSON), shown with the evidence.
ALTER TABLE alerts ADD COLUMN baseline text NOT NULL DEFAULT '{}';
