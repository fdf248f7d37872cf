// Validation against the papers on the CDNOW data set (test/fixtures/cdnow): Fader, Hardie & Lee
// (2005), "Counting Your Customers the Easy Way" (BG/NBD) and "RFM and CLV" (Gamma-Gamma). The
// 2,357 sample customers are imported as orders and summarised as of 1997-09-30 (weeks 1–39); the
// 39 weeks after (1997-10-01 to 1998-06-30) are the holdout.

import { describe, expect, it } from 'vitest'
import { parseCdnow } from '../../../test/cdnow'
import masterText from '../../../test/fixtures/cdnow/CDNOW_master.txt?raw'
import sampleText from '../../../test/fixtures/cdnow/CDNOW_sample.txt?raw'
import { fitBgNbd } from './bgnbd'
import { conditionalExpectedPurchases, expectedPurchases } from './bgnbd-predictions'
import { fitPredictionModels } from './fit'
import { fitGammaGamma } from './gamma-gamma'
import type { BgNbdParams, GammaGammaParams } from './params'
import { groupByFrequency, summarizeOrders } from './summary'

const CALIBRATION_END = '1997-09-30'
const HOLDOUT_END = '1998-06-30'
const HOLDOUT_WEEKS = 39
/** The papers' figures must be met within 0.5%. */
const PAPER_TOLERANCE = 0.005
/** Predicted holdout purchases within 15% of the actual ones, for the whole sample (see below). */
const HOLDOUT_TOLERANCE = 0.15

const relativeError = (value: number, exact: number) => Math.abs(value - exact) / Math.abs(exact)
const paperBgNbd: BgNbdParams = { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258 }

const sampleOrders = parseCdnow(sampleText, 'sample')
const calibration = summarizeOrders(sampleOrders, CALIBRATION_END)

describe('CDNOW sample: the calibration summary', () => {
  it('has the papers’ 2,357 customers, 946 of them with repeat purchases', () => {
    expect(sampleOrders).toHaveLength(6919)
    expect(calibration.customers).toHaveLength(2357)
    expect(calibration.customers.filter((c) => c.x > 0)).toHaveLength(946)
    // 2,457 repeat purchase days in weeks 1–39 (counting one purchase per day).
    expect(calibration.customers.reduce((sum, c) => sum + c.x, 0)).toBe(2457)
  })

  it('matches rows of the published summary (x, t_x, T to two decimals)', () => {
    const published: [string, number, string, string][] = [
      ['0001', 2, '30.43', '38.86'],
      ['0157', 29, '37.71', '38.00'],
      ['1516', 26, '30.86', '31.00'],
      ['1901', 21, '4.71', '29.29'],
      ['2089', 1, '28.29', '28.29'],
      ['2357', 0, '0.00', '27.00'],
    ]
    const byId = new Map(calibration.customers.map((c) => [c.customerId, c]))
    for (const [id, x, tx, T] of published) {
      const c = byId.get(id)!
      expect([c.x, c.tx.toFixed(2), c.T.toFixed(2)], id).toEqual([x, tx, T])
    }
  })
})

