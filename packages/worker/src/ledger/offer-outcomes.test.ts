import { describe, expect, it } from 'vitest'
import {
  batch,
  expectDerivedExact,
  ledgerRows,
  serverOrder,
  testLedger,
  type LedgerStub,
} from '../../test/ledger'
import type { LedgerSite } from './client'

// Each exposure carries its outcome (schema step 4): the orders its visitor placed in the week
// after the first exposure, and their revenue and discounts in the site's currency. The offer-lift
// report reads nothing else, so these tests follow the outcome through every way an order
// arrives, moves or goes; `expectDerivedExact` also compares it with a rebuild from the orders.

const NOW = Date.parse('2026-03-10T12:00:00Z')
const HOUR = 3_600_000
const DAY = 24 * HOUR

function exposure(visitorId: string, variant: 'treatment' | 'control' = 'treatment') {
  return {
    ruleId: 'back',
    visitorId,
    visitId: `visit-${visitorId}`,
    variant,
    rulesetVersion: 1,
    offerCode: null,
  }
}

async function purchase(
  ledger: LedgerStub,
  site: LedgerSite,
  visitorId: string,
  orderId: string,
  at: number,
  fields: { revenue?: number; discount?: number; currency?: string } = {},
): Promise<void> {
  const result = await ledger.recordBatch(
    site,
    batch(
      visitorId,
      `visit-${visitorId}-${at}`,
      [
        { type: 'visit' },
        {
          type: 'purchase',
          orderId,
          revenue: fields.revenue ?? 10,
          discount: fields.discount ?? 0,
          currency: fields.currency ?? 'USD',
        },
      ],
      at,
    ),
  )
  expect(result.ok).toBe(true)
}

async function outcomes(ledger: LedgerStub) {
  return ledgerRows(
    ledger,
    'SELECT visitor_id, week_orders, week_revenue_micros, week_discount_micros FROM exposures ORDER BY visitor_id',
  )
}

async function arms(ledger: LedgerStub, site: LedgerSite) {
  return (await ledger.metrics(site, '2026-03-01', '2026-03-31')).offerArms
}

describe("an exposure's outcome", () => {
  it('counts the orders of the week after the first exposure, revenue and discount in the site currency only', async () => {
    const { site, ledger } = testLedger()
    await ledger.recordExposures(site, [exposure('ana'), exposure('bo', 'control')], NOW)
    await purchase(ledger, site, 'ana', 'before', NOW - HOUR) // before the exposure: not counted
    await purchase(ledger, site, 'ana', 'a1', NOW + HOUR, { revenue: 40, discount: 5 })
    await purchase(ledger, site, 'ana', 'a2', NOW + 6 * DAY, { revenue: 7, currency: 'EUR' })
    await purchase(ledger, site, 'ana', 'late', NOW + 7 * DAY) // the week is over
    await purchase(ledger, site, 'bo', 'b1', NOW + 2 * DAY, { revenue: 12 })
    expect(await outcomes(ledger)).toEqual([
      { visitor_id: 'ana', week_orders: 2, week_revenue_micros: 40e6, week_discount_micros: 5e6 },
      { visitor_id: 'bo', week_orders: 1, week_revenue_micros: 12e6, week_discount_micros: 0 },
    ])
    expect(await arms(ledger, site)).toEqual([
      {
        ruleId: 'back',
        variant: 'control',
        exposed: 1,
        converted: 1,
        revenueMicros: 12e6,
        discountMicros: 0,
      },
      {
        ruleId: 'back',
        variant: 'treatment',
        exposed: 1,
        converted: 1,
        revenueMicros: 40e6,
        discountMicros: 5e6,
      },
    ])
    await expectDerivedExact(ledger, site)
  })

  it('follows a server correction that moves an order to another visitor and changes its amount', async () => {
    const { site, ledger } = testLedger()
    await ledger.recordExposures(site, [exposure('claimer'), exposure('buyer')], NOW)
    await purchase(ledger, site, 'claimer', '1001', NOW + HOUR, { revenue: 1 })
    const corrected = serverOrder('1001', NOW, {
      visitorId: 'buyer',
      customerPerson: 'c:id:buyer',
      revenueMicros: 90e6,
      discountMicros: 9e6,
      placedAt: NOW + 2 * HOUR,
    })
    expect(
      await ledger.storeServerOrders(site, [corrected], 'server', NOW + 3 * HOUR),
    ).toMatchObject({
      conflicts: 1,
    })
    expect(await outcomes(ledger)).toEqual([
      { visitor_id: 'buyer', week_orders: 1, week_revenue_micros: 90e6, week_discount_micros: 9e6 },
      { visitor_id: 'claimer', week_orders: 0, week_revenue_micros: 0, week_discount_micros: 0 },
    ])
    await expectDerivedExact(ledger, site)
  })

  it('counts an order stored before the exposure when it was placed in its week (a server clock ahead)', async () => {
    const { site, ledger } = testLedger()
    const ahead = serverOrder('2002', NOW, {
      visitorId: 'cy',
      revenueMicros: 30e6,
      placedAt: NOW + HOUR,
    })
    await ledger.storeServerOrders(site, [ahead], 'server', NOW)
    await ledger.recordExposures(site, [exposure('cy')], NOW)
    expect(await outcomes(ledger)).toEqual([
      { visitor_id: 'cy', week_orders: 1, week_revenue_micros: 30e6, week_discount_micros: 0 },
    ])
    await expectDerivedExact(ledger, site)
  })

  it('keeps the first exposure when the visitor is shown the rule again, and goes with an erased visitor', async () => {
    const { site, ledger } = testLedger()
    await ledger.recordExposures(site, [exposure('dee'), exposure('eve')], NOW)
    await purchase(ledger, site, 'dee', 'd1', NOW + DAY, { revenue: 20 })
    // Shown again a week later: still measured from the first exposure.
    await ledger.recordExposures(site, [{ ...exposure('dee'), visitId: 'later' }], NOW + 8 * DAY)
    await purchase(ledger, site, 'dee', 'd2', NOW + 8 * DAY + HOUR, { revenue: 50 })
    await purchase(ledger, site, 'eve', 'e1', NOW + DAY, { revenue: 5 })
    expect((await outcomes(ledger))[0]).toEqual({
      visitor_id: 'dee',
      week_orders: 1,
      week_revenue_micros: 20e6,
      week_discount_micros: 0,
    })
    await expectDerivedExact(ledger, site)
    // Erased: the exposure and its outcome go (the day rollups keep their anonymous counts).
    await ledger.eraseSubject(site, { visitorId: 'eve' })
    expect(await arms(ledger, site)).toEqual([
      {
        ruleId: 'back',
        variant: 'treatment',
        exposed: 1,
        converted: 1,
        revenueMicros: 20e6,
        discountMicros: 0,
      },
    ])
  })
})
