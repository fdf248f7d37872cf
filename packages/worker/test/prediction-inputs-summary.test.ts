import { describe, expect, it } from 'vitest'
import { summarizeOrders } from '../src/predictions/model'
import { serverOrder, testLedger } from './ledger'

// The ledger's per-customer summary (computed in SQL) against the model's own summarizeOrders.

const at = (day: string) => Date.parse(`${day}T12:00:00Z`)

describe('predictionInputs(asOf): the site summary the fit reads', () => {
  it("equals the model's summarizeOrders on the same orders, orders after asOf ignored", async () => {
    const { site, ledger } = testLedger()
    const history: [customer: string, day: string, revenue: number][] = [
      ['a', '2026-01-01', 10],
      ['a', '2026-01-01', 5],
      ['a', '2026-01-20', 30],
      ['a', '2026-02-10', 12.5],
      ['a', '2026-03-10', 99], // after asOf
      ['b', '2026-02-01', 7],
      ['c', '2026-02-27', 40],
      ['c', '2026-02-28', 41],
      ['d', '2026-03-05', 1], // only after asOf: not a customer yet
    ]
    await ledger.storeServerOrders(
      site,
      history.map(([customer, day, revenue], index) =>
        serverOrder(`h${index}`, at(day), {
          customer,
          revenueMicros: Math.round(revenue * 1e6),
        }),
      ),
      'import',
      at('2026-03-20'),
    )
    const asOf = '2026-02-28'
    const fromLedger = await ledger.predictionInputs(site, asOf)
    const expected = summarizeOrders(
      history.map(([customer, day, revenue]) => ({ customerId: `c:id:${customer}`, day, revenue })),
      asOf,
    )
    expect(fromLedger.asOf).toBe(asOf)
    expect(fromLedger.purchaseDays).toBe(expected.purchaseDays)
    expect(fromLedger.revenue).toBeCloseTo(expected.revenue, 9)
    const byId = <T extends { customerId: string }>(list: T[]): T[] =>
      [...list].sort((p, q) => p.customerId.localeCompare(q.customerId))
    const want = byId(expected.customers)
    const got = byId(fromLedger.customers)
    expect(got.map((c) => c.customerId)).toEqual(want.map((c) => c.customerId))
    got.forEach((customer, index) => {
      const reference = want[index]!
      expect(customer).toMatchObject({
        firstDay: reference.firstDay,
        lastDay: reference.lastDay,
        x: reference.x,
      })
      expect(customer.tx).toBeCloseTo(reference.tx, 12)
      expect(customer.T).toBeCloseTo(reference.T, 12)
      expect(customer.monetary).toBeCloseTo(reference.monetary, 9)
      expect(customer.medianGapDays).toBe(reference.medianGapDays)
    })
    expect(got.find((c) => c.customerId === 'c:id:a')).toMatchObject({ x: 2, monetary: 21.25 })
  })

  it('is empty for a site without purchases', async () => {
    const { site, ledger } = testLedger()
    expect(await ledger.predictionInputs(site, '2026-01-01')).toEqual({
      asOf: '2026-01-01',
      customers: [],
      purchaseDays: 0,
      revenue: 0,
    })
  })
})
