-- Sensor health notifications (sensor.offline, sensor.online): what the watcher last decided about each sensor it
-- watches, so a restart neither sends a transition again nor forgets one. A row exists only for a sensor tenants lists
-- as ACTIVE (enrolled); a sensor revoked or gone from tenants loses its row, and with it any event.
CREATE TABLE sensor_presence (
    customer_id    text NOT NULL,
    sensor_id      text NOT NULL,
    msp_id         text NOT NULL,
    site_id        text,
    site_name      text,
    name           text NOT NULL,
    -- when it may first be expected to report (its enrollment): a sensor never heard from is offline only this long after
    watched_since  timestamptz NOT NULL,
    -- WAITING (enrolled, never heard from, within the offline time), ONLINE or OFFLINE
    state          text NOT NULL CHECK (state IN ('WAITING', 'ONLINE', 'OFFLINE')),
    -- when it entered that state (for OFFLINE: its last heartbeat, or its enrollment, plus the offline time)
    state_since    timestamptz NOT NULL,
    -- the newest heartbeat the watcher has seen (ClickHouse sensor_status.received_at); null: never heard from
    last_heartbeat timestamptz,
    -- bumped by every change, so two watchers (a shard change) cannot both record one transition
    version        bigint NOT NULL DEFAULT 0,
    updated_at     timestamptz NOT NULL,
    PRIMARY KEY (customer_id, sensor_id)
);
CREATE INDEX sensor_presence_msp_idx ON sensor_presence (msp_id, state);
