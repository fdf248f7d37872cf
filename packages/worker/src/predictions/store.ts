import type { BgNbdParams, GammaGammaParams } from './model'

/**
 * The `prediction_fits` table (migration 0012): the only module that reads or writes it. One row per fit; readers take the newest.
 */

/** A fit as stored: the parameters (weeks), how well they fit, and the site's CLV percentiles. */
export type StoredFit = {
  asOf: string
  customers: number
  fittedAt: number
  fitMs: number
  bgnbd: BgNbdParams & { logLikelihood: number }
  gammaGamma: GammaGammaParams & { customers: number; logLikelihood: number }
  /** Either model was shrunk toward its priors (fewer customers than SMALL_SHOP_CUSTOMERS). */
  shrunk: boolean
  /** 1st to 99th percentile of the customers' 52-week CLV at the fit (empty: no customer). */
  clvCuts: number[]
  /** converged, shrunk, priors and prior weights per model, as the fit reported them. */
  details: Record<string, unknown>
}

/**
 * Keeps a fit; it becomes the site's latest.
 * @example await saveFit(env.DB, site.id, stored)
 */
export async function saveFit(db: D1Database, siteId: string, fit: StoredFit): Promise<void> {
  await db
    .prepare(
      `INSERT INTO prediction_fits (site_id, fitted_at, as_of, customers, r, alpha, a, b, log_likelihood,
         p, q, gamma, spend_customers, spend_log_likelihood, shrunk, fit_ms, clv_cuts, details)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)
       ON CONFLICT (site_id, fitted_at) DO UPDATE SET as_of = excluded.as_of, customers = excluded.customers,
         r = excluded.r, alpha = excluded.alpha, a = excluded.a, b = excluded.b, log_likelihood = excluded.log_likelihood,
         p = excluded.p, q = excluded.q, gamma = excluded.gamma, spend_customers = excluded.spend_customers,
         spend_log_likelihood = excluded.spend_log_likelihood, shrunk = excluded.shrunk, fit_ms = excluded.fit_ms,
         clv_cuts = excluded.clv_cuts, details = excluded.details`,
    )
    .bind(
      siteId,
      fit.fittedAt,
      fit.asOf,
      fit.customers,
      fit.bgnbd.r,
      fit.bgnbd.alpha,
      fit.bgnbd.a,
      fit.bgnbd.b,
      fit.bgnbd.logLikelihood,
      fit.gammaGamma.p,
      fit.gammaGamma.q,
      fit.gammaGamma.gamma,
      fit.gammaGamma.customers,
      fit.gammaGamma.logLikelihood,
      fit.shrunk ? 1 : 0,
      fit.fitMs,
      JSON.stringify(fit.clvCuts),
      JSON.stringify(fit.details),
    )
    .run()
}

type FitRow = {
  as_of: string
  customers: number
  fitted_at: number
  fit_ms: number
  r: number
  alpha: number
  a: number
  b: number
  log_likelihood: number
  p: number
  q: number
  gamma: number
  spend_customers: number
  spend_log_likelihood: number
  shrunk: number
  clv_cuts: string
  details: string
}

/**
 * The site's newest fit, or null before the first.
 * @example const fit = await latestFit(env.DB, site.id)
 */
export async function latestFit(db: D1Database, siteId: string): Promise<StoredFit | null> {
  const row = await db
    .prepare('SELECT * FROM prediction_fits WHERE site_id = ?1 ORDER BY fitted_at DESC LIMIT 1')
    .bind(siteId)
    .first<FitRow>()
  return row ? toStoredFit(row) : null
}

/**
 * The site's fits, newest first (the dashboard's history).
 * @example await recentFits(env.DB, site.id, 10)
 */
export async function recentFits(
  db: D1Database,
  siteId: string,
  limit: number,
): Promise<StoredFit[]> {
  const found = await db
    .prepare('SELECT * FROM prediction_fits WHERE site_id = ?1 ORDER BY fitted_at DESC LIMIT ?2')
    .bind(siteId, limit)
    .all<FitRow>()
  return found.results.map(toStoredFit)
}

function toStoredFit(row: FitRow): StoredFit {
  return {
    asOf: row.as_of,
    customers: row.customers,
    fittedAt: row.fitted_at,
    fitMs: row.fit_ms,
    bgnbd: { r: row.r, alpha: row.alpha, a: row.a, b: row.b, logLikelihood: row.log_likelihood },
    gammaGamma: {
      p: row.p,
      q: row.q,
      gamma: row.gamma,
      customers: row.spend_customers,
      logLikelihood: row.spend_log_likelihood,
    },
    shrunk: row.shrunk === 1,
    clvCuts: JSON.parse(row.clv_cuts) as number[],
    details: JSON.parse(row.details) as Record<string, unknown>,
  }
}

/** Fits kept per site: older ones are deleted when a new one is saved (`pruneFits`). */
export const KEPT_FITS_PER_SITE = 30

/**
 * Deletes all but the newest `KEPT_FITS_PER_SITE` fits of a site (a daily cron adds one a day).
 * @example await pruneFits(env.DB, site.id)
 */
export async function pruneFits(db: D1Database, siteId: string): Promise<void> {
  await db
    .prepare(
      `DELETE FROM prediction_fits WHERE site_id = ?1 AND fitted_at NOT IN
         (SELECT fitted_at FROM prediction_fits WHERE site_id = ?1 ORDER BY fitted_at DESC LIMIT ?2)`,
    )
    .bind(siteId, KEPT_FITS_PER_SITE)
    .run()
}

/**
 * Sites whose latest fit is older than `fittedBefore` (or that have none), the longest waiting
 * first: the daily refit's queue, so sites a run had no time for go first in the next.
 * @example await sitesToRefit(env.DB, now - REFIT_AFTER_MS)
 */
export async function sitesToRefit(db: D1Database, fittedBefore: number): Promise<string[]> {
  const found = await db
    .prepare(
      `SELECT s.id FROM sites s
       LEFT JOIN (SELECT site_id, max(fitted_at) AS last FROM prediction_fits GROUP BY site_id) f ON f.site_id = s.id
       WHERE f.last IS NULL OR f.last < ?1
       ORDER BY f.last IS NOT NULL, f.last, s.id`,
    )
    .bind(fittedBefore)
    .all<{ id: string }>()
  return found.results.map((row) => row.id)
}
