import type { Site, SitePredictionFit } from './site'

/** A row of the sites table, as selected by `SITE_COLUMNS`. */
export type SiteRow = {
  id: string
  name: string
  public_key: string
  code_secret: string
  allowed_origins: string
  currency: string
  lapse_days: number
  time_zone: string
  trust_browser_purchases: number
  allow_scripts: number
  daily_write_quota: number | null
  profile_epoch: number
}

/** Columns to select for `toSite`; other domains' queries that join sites reuse it. */
export const SITE_COLUMNS =
  's.id, s.name, s.public_key, s.code_secret, s.allowed_origins, s.currency, s.lapse_days, s.time_zone, s.trust_browser_purchases, s.allow_scripts, s.daily_write_quota, s.profile_epoch'

/**
 * The WHERE condition that finds a site (aliased `s`) by the public key a browser sent: its current
 * key, or the key it replaced while that is in its grace period. Both are indexed (a multi-index
 * OR in SQLite), so decide's single query stays one index probe. `key` and `now` are the SQL
 * parameters, e.g. `?1` and `?4`.
 * @example db.prepare(`SELECT ${SITE_COLUMNS} FROM sites s WHERE ${publicKeyMatches('?1', '?2')}`).bind(key, Date.now())
 */
export function publicKeyMatches(key: string, now: string): string {
  return `(s.public_key = ${key} OR (s.previous_public_key = ${key} AND s.previous_public_key_expires_at > ${now}))`
}

export function toSite(row: SiteRow): Site {
  return {
    id: row.id,
    name: row.name,
    publicKey: row.public_key,
    codeSecret: row.code_secret,
    allowedOrigins: JSON.parse(row.allowed_origins) as string[],
    currency: row.currency,
    lapseDays: row.lapse_days,
    timeZone: row.time_zone,
    trustBrowserPurchases: row.trust_browser_purchases === 1,
    allowScripts: row.allow_scripts === 1,
    dailyWriteQuota: row.daily_write_quota ?? null,
    profileEpoch: row.profile_epoch,
  }
}

/**
 * SQL: the site's (`s`) latest prediction fit as one JSON value, or null (one probe of
 * `prediction_fits_latest`; the table is the predictions domain's, read here so decide gets the
 * fit with the site it caches).
 */
const LATEST_PREDICTION_FIT = `(SELECT json_object('bgnbd', json_object('r', f.r, 'alpha', f.alpha, 'a', f.a, 'b', f.b),
    'gammaGamma', json_object('p', f.p, 'q', f.q, 'gamma', f.gamma), 'clvCuts', json(f.clv_cuts))
  FROM prediction_fits f WHERE f.site_id = s.id ORDER BY f.fitted_at DESC LIMIT 1)`

function toPredictionFit(json: string | null): SitePredictionFit | null {
  return json === null ? null : (JSON.parse(json) as SitePredictionFit)
}

/** A site found by a public key, and until when that key works (null: its current key). */
export type SiteByKey = { site: Site; keyValidUntil: number | null }

/**
 * The site a browser call or webhook names by public key: the current key, or the previous one
 * during its grace period after a rotation (then `keyValidUntil` is the grace period's end).
 * Callers go through `directory.ts`, which keeps the answer for a few seconds.
 * @example await findSiteByPublicKey(env.DB, 'pk_demo', Date.now())
 */
export async function findSiteByPublicKey(
  db: D1Database,
  publicKey: string,
  now: number,
): Promise<SiteByKey | null> {
  const row = await db
    .prepare(
      `SELECT ${SITE_COLUMNS}, s.previous_public_key_expires_at, ${LATEST_PREDICTION_FIT} AS prediction_fit
       FROM sites s WHERE ${publicKeyMatches('?1', '?2')}`,
    )
    .bind(publicKey, now)
    .first<
      SiteRow & { previous_public_key_expires_at: number | null; prediction_fit: string | null }
    >()
  if (!row) return null
  const isCurrentKey = row.public_key === publicKey
  return {
    site: { ...toSite(row), predictionFit: toPredictionFit(row.prediction_fit) },
    keyValidUntil: isCurrentKey ? null : row.previous_public_key_expires_at,
  }
}

