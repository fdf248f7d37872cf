-- Issue 12, predictions: the fitted BG/NBD and Gamma-Gamma parameters per site, and the at-risk
-- threshold setting.
--
-- One row per fit (the admin route or the daily cron); decide and the dashboard read the newest
-- (`prediction_fits_latest`). Parameters are in weeks. `clv_cuts` holds the 1st to 99th
-- percentiles of the site's customers' 52-week CLV at the fit (JSON array of 99 numbers, empty
-- for no customer): a customer's `clvPercentile` is placed among them without reading anyone else.
-- `details` keeps what explains the fit (converged, priors, the prior's weight in customers).
CREATE TABLE prediction_fits (
  site_id TEXT NOT NULL REFERENCES sites(id) ON DELETE CASCADE,
  fitted_at INTEGER NOT NULL,
  as_of TEXT NOT NULL,
  customers INTEGER NOT NULL,
  r REAL NOT NULL,
  alpha REAL NOT NULL,
  a REAL NOT NULL,
  b REAL NOT NULL,
  log_likelihood REAL NOT NULL,
  p REAL NOT NULL,
  q REAL NOT NULL,
  gamma REAL NOT NULL,
  spend_customers INTEGER NOT NULL,
  spend_log_likelihood REAL NOT NULL,
  shrunk INTEGER NOT NULL,
  fit_ms REAL NOT NULL,
  clv_cuts TEXT NOT NULL,
  details TEXT NOT NULL,
  PRIMARY KEY (site_id, fitted_at)
);
CREATE INDEX prediction_fits_latest ON prediction_fits (site_id, fitted_at DESC);

-- A customer is "at risk" when P(alive) falls below this while their CLV is above the site's
-- median (dashboard, and the moments that i12-moments sends). PATCH /v1/admin/site predictions.
ALTER TABLE sites ADD COLUMN predictions_at_risk_below REAL NOT NULL DEFAULT 0.5;
