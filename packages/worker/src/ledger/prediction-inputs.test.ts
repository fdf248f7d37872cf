import { runInDurableObject } from 'cloudflare:test'
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

// The person's prediction inputs (schema step 2): exact under every write path, equal to a
// rebuild from the facts (`expectDerivedExact` compares every `people` column), and the site's
// summary as of a day equal to the model's own `summarizeOrders` on the same orders.

const at = (day: string, hour = 12) => Date.parse(`${day}T${String(hour).padStart(2, '0')}:00:00Z`)

async function buy(
  ledger: LedgerStub,
  site: LedgerSite,
  visitorId: string,
  now: number,
  orders: [orderId: string, revenue: number, currency?: string][],
): Promise<void> {
  const result = await ledger.recordBatch(
    site,
    batch(
      visitorId,
      `s-${now}`,
      [
        { type: 'visit' },
        ...orders.map(([orderId, revenue, currency]) => ({
          type: 'purchase' as const,
          orderId,
          revenue,
          currency: currency ?? 'USD',
        })),
      ],
      now,
    ),
  )
  expect(result.ok).toBe(true)
}

const reported = (orderId: string, fields: Parameters<typeof serverOrder>[2]) =>
  serverOrder(orderId, at('2026-03-01'), fields)

type InputsRow = {
  purchase_days: number
  first_purchase_day: string | null
  last_purchase_day: string | null
  revenue_micros: number
  first_day_revenue_micros: number
  median_gap_days: number | null
}

async function inputsOf(ledger: LedgerStub, personId: string): Promise<InputsRow | undefined> {
  const [row] = await ledgerRows<InputsRow>(
    ledger,
    `SELECT purchase_days, first_purchase_day, last_purchase_day, revenue_micros, first_day_revenue_micros,
       median_gap_days FROM people WHERE person_id = ?1`,
    personId,
  )
  return row
}

