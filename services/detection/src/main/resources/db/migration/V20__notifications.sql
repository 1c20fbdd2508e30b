-- Notifications of alert changes (opened, escalated, reopened) to webhooks and syslog/CEF receivers.

-- Where notifications go: one customer's (customer_id set) or every customer of an MSP (customer_id NULL).
-- The webhook secret is readable by the service because it signs with it; the API returns it only at creation.
CREATE TABLE notification_destinations (
    id           text PRIMARY KEY,
    seq          bigserial NOT NULL UNIQUE,
    msp_id       text NOT NULL,
    customer_id  text,
    name         text NOT NULL,
    kind         text NOT NULL CHECK (kind IN ('WEBHOOK', 'SYSLOG')),
    enabled      boolean NOT NULL,
    min_severity text NOT NULL CHECK (min_severity IN ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL')),
    events       text[] NOT NULL,
    url          text,
    secret       text,
    host         text,
    port         integer,
    transport    text CHECK (transport IN ('TCP', 'UDP')),
    created_by   text NOT NULL,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz NOT NULL,
    CHECK ((kind = 'WEBHOOK' AND url IS NOT NULL AND secret IS NOT NULL)
        OR (kind = 'SYSLOG' AND host IS NOT NULL AND port BETWEEN 1 AND 65535 AND transport IS NOT NULL))
);
CREATE INDEX notification_destinations_scope_idx ON notification_destinations (msp_id, customer_id);

-- The outbox and the delivery log in one: a row per (destination, alert change), PENDING until sent or given up.
-- payload is the exact body (webhook JSON, or the RFC 5424 line), so every retry sends the same bytes.
-- dedupe_key makes enqueueing idempotent when a detection cycle is retried after a rollback.
CREATE TABLE notification_deliveries (
    id               text PRIMARY KEY,
    seq              bigserial NOT NULL UNIQUE,
    destination_id   text NOT NULL REFERENCES notification_destinations (id) ON DELETE CASCADE,
    msp_id           text NOT NULL,
    customer_id      text,
    alert_id         text,
    event            text NOT NULL,
    severity         text NOT NULL,
    reopen_count     integer NOT NULL,
    dedupe_key       text NOT NULL,
    payload          text NOT NULL,
    status           text NOT NULL CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED', 'DROPPED')),
    attempts         integer NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    lease_until      timestamptz,
    last_attempt_at  timestamptz,
    last_status_code integer,
    last_error       text,
    delivered_at     timestamptz,
    created_at       timestamptz NOT NULL,
    CONSTRAINT notification_deliveries_dedupe UNIQUE (destination_id, dedupe_key)
);
CREATE INDEX notification_deliveries_due_idx ON notification_deliveries (next_attempt_at) WHERE status = 'PENDING';
CREATE INDEX notification_deliveries_log_idx ON notification_deliveries (destination_id, seq);
