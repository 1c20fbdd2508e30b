-- Per (tenant, sensor): every batch of that sensor with batch_seq <= processed_seq has been through the scan detector.
-- Replaces the per-tenant received_at watermark, which needed a settle lag (DESIGN.md, "The cycle").
CREATE TABLE sensor_marks (
    tenant_id     text   NOT NULL,
    sensor_id     text   NOT NULL,
    processed_seq bigint NOT NULL CHECK (processed_seq >= 0),
    updated_at    timestamptz NOT NULL,
    PRIMARY KEY (tenant_id, sensor_id)
);

-- The old watermarks table is left in place (unused): the PostgreSQL schema is shared by every branch's test runs while
-- the branches are merged, and code of a branch without this migration still writes it. Drop it in a later migration.