export async function findSiteById(db: D1Database, id: string): Promise<Site | null> {
  const row = await db
    .prepare(`SELECT ${SITE_COLUMNS} FROM sites s WHERE s.id = ?1`)
    .bind(id)
    .first<SiteRow>()
  return row ? toSite(row) : null
}

export async function findSiteBySecretHash(
  db: D1Database,
  secretKeyHash: string,
): Promise<(Site & { secretKeyHash: string }) | null> {
  const row = await db
    .prepare(`SELECT ${SITE_COLUMNS}, s.secret_key_hash FROM sites s WHERE s.secret_key_hash = ?1`)
    .bind(secretKeyHash)
    .first<SiteRow & { secret_key_hash: string }>()
  return row ? { ...toSite(row), secretKeyHash: row.secret_key_hash } : null
}

export type NewSite = {
  id: string
  name: string
  publicKey: string
  secretKeyHash: string
  codeSecret: string
  allowedOrigins: string[]
  currency: string
  lapseDays: number
  timeZone?: string
}

/**
 * The INSERT for a new site, as SQL text with its values inlined: the CLI runs it through
 * `wrangler d1 execute`, which takes no bound parameters.
 */
export function insertSiteSql(site: NewSite, now: number): string {
  const values = [
    site.id,
    site.name,
    site.publicKey,
    site.secretKeyHash,
    site.codeSecret,
    JSON.stringify(site.allowedOrigins),
    site.currency,
    site.lapseDays,
    site.timeZone ?? 'UTC',
    now,
  ].map(sqlLiteral)
  return (
    'INSERT INTO sites (id, name, public_key, secret_key_hash, code_secret, allowed_origins, currency, lapse_days, time_zone, created_at) ' +
    `VALUES (${values.join(', ')});`
  )
}

export async function insertSite(db: D1Database, site: NewSite, now: number): Promise<void> {
  await db
    .prepare(
      'INSERT INTO sites (id, name, public_key, secret_key_hash, code_secret, allowed_origins, currency, lapse_days, time_zone, created_at) ' +
        'VALUES (?1, ?2, ?3, ?4, ?10, ?5, ?6, ?7, ?8, ?9)',
    )
    .bind(
      site.id,
      site.name,
      site.publicKey,
      site.secretKeyHash,
      JSON.stringify(site.allowedOrigins),
      site.currency,
      site.lapseDays,
      site.timeZone ?? 'UTC',
      now,
      site.codeSecret,
    )
    .run()
}

function sqlLiteral(value: string | number): string {
  return typeof value === 'number' ? String(value) : `'${value.replaceAll("'", "''")}'`
}

/** What the settings route tells about a site's secrets and previous key (never the secrets). */
export type SiteKeyStatus = {
  hasWebhookSecret: boolean
  hasIdentitySecret: boolean
  previousPublicKey: string | null
  previousPublicKeyExpiresAt: number | null
}

/**
 * Whether the site has a webhook secret and an identity secret, and its previous public key with
 * the end of its grace period; null when there is no such site.
 * @example const status = await findSiteKeyStatus(env.DB, site.id)
 */
export async function findSiteKeyStatus(
  db: D1Database,
  siteId: string,
): Promise<SiteKeyStatus | null> {
  const row = await db
    .prepare(
      'SELECT webhook_secret IS NOT NULL AS has_secret, identity_secret IS NOT NULL AS has_identity_secret, previous_public_key, previous_public_key_expires_at FROM sites WHERE id = ?1',
    )
    .bind(siteId)
    .first<{
      has_secret: number
      has_identity_secret: number
      previous_public_key: string | null
      previous_public_key_expires_at: number | null
    }>()
  if (!row) return null
  return {
    hasWebhookSecret: row.has_secret === 1,
    hasIdentitySecret: row.has_identity_secret === 1,
    previousPublicKey: row.previous_public_key,
    previousPublicKeyExpiresAt: row.previous_public_key_expires_at,
  }
}

