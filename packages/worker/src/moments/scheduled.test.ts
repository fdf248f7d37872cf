import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { DEFAULT_AT_RISK_BELOW, loadScanFit } from './scheduled'

// The scan reads i12-predict's `prediction_fits` (migration 0012, not on this branch) when it
// exists: here its shape is created in a database of this file's own.
const db = env.MIGRATION_TEST_DB

describe('the scan reads the newest prediction fit when there is one', () => {
  it('gives null while the predictions tables do not exist', async () => {
    expect(await loadScanFit(env.DB, 'any-site')).toBeNull()
  })

  it('takes the newest fit, the median of its CLV cuts and the site threshold', async () => {
    await db.batch([
      db.prepare(
        'CREATE TABLE sites (id TEXT PRIMARY KEY, predictions_at_risk_below REAL NOT NULL DEFAULT 0.5)',
      ),
      db.prepare(
        `CREATE TABLE prediction_fits (site_id TEXT NOT NULL, fitted_at INTEGER NOT NULL, r REAL, alpha REAL,
           a REAL, b REAL, p REAL, q REAL, gamma REAL, clv_cuts TEXT NOT NULL, PRIMARY KEY (site_id, fitted_at))`,
      ),
      db.prepare(
        "INSERT INTO sites (id, predictions_at_risk_below) VALUES ('s1', 0.3), ('s2', 0.5)",
      ),
      db
        .prepare(
          "INSERT INTO prediction_fits VALUES ('s1', 1, 9, 9, 9, 9, 9, 9, 9, ?1), ('s1', 2, 0.24, 4.4, 0.79, 2.4, 6.2, 3.7, 15.4, ?2), ('s2', 1, 1, 1, 1, 1, 1, 2, 1, '[]')",
        )
        .bind(
          JSON.stringify(Array.from({ length: 99 }, () => 1)),
          JSON.stringify(Array.from({ length: 99 }, (_, i) => i + 1)),
        ),
    ])
    expect(await loadScanFit(db, 's1')).toEqual({
      bgnbd: { r: 0.24, alpha: 4.4, a: 0.79, b: 2.4 },
      gammaGamma: { p: 6.2, q: 3.7, gamma: 15.4 },
      clvMedian: 50,
      atRiskBelow: 0.3,
    })
    // A fit of a shop without customers has no cuts: no at-risk moments.
    expect(await loadScanFit(db, 's2')).toBeNull()
    expect(await loadScanFit(db, 's3')).toBeNull()
    expect(DEFAULT_AT_RISK_BELOW).toBe(0.5)
  })
})