describe('CDNOW sample: the fits reproduce the papers', () => {
  const fit = fitPredictionModels(calibration)
  // The plain maximum-likelihood fits, without the prior worth one customer that
  // fitPredictionModels always adds (priors.ts): the papers' figures must hold for both.
  const mleBgNbd = fitBgNbd(groupByFrequency(calibration.customers))
  const repeat = calibration.customers
    .filter((c) => c.x > 0)
    .map(({ x, monetary }) => ({ x, monetary }))
  const mleGammaGamma = fitGammaGamma(repeat)

  const expectBgNbdOfPaper = (params: BgNbdParams, logLikelihood: number) => {
    expect(relativeError(params.r, 0.2426)).toBeLessThan(PAPER_TOLERANCE)
    expect(relativeError(params.alpha, 4.4135)).toBeLessThan(PAPER_TOLERANCE)
    expect(relativeError(params.a, 0.7929)).toBeLessThan(PAPER_TOLERANCE)
    expect(relativeError(params.b, 2.4258)).toBeLessThan(PAPER_TOLERANCE)
    expect(relativeError(logLikelihood, -9582.4)).toBeLessThan(PAPER_TOLERANCE)
  }
  const expectGammaGammaOfPaper = (params: GammaGammaParams) => {
    expect(relativeError(params.p, 6.25)).toBeLessThan(PAPER_TOLERANCE)
    expect(relativeError(params.q, 3.74)).toBeLessThan(PAPER_TOLERANCE)
    expect(relativeError(params.gamma, 15.44)).toBeLessThan(PAPER_TOLERANCE)
  }

  it('BG/NBD: r = 0.2426, α = 4.4135, a = 0.7929, b = 2.4258, LL = −9582.4, each within 0.5%', () => {
    console.log('BG/NBD on the CDNOW sample:', fit.bgnbd, 'maximum likelihood:', mleBgNbd)
    expect(fit.customers).toBe(2357)
    expect(fit.bgnbd).toMatchObject({ shrunk: false, converged: true, priorCustomers: 1 })
    expectBgNbdOfPaper(fit.bgnbd, fit.bgnbd.logLikelihood)
    expect(mleBgNbd.converged).toBe(true)
    expectBgNbdOfPaper(mleBgNbd.params, mleBgNbd.logLikelihood)
  })

  it('Gamma-Gamma on the 946 repeat customers: p = 6.25, q = 3.74, γ = 15.44, each within 0.5%', () => {
    console.log(
      'Gamma-Gamma on the CDNOW sample:',
      fit.gammaGamma,
      'maximum likelihood:',
      mleGammaGamma,
    )
    expect(repeat).toHaveLength(946)
    expect(fit.gammaGamma).toMatchObject({
      customers: 946,
      shrunk: false,
      converged: true,
      priorCustomers: 1,
    })
    expectGammaGammaOfPaper(fit.gammaGamma)
    expect(mleGammaGamma.converged).toBe(true)
    expectGammaGammaOfPaper(mleGammaGamma.params)
  })

  it('gives the worked example, 1.226 purchases in 39 weeks for x = 2, t_x = 30.43, T = 38.86', () => {
    expect(conditionalExpectedPurchases(paperBgNbd, 2, 30.43, 38.86, 39).toFixed(3)).toBe('1.226')
    expect(conditionalExpectedPurchases(fit.bgnbd, 2, 30.43, 38.86, 39).toFixed(3)).toBe('1.226')
  })

  it(`predicts the holdout purchases of the whole sample within ${HOLDOUT_TOLERANCE * 100}%`, () => {
    const through = new Map(
      summarizeOrders(sampleOrders, HOLDOUT_END).customers.map((c) => [c.customerId, c]),
    )
    let actual = 0
    let predicted = 0
    let cohortForecast = 0
    const byX = new Map<string, { customers: number; actual: number; predicted: number }>()
    for (const c of calibration.customers) {
      const later = through.get(c.customerId)!.x - c.x
      const expected = conditionalExpectedPurchases(fit.bgnbd, c.x, c.tx, c.T, HOLDOUT_WEEKS)
      actual += later
      predicted += expected
      // The same weeks forecast from the first purchase alone, without the customer's history.
      cohortForecast +=
        expectedPurchases(fit.bgnbd, c.T + HOLDOUT_WEEKS) - expectedPurchases(fit.bgnbd, c.T)
      const key = c.x >= 7 ? '7+' : String(c.x)
      const row = byX.get(key) ?? { customers: 0, actual: 0, predicted: 0 }
      byX.set(key, {
        customers: row.customers + 1,
        actual: row.actual + later,
        predicted: row.predicted + expected,
      })
    }
    console.log(
      `Holdout 1997-10-01..1998-06-30, ${calibration.customers.length} customers: actual ${actual} purchase days, ` +
        `predicted ${predicted.toFixed(1)} (conditional on each history; ${(100 * (predicted / actual - 1)).toFixed(1)}%), ` +
        `cohort forecast ${cohortForecast.toFixed(1)}`,
    )
    const rows = [...byX].sort(([p], [q]) => p.localeCompare(q))
    console.log(
      'x in weeks 1-39 | customers | actual per customer | predicted per customer\n' +
        rows
          .map(([x, { customers, actual, predicted }]) => {
            return `${x.padStart(3)} | ${customers} | ${(actual / customers).toFixed(3)} | ${(predicted / customers).toFixed(3)}`
          })
          .join('\n'),
    )
    expect(actual).toBe(1882)
    expect(relativeError(predicted, actual)).toBeLessThan(HOLDOUT_TOLERANCE)
  })
})

describe('CDNOW master: all 23,570 customers', () => {
  it('fits as of 1997-09-30 and logs the time inside workerd (summary + fit)', () => {
    const started = performance.now()
    const orders = parseCdnow(masterText, 'master')
    const parsed = performance.now()
    const summary = summarizeOrders(orders, CALIBRATION_END)
    const fit = fitPredictionModels(summary)
    const finished = performance.now()
    console.log(
      `CDNOW master in workerd: parse ${(parsed - started).toFixed(0)} ms, summary + fit of ${fit.customers} customers ` +
        `${(finished - parsed).toFixed(0)} ms`,
      fit.bgnbd,
      fit.gammaGamma,
    )
    expect(orders).toHaveLength(69_659)
    expect(fit.customers).toBe(23_570)
    expect(fit.bgnbd.converged && fit.gammaGamma.converged).toBe(true)
    // A tenfold larger sample of the same cohort: the same process, so parameters near the sample's.
    expect(relativeError(fit.bgnbd.r, 0.2426)).toBeLessThan(0.25)
    expect(relativeError(fit.bgnbd.b, 2.4258)).toBeLessThan(0.25)
  })
})