/** The settings a shop changes itself; a field left out keeps its stored value. */
export type SiteSettingsChange = {
  trustBrowserPurchases?: boolean | undefined
  lapseDays?: number | undefined
  allowScripts?: boolean | undefined
}

/** A boolean setting as its column value, or null to keep the stored one (SQL coalesce). */
const flag = (value: boolean | undefined): number | null =>
  value === undefined ? null : value ? 1 : 0

/**
 * Changes the given settings of a site and keeps the others.
 * @example await updateSiteSettings(env.DB, site.id, { lapseDays: 60 })
 */
export async function updateSiteSettings(
  db: D1Database,
  siteId: string,
  change: SiteSettingsChange,
): Promise<void> {
  await db
    .prepare(
      // Turning browser trust off bumps the profile epoch in the same statement (the right-hand
      // sides read the row as it was): browser purchases stop counting, so older tokens must go.
      `UPDATE sites SET trust_browser_purchases = coalesce(?2, trust_browser_purchases), lapse_days = coalesce(?3, lapse_days),
         allow_scripts = coalesce(?4, allow_scripts),
         profile_epoch = profile_epoch + (trust_browser_purchases = 1 AND coalesce(?2, 1) = 0) WHERE id = ?1`,
    )
    .bind(
      siteId,
      flag(change.trustBrowserPurchases),
      change.lapseDays ?? null,
      flag(change.allowScripts),
    )
    .run()
}

/**
 * Stores a new webhook secret for the site, replacing the old one at once.
 * @example await setWebhookSecret(env.DB, site.id, `whsec_${randomAlphanumeric(40)}`)
 */
export async function setWebhookSecret(
  db: D1Database,
  siteId: string,
  secret: string,
): Promise<void> {
  await db.prepare('UPDATE sites SET webhook_secret = ?2 WHERE id = ?1').bind(siteId, secret).run()
}

/**
 * Stores a new identity secret for the site, replacing the old one at once.
 * @example await setIdentitySecret(env.DB, site.id, `idsec_${randomAlphanumeric(40)}`)
 */
export async function setIdentitySecret(
  db: D1Database,
  siteId: string,
  secret: string,
): Promise<void> {
  await db.prepare('UPDATE sites SET identity_secret = ?2 WHERE id = ?1').bind(siteId, secret).run()
}

/** The default at-risk threshold on P(alive) (migration 0012; `predictions.atRiskBelow`). */
export const DEFAULT_AT_RISK_BELOW = 0.5

/**
 * The site's at-risk threshold on P(alive): a customer whose P(alive) is below it while their CLV
 * is above the site's median is "at risk" (dashboard, moments).
 * @example await findAtRiskBelow(env.DB, site.id) // 0.5
 */
export async function findAtRiskBelow(db: D1Database, siteId: string): Promise<number> {
  const row = await db
    .prepare('SELECT predictions_at_risk_below AS value FROM sites WHERE id = ?1')
    .bind(siteId)
    .first<{ value: number }>()
  return row?.value ?? DEFAULT_AT_RISK_BELOW
}

/**
 * Sets the site's at-risk threshold (`PATCH /v1/admin/site` `predictions.atRiskBelow`).
 * @example await setAtRiskBelow(env.DB, site.id, 0.3)
 */
export async function setAtRiskBelow(db: D1Database, siteId: string, value: number): Promise<void> {
  await db
    .prepare('UPDATE sites SET predictions_at_risk_below = ?2 WHERE id = ?1')
    .bind(siteId, value)
    .run()
}
