import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { loadScanFit } from '../src/moments/scheduled'
import { saveFit, type StoredFit } from '../src/predictions/store'
import { DEFAULT_AT_RISK_BELOW, setAtRiskBelow } from '../src/sites/queries'
import { createTestSite } from './helpers'

/** A stored fit with the given parameters and CLV cuts (the rest as a fit would report it). */
function storedFit(fittedAt: number, r: number, clvCuts: number[]): StoredFit {
  return {
    asOf: '2026-10-31',
    customers: 500,
    fittedAt,
    fitMs: 12,
    bgnbd: { r, alpha: 4.4, a: 0.79, b: 2.4, logLikelihood: -100 },
    gammaGamma: { p: 6.2, q: 3.7, gamma: 15.4, customers: 200, logLikelihood: -50 },
    shrunk: false,
    clvCuts,
    details: {},
  }
}

describe('the moment scan reads the newest prediction fit', () => {
  it('is null before a first fit, and for a fit of a shop without customers', async () => {
    const site = await createTestSite()
    expect(await loadScanFit(env.DB, site.siteId)).toBeNull()
    await saveFit(env.DB, site.siteId, storedFit(1, 0.3, []))
    expect(await loadScanFit(env.DB, site.siteId)).toBeNull()
  })

  it('takes the newest fit, the median of its CLV cuts and the site threshold', async () => {
    const site = await createTestSite()
    await saveFit(
      env.DB,
      site.siteId,
      storedFit(
        1,
        9,
        Array.from({ length: 99 }, () => 1),
      ),
    )
    const cuts = Array.from({ length: 99 }, (_, i) => i + 1)
    await saveFit(env.DB, site.siteId, storedFit(2, 0.24, cuts))
    expect(await loadScanFit(env.DB, site.siteId)).toEqual({
      bgnbd: { r: 0.24, alpha: 4.4, a: 0.79, b: 2.4 },
      gammaGamma: { p: 6.2, q: 3.7, gamma: 15.4 },
      clvMedian: 50,
      atRiskBelow: DEFAULT_AT_RISK_BELOW,
    })
    await setAtRiskBelow(env.DB, site.siteId, 0.3)
    expect((await loadScanFit(env.DB, site.siteId))?.atRiskBelow).toBe(0.3)
  })
})
