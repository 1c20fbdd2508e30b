-- The alert lists put the latest activity first. A scan that comes back (a reopened alert) or keeps going (an open
-- alert that grows) must not sit pages down under alerts that are newer but quiet. Insertion order (seq) stays the
-- alert's identity order; activity_seq is taken again from its own sequence whenever the alert sees newer flows or
-- reopens, in the same UPDATE the detection cycle makes. Triage (ack, resolve, comments) does not move an alert.
CREATE SEQUENCE alerts_activity_seq;
ALTER TABLE alerts ADD COLUMN activity_seq bigint;
UPDATE alerts a SET activity_seq = o.n FROM (SELECT id, row_number() OVER (ORDER BY seq) AS n FROM alerts) o WHERE a.id = o.id;
SELECT setval('alerts_activity_seq', coalesce((SELECT max(activity_seq) FROM alerts), 0) + 1, false);
ALTER TABLE alerts ALTER COLUMN activity_seq SET DEFAULT nextval('alerts_activity_seq'),
                   ALTER COLUMN activity_seq SET NOT NULL;
ALTER SEQUENCE alerts_activity_seq OWNED BY alerts.activity_seq;

CREATE FUNCTION alerts_advance_activity() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
BEGIN
    IF NEW.last_seen > OLD.last_seen OR NEW.reopen_count > OLD.reopen_count THEN
        NEW.activity_seq := nextval('alerts_activity_seq');
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER alerts_activity BEFORE UPDATE ON alerts FOR EACH ROW EXECUTE FUNCTION alerts_advance_activity();

DROP INDEX alerts_customer_idx;
DROP INDEX alerts_msp_idx;
CREATE INDEX alerts_customer_activity_idx ON alerts (customer_id, activity_seq);
CREATE INDEX alerts_msp_activity_idx ON alerts (msp_id, activity_seq);