describe("a person's prediction inputs", () => {
  it('count one purchase per local day (site time zone), the first day apart, the median gap', async () => {
    // Berlin: 23:30 UTC on 03-01 is already 03-02 there.
    const { site, ledger } = testLedger({ timeZone: 'Europe/Berlin' })
    await buy(ledger, site, 'v1', at('2026-03-01', 9), [['o1', 10]])
    await buy(ledger, site, 'v1', at('2026-03-01', 15), [['o2', 5]]) // same local day
    await buy(ledger, site, 'v1', Date.parse('2026-03-01T23:30:00Z'), [['o3', 20]]) // 03-02 in Berlin
    await buy(ledger, site, 'v1', at('2026-03-12'), [
      ['o4', 30],
      ['o5', 1, 'EUR'],
    ])
    await buy(ledger, site, 'v1', at('2026-03-15'), [['o6', 8]])
    expect(await inputsOf(ledger, 'v1')).toEqual({
      purchase_days: 4,
      first_purchase_day: '2026-03-01',
      last_purchase_day: '2026-03-15',
      revenue_micros: 73_000_000, // the EUR order is a purchase, with no revenue in USD
      first_day_revenue_micros: 15_000_000,
      median_gap_days: 3, // gaps 1, 10, 3
    })
    const context = await ledger.decideContext(site, {
      visitorId: 'v1',
      visitId: 'later',
      withExposureTimes: false,
      now: at('2026-03-20'),
    })
    expect(context.predictionInputs).toEqual({
      purchaseDays: 4,
      firstPurchaseDay: '2026-03-01',
      lastPurchaseDay: '2026-03-15',
      revenueMicros: 73_000_000,
      firstDayRevenueMicros: 15_000_000,
      medianGapDays: 3,
    })
    await expectDerivedExact(ledger, site)
  })

  it('are null in decide for someone who never bought, and the median needs two gaps', async () => {
    const { site, ledger } = testLedger()
    await buy(ledger, site, 'v1', at('2026-03-01'), [])
    await buy(ledger, site, 'v2', at('2026-03-01'), [['o1', 10]])
    await buy(ledger, site, 'v2', at('2026-03-05'), [['o2', 12]])
    const context = (visitorId: string) =>
      ledger.decideContext(site, { visitorId, visitId: 'x', withExposureTimes: false, now: 0 })
    expect((await context('v1')).predictionInputs).toBeNull()
    expect((await context('nobody')).predictionInputs).toBeNull()
    expect((await context('v2')).predictionInputs).toMatchObject({
      purchaseDays: 2,
      medianGapDays: null,
    })
  })

  it('follow the counted orders: untrusted browser purchases count once the server confirms them', async () => {
    const { site, ledger } = testLedger({ trustBrowserPurchases: false })
    await buy(ledger, site, 'v1', at('2026-03-01'), [['o1', 10]])
    await buy(ledger, site, 'v1', at('2026-03-08'), [['o2', 20]])
    expect(await inputsOf(ledger, 'v1')).toMatchObject({ purchase_days: 0 })
    await ledger.storeServerOrders(
      site,
      [
        reported('o2', {
          visitorId: 'v1',
          revenueMicros: 25_000_000,
          placedAt: at('2026-03-08'),
        }),
      ],
      'server',
      at('2026-03-09'),
    )
    expect(await inputsOf(ledger, 'v1')).toMatchObject({
      purchase_days: 1,
      first_purchase_day: '2026-03-08',
      first_day_revenue_micros: 25_000_000,
    })
    await expectDerivedExact(ledger, site)
  })

  it('move with an order the server says is someone else’s, and with a sign-in linking a browser', async () => {
    const { site, ledger } = testLedger()
    await buy(ledger, site, 'claimer', at('2026-03-01'), [['o1', 10]])
    await buy(ledger, site, 'claimer', at('2026-03-04'), [['o2', 10]])
    await ledger.storeServerOrders(
      site,
      [
        reported('o2', {
          customer: 'ann',
          revenueMicros: 10_000_000,
          placedAt: at('2026-03-04'),
        }),
      ],
      'server',
      at('2026-03-05'),
    )
    await ledger.storeServerOrders(
      site,
      [
        reported('h1', {
          customer: 'ann',
          revenueMicros: 40_000_000,
          placedAt: at('2026-01-10'),
        }),
      ],
      'import',
      at('2026-03-05'),
    )
    expect(await inputsOf(ledger, 'claimer')).toMatchObject({
      purchase_days: 1,
      last_purchase_day: '2026-03-01',
    })
    expect(await inputsOf(ledger, 'c:id:ann')).toMatchObject({
      purchase_days: 2,
      first_purchase_day: '2026-01-10',
      last_purchase_day: '2026-03-04',
      revenue_micros: 50_000_000,
      first_day_revenue_micros: 40_000_000,
    })
    await expectDerivedExact(ledger, site)
  })

  it('are recounted when one device of a customer is erased, and go with the last', async () => {
    const { site, ledger } = testLedger()
    const signIn = (visitorId: string, now: number, orderId: string) =>
      ledger.recordBatch(
        site,
        batch(
          visitorId,
          `s-${now}`,
          [
            { type: 'visit' },
            { id: `i-${visitorId}-${now}`, type: 'identify', customerId: 'bo' },
            { type: 'purchase', orderId, revenue: 10 },
          ],
          now,
          {
            identities: { [`i-${visitorId}-${now}`]: { customerKey: 'id:bo', verified: true } },
            signedPerson: 'c:id:bo',
          },
        ),
      )
    await signIn('phone', at('2026-03-01'), 'o1')
    await signIn('laptop', at('2026-03-03'), 'o2')
    await signIn('laptop', at('2026-03-06'), 'o3')
    expect(await inputsOf(ledger, 'c:id:bo')).toMatchObject({ purchase_days: 3 })
    await ledger.eraseSubject(site, { visitorId: 'laptop' })
    expect(await inputsOf(ledger, 'c:id:bo')).toMatchObject({
      purchase_days: 1,
      last_purchase_day: '2026-03-01',
      median_gap_days: null,
    })
    // (erase keeps the segment rollups, which hold no id, so no whole-ledger rebuild comparison)
    await ledger.eraseSubject(site, { visitorId: 'phone' })
    expect(await inputsOf(ledger, 'c:id:bo')).toBeUndefined()
  })

  it('are filled from the orders of people stored before schema step 2, on the next call', async () => {
    const { site, ledger } = testLedger()
    await buy(ledger, site, 'v1', at('2026-03-01'), [['o1', 10]])
    await buy(ledger, site, 'v1', at('2026-03-02'), [['o2', 12]])
    // As an object migrated to step 2 looks before its first call: columns at their defaults,
    // the fill pending, and a fresh object instance (nothing bound yet).
    await runInDurableObject(ledger, (instance, state) => {
      state.storage.sql.exec(
        `UPDATE people SET purchase_days = 0, first_purchase_day = NULL, last_purchase_day = NULL,
           first_day_revenue_micros = 0, median_gap_days = NULL`,
      )
      state.storage.sql.exec(
        "INSERT INTO ledger_meta (key, value) VALUES ('prediction_inputs_pending', 1)",
      )
      ;(instance as unknown as { boundSite: string }).boundSite = ''
    })
    expect(await inputsOf(ledger, 'v1')).toMatchObject({ purchase_days: 0 })
    const context = await ledger.decideContext(site, {
      visitorId: 'v1',
      visitId: 'x',
      withExposureTimes: false,
      now: at('2026-03-05'),
    })
    expect(context.predictionInputs).toMatchObject({ purchaseDays: 2, firstDayRevenueMicros: 10e6 })
    expect(
      await ledgerRows(ledger, "SELECT * FROM ledger_meta WHERE key = 'prediction_inputs_pending'"),
    ).toEqual([])
    await expectDerivedExact(ledger, site)
  })
})
