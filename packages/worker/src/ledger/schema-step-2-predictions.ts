/**
 * Schema step 2 (issue 12, predictions): what the BG/NBD and Gamma-Gamma closed forms read about a
 * person, kept on its `people` row beside the other counters (prediction-inputs.ts keeps them).
 * Counted like the segments count: the person's counted orders (`COUNTED_ORDER`: verified, or
 * browser-reported on a site that trusts browser purchases), one purchase per local day (the
 * order's `day`, in the site's time zone), revenue in the site's currency.
 *
 * Existing people are filled from their orders on the object's next call that names the site
 * (`fillPendingPredictionInputs`): which orders count depends on the site's
 * `trustBrowserPurchases`, a D1 setting the object does not store, so this step only marks the
 * fill as pending.
 */
export const STEP_2_PREDICTIONS = `
-- Distinct local days with a counted order (x = purchase_days - 1 repeat purchase days).
ALTER TABLE people ADD COLUMN purchase_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE people ADD COLUMN first_purchase_day TEXT;
ALTER TABLE people ADD COLUMN last_purchase_day TEXT;
-- Revenue (site currency) of the first purchase day: the repeat days' mean spend is
-- (revenue_micros - first_day_revenue_micros) / (purchase_days - 1).
ALTER TABLE people ADD COLUMN first_day_revenue_micros REAL NOT NULL DEFAULT 0;
-- The median days between consecutive purchase days once there are two gaps (else null): the
-- customer's own rhythm for "due for reorder".
ALTER TABLE people ADD COLUMN median_gap_days REAL;
INSERT INTO ledger_meta (key, value) VALUES ('prediction_inputs_pending', 1)
  ON CONFLICT (key) DO UPDATE SET value = 1;
`
