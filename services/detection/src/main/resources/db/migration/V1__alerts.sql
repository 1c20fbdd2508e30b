-- Detection's own state: which customer belongs to which MSP (and its internal networks), how far each tenant's
-- flows have been processed, and the SmartAlerts.

-- A copy of what detection needs of each customer, so every alert query can be scoped by MSP without a call to
-- tenants. Filled from configuration (dev seed) until the tenants internal API is wired in.
CREATE TABLE customers (
    id                text PRIMARY KEY,
    msp_id            text NOT NULL,
    internal_networks text[] NOT NULL DEFAULT '{}',
    updated_at        timestamptz NOT NULL
);
CREATE INDEX customers_msp_idx ON customers (msp_id, id);

-- Per tenant: every flow received before processed_until has been through the scan detector.
CREATE TABLE watermarks (
    tenant_id       text PRIMARY KEY,
    processed_until timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);

-- One row per (customer, type, source): the alert accumulates evidence, and is reopened rather than duplicated.
CREATE TABLE alerts (
    id              text PRIMARY KEY,
    seq             bigserial NOT NULL UNIQUE,
    customer_id     text NOT NULL,
    msp_id          text,
    type            text NOT NULL CHECK (type IN ('HORIZONTAL', 'VERTICAL', 'HOST_SWEEP', 'UDP', 'STEALTH', 'DISTRIBUTED')),
    source          text NOT NULL,
    status          text NOT NULL CHECK (status IN ('OPEN', 'ACKNOWLEDGED', 'RESOLVED')),
    severity        text NOT NULL CHECK (severity IN ('LOW', 'MEDIUM', 'HIGH', 'CRITICAL')),
    score           integer NOT NULL,
    direction       text NOT NULL,
    slow            boolean NOT NULL,
    mitre           text[] NOT NULL,
    summary         text NOT NULL,
    targets         text[] NOT NULL,
    target_count    integer NOT NULL,
    ports           text[] NOT NULL,
    port_count      integer NOT NULL,
    attempts        bigint NOT NULL,
    failed          bigint NOT NULL,
    answered        bigint NOT NULL,
    trw_failures    integer NOT NULL,
    first_seen      timestamptz NOT NULL,
    last_seen       timestamptz NOT NULL,
    samples         text NOT NULL,
    reopen_count    integer NOT NULL DEFAULT 0,
    acknowledged_by text,
    acknowledged_at timestamptz,
    resolved_by     text,
    resolved_at     timestamptz,
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL,
    CONSTRAINT alerts_key UNIQUE (customer_id, type, source)
);
CREATE INDEX alerts_customer_idx ON alerts (customer_id, seq);
