-- Identity: every visitor belongs to a person. A visitor is its own person until it identifies as
-- a customer; all visitors of one customer then share one person (and so one history). The
-- visitor counters are person-level: every visitor row of a person carries the same counters, so
-- decide still reads one row.
ALTER TABLE visitors ADD COLUMN person_id TEXT;
UPDATE visitors SET person_id = visitor_id WHERE person_id IS NULL;
CREATE INDEX visitors_by_person ON visitors (site_id, person_id);
