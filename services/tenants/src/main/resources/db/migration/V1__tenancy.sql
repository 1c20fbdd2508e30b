-- MSP -> customers (the tenants) -> sites -> sensors. Ids are text: customers' ids are the tenant_id claim.
CREATE TABLE msps (
    id          text PRIMARY KEY,
    name        text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE customers (
    id                    text PRIMARY KEY,
    msp_id                text NOT NULL REFERENCES msps (id),
    name                  text NOT NULL,
    internal_networks     text[] NOT NULL DEFAULT '{}',
    time_zone             text NOT NULL,
    retention_days        integer NOT NULL CHECK (retention_days BETWEEN 1 AND 3650),
    notification_contacts text[] NOT NULL DEFAULT '{}',
    status                text NOT NULL CHECK (status IN ('ACTIVE', 'SUSPENDED', 'OFFBOARDED')),
    created_at            timestamptz NOT NULL,
    updated_at            timestamptz NOT NULL,
    CONSTRAINT customers_msp_name_key UNIQUE (msp_id, name)
);
CREATE INDEX customers_msp_idx ON customers (msp_id, id);

CREATE TABLE sites (
    id          text PRIMARY KEY,
    customer_id text NOT NULL REFERENCES customers (id),
    msp_id      text NOT NULL REFERENCES msps (id),
    name        text NOT NULL,
    address     text,
    created_at  timestamptz NOT NULL,
    CONSTRAINT sites_customer_name_key UNIQUE (customer_id, name)
);

CREATE TABLE sensors (
    id                   text PRIMARY KEY,
    customer_id          text NOT NULL REFERENCES customers (id),
    msp_id               text NOT NULL REFERENCES msps (id),
    site_id              text REFERENCES sites (id),
    name                 text NOT NULL,
    status               text NOT NULL CHECK (status IN ('PENDING', 'ACTIVE', 'REVOKED')),
    keycloak_client_uuid text,
    last_seen            timestamptz,
    version              text,
    interfaces           text[] NOT NULL DEFAULT '{}',
    created_at           timestamptz NOT NULL,
    enrolled_at          timestamptz,
    revoked_at           timestamptz
);
CREATE INDEX sensors_customer_idx ON sensors (customer_id, id);

-- Only the SHA-256 of a token is stored; the token itself is shown once.
CREATE TABLE enrollment_tokens (
    token_hash  text PRIMARY KEY,
    sensor_id   text NOT NULL REFERENCES sensors (id),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    created_at  timestamptz NOT NULL
);

CREATE TABLE audit_log (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL,
    actor       text NOT NULL,
    actor_role  text NOT NULL,
    msp_id      text,
    customer_id text,
    action      text NOT NULL,
    target      text,
    source_ip   text,
    detail      text
);
CREATE INDEX audit_log_msp_idx ON audit_log (msp_id, id);

-- A POST with an Idempotency-Key: the first response, replayed for a retry with the same body.
CREATE TABLE idempotency_keys (
    caller       text NOT NULL,
    key          text NOT NULL,
    request_hash text NOT NULL,
    status       integer NOT NULL,
    location     text,
    body         text NOT NULL,
    created_at   timestamptz NOT NULL,
    PRIMARY KEY (caller, key)
);
