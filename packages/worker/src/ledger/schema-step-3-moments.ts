/**
 * Schema step 3 (issue 12, lifecycle moments): the per-person moment state the daily scan keeps,
 * so each scan returns only the customers whose state changed. `IF NOT EXISTS` because this step
 * was written while step 2 (i12-predict's prediction inputs) was on another branch: wherever it
 * lands in `SCHEMA_STEPS`, applying it is safe.
 */
export const STEP_3_MOMENTS = `
-- One row per moment a person reached, by occurrence (e.g. customer.lapsed from the purchase of
-- 2026-08-01): written by the scan after the moment was handed to delivery, never updated. A new
-- purchase makes new occurrences, so the next lapse is a new row. Erased with the person.
CREATE TABLE IF NOT EXISTS person_moments (
  person_id TEXT NOT NULL,
  moment TEXT NOT NULL,
  occurrence TEXT NOT NULL,
  at INTEGER NOT NULL,
  PRIMARY KEY (person_id, moment, occurrence)
) WITHOUT ROWID;
`
