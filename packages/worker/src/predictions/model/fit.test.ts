import { describe, expect, it } from 'vitest'
import { simulateBgNbd } from '../../../test/model-simulation'
import { conditionalExpectedPurchases, pAlive } from './bgnbd-predictions'
import { fitPredictionModels } from './fit'
import { BGNBD_PRIOR, gammaGammaPrior, priorCustomers, SMALL_SHOP_CUSTOMERS } from './priors'
import { type OrderRow, summarizeOrders } from './summary'

/** Orders of customers who bought on the given day offsets (from 2026-01-01), for `spend` each. */
function shop(customers: { days: number[]; spend?: number }[]): OrderRow[] {
  return customers.flatMap(({ days, spend = 20 }, i) =>
    days.map((offset) => ({
      customerId: `c${i}`,
      day: new Date(Date.UTC(2026, 0, 1 + offset)).toISOString().slice(0, 10),
      revenue: spend,
    })),
  )
}

/** Squared distance of fitted parameters from the prior in log space. */
function distanceFromPrior({
  r,
  alpha,
  a,
  b,
}: {
  r: number
  alpha: number
  a: number
  b: number
}): number {
  const p = BGNBD_PRIOR
  return (
    Math.log(r / p.r) ** 2 +
    Math.log(alpha / p.alpha) ** 2 +
    Math.log(a / p.a) ** 2 +
    Math.log(b / p.b) ** 2
  )
}

/** A shop of n simulated customers with fast buyers (not CDNOW-like), as orders. */
function simulatedShop(n: number): OrderRow[] {
  return simulateBgNbd({ r: 2, alpha: 4, a: 1.5, b: 6 }, n, 40, 11).flatMap(({ x, tx }, i) => {
    // Rebuild purchase days: first at 0, last at tx, the others in between.
    const days = [0, ...Array.from({ length: x }, (_, k) => Math.round((tx * 7 * (k + 1)) / x))]
    return shop([{ days: [...new Set(days)], spend: 10 + (i % 7) }]).map((o) => ({
      ...o,
      customerId: `s${i}`,
    }))
  })
}

describe('fitPredictionModels', () => {
  it('refuses a shop without customers: there is nothing to fit', () => {
    expect(() => fitPredictionModels(summarizeOrders([], '2026-03-01'))).toThrow(RangeError)
  })

  it(`shrinks below ${SMALL_SHOP_CUSTOMERS} customers and says so, with the prior it used`, () => {
    const fit = fitPredictionModels(
      summarizeOrders(shop([{ days: [0, 20, 41] }, { days: [3] }, { days: [5, 6] }]), '2026-03-01'),
    )
    expect(fit.customers).toBe(3)
    expect(fit.bgnbd).toMatchObject({ shrunk: true, prior: BGNBD_PRIOR, priorCustomers: 47 })
    expect(fit.gammaGamma).toMatchObject({ customers: 2, shrunk: true, priorCustomers: 48 })
    // Mean spend per purchase day is 20, so the spend prior's γ gives a prior mean of 20.
    expect(fit.gammaGamma.prior).toEqual(gammaGammaPrior(20))
    // Three customers barely move the prior.
    expect(distanceFromPrior(fit.bgnbd)).toBeLessThan(0.05)
  })

  it('lets the data speak more as the shop grows, with no jump at the threshold', () => {
    const orders = simulatedShop(400)
    const fitOf = (n: number) => {
      const keep = new Set(Array.from({ length: n }, (_, i) => `s${i}`))
      return fitPredictionModels(
        summarizeOrders(
          orders.filter((o) => keep.has(o.customerId)),
          '2026-12-31',
        ),
      )
    }
    const [five, twenty, fortyNine, fifty, fourHundred] = [5, 20, 49, 50, 400].map(fitOf)
    expect(distanceFromPrior(five!.bgnbd)).toBeLessThan(distanceFromPrior(twenty!.bgnbd))
    expect(distanceFromPrior(twenty!.bgnbd)).toBeLessThan(distanceFromPrior(fortyNine!.bgnbd))
    expect([fortyNine!.bgnbd.shrunk, fifty!.bgnbd.shrunk, fourHundred!.bgnbd.shrunk]).toEqual([
      true,
      false,
      false,
    ])
    // 49 and 50 customers: the prior counts for one customer in both, so the fits are close.
    expect(fortyNine!.bgnbd.priorCustomers).toBe(1)
    expect(fifty!.bgnbd.priorCustomers).toBe(1)
    expect(Math.abs(Math.log(fifty!.bgnbd.r / fortyNine!.bgnbd.r))).toBeLessThan(0.2)
    // The fast buyers' own rate wins over CDNOW's with 400 customers: r/α near 2/4, not 0.243/4.41.
    expect(fourHundred!.bgnbd.r / fourHundred!.bgnbd.alpha).toBeGreaterThan(0.3)
    expect(
      [fortyNine, fifty, fourHundred].every((f) => f!.bgnbd.converged && f!.gammaGamma.converged),
    ).toBe(true)
  })

  it('stays sane when nobody has bought twice', () => {
    const orders = shop(Array.from({ length: 120 }, (_, i) => ({ days: [i % 60] })))
    const fit = fitPredictionModels(summarizeOrders(orders, '2026-04-01'))
    expect(fit.bgnbd.converged).toBe(true)
    expect(fit.gammaGamma).toMatchObject({ customers: 0, shrunk: true })
    for (const value of [fit.bgnbd.r, fit.bgnbd.alpha, fit.bgnbd.a, fit.bgnbd.b])
      expect(Number.isFinite(value) && value > 0).toBe(true)
    expect(pAlive(fit.bgnbd, 0, 0, 8)).toBe(1)
    // No repeat purchases in 120 customers: a year ahead holds fewer than under the CDNOW prior.
    expect(conditionalExpectedPurchases(fit.bgnbd, 0, 0, 8, 52)).toBeLessThan(
      conditionalExpectedPurchases(BGNBD_PRIOR, 0, 0, 8, 52),
    )
  })

  it('gives spend 0 to a shop whose orders were all free', () => {
    const fit = fitPredictionModels(
      summarizeOrders(
        shop([
          { days: [0, 7], spend: 0 },
          { days: [1], spend: 0 },
        ]),
        '2026-02-01',
      ),
    )
    expect(fit.gammaGamma).toMatchObject({ gamma: 0, customers: 0, shrunk: true })
  })

  it('counts the prior as max(N − n, 1) customers', () => {
    expect([0, 1, 49, 50, 10_000].map(priorCustomers)).toEqual([50, 49, 1, 1, 1])
  })
})
