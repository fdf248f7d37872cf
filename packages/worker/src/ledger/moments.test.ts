import { describe, expect, it } from 'vitest'
import { batch, ledgerRows, serverOrder, testLedger } from '../../test/ledger'
import type { PurchaseTransition, RecordBatchResult } from './client'

const DAY = 86_400_000

/** The transitions of an accepted batch (a refused one fails the test). */
function transitionsOf(result: RecordBatchResult): PurchaseTransition[] {
  if (!result.ok) throw new Error(`batch refused: ${result.reason}`)
  return result.transitions
}
const START = Date.parse('2026-01-05T12:00:00Z')

const reported = (
  orderId: string,
  placedAt: number,
  customerPerson = 'c:id:cust-1',
  revenueMicros = 20_000_000,
) => serverOrder(orderId, placedAt, { customerPerson, revenueMicros })

describe('ledger: the transitions a purchase causes', () => {
  it('reports became_returning, then became_repeat, for a signed-in customer buying in the browser', async () => {
    const { site, ledger } = testLedger()
    const signed = {
      identities: { i1: { customerKey: 'id:cust-1', verified: true } },
      signedPerson: 'c:id:cust-1',
    }
    const first = await ledger.recordBatch(
      site,
      batch(
        'v1',
        's1',
        [
          { type: 'visit' },
          { id: 'i1', type: 'identify', customerId: 'cust-1' },
          { type: 'purchase', orderId: 'o1', revenue: 20 },
        ],
        START,
        signed,
      ),
    )
    expect(transitionsOf(first)).toEqual([
      {
        personId: 'c:id:cust-1',
        type: 'customer.became_returning',
        occurrence: 'returning',
        data: { purchaseVisits: 1, lastPurchaseAt: new Date(START).toISOString() },
      },
    ])
    // A second order in the same visit is no new purchase visit: no transition.
    const same = await ledger.recordBatch(
      site,
      batch('v1', 's1', [{ type: 'purchase', orderId: 'o2', revenue: 5 }], START + 1000),
    )
    expect(transitionsOf(same)).toEqual([])
    // The same batch again (a retry) stores nothing new and reports nothing.
    const second = await ledger.recordBatch(
      site,
      batch(
        'v1',
        's2',
        [{ type: 'visit' }, { type: 'purchase', orderId: 'o3', revenue: 9 }],
        START + DAY,
      ),
    )
    expect(transitionsOf(second).map((t) => t.type)).toEqual(['customer.became_repeat'])
    const retry = await ledger.recordBatch(
      site,
      batch('v1', 's2', [{ id: 'dup', type: 'purchase', orderId: 'o3', revenue: 9 }], START + DAY),
    )
    expect(transitionsOf(retry)).toEqual([])
  })

  it('reports nothing for an anonymous visitor: only customers get moments', async () => {
    const { site, ledger } = testLedger()
    const result = await ledger.recordBatch(
      site,
      batch(
        'anon',
        's1',
        [{ type: 'visit' }, { type: 'purchase', orderId: 'o1', revenue: 20 }],
        START,
      ),
    )
    expect(transitionsOf(result)).toEqual([])
  })

  it('counts only counted purchases: a browser order on a site that waits for verification is none', async () => {
    const { site, ledger } = testLedger({ trustBrowserPurchases: false })
    const result = await ledger.recordBatch(
      site,
      batch(
        'v1',
        's1',
        [
          { type: 'visit' },
          { id: 'i1', type: 'identify', customerId: 'cust-1' },
          { type: 'purchase', orderId: 'o1', revenue: 20 },
        ],
        START,
        {
          identities: { i1: { customerKey: 'id:cust-1', verified: true } },
          signedPerson: 'c:id:cust-1',
        },
      ),
    )
    expect(transitionsOf(result)).toEqual([])
    // The server confirms it: now it counts, and the customer became returning.
    const confirmed = await ledger.storeServerOrders(
      site,
      [{ ...reported('o1', START), visitorId: 'v1' }],
      'server',
      START + 60_000,
    )
    expect(confirmed.transitions.map((t) => t.type)).toEqual(['customer.became_returning'])
  })

  it('reports won_back for a purchase after the lapse window, with the day of the purchase', async () => {
    const { site, ledger } = testLedger({ lapseDays: 30 })
    const first = await ledger.storeServerOrders(site, [reported('o1', START)], 'server', START)
    expect(first.transitions.map((t) => t.type)).toEqual(['customer.became_returning'])
    // 20 days later: not lapsed, no win-back (but the second purchase visit makes them repeat).
    const soon = await ledger.storeServerOrders(
      site,
      [reported('o2', START + 20 * DAY)],
      'server',
      START + 20 * DAY,
    )
    expect(soon.transitions.map((t) => t.type)).toEqual(['customer.became_repeat'])
    // 31 days after that: lapsed, won back.
    const back = START + 51 * DAY
    const won = await ledger.storeServerOrders(site, [reported('o3', back)], 'server', back)
    expect(won.transitions).toEqual([
      {
        personId: 'c:id:cust-1',
        type: 'customer.won_back',
        occurrence: '2026-02-25',
        data: {
          purchaseVisits: 3,
          lastPurchaseAt: new Date(back).toISOString(),
          previousPurchaseAt: new Date(START + 20 * DAY).toISOString(),
          daysSincePreviousPurchase: 31,
          lapseDays: 30,
        },
      },
    ])
    // The same order again is a duplicate: nothing new.
    const again = await ledger.storeServerOrders(site, [reported('o3', back)], 'server', back)
    expect(again).toMatchObject({ duplicates: 1, transitions: [] })
  })
})

describe('ledger: the moment scan pages and state', () => {
  it('pages through customers with their purchase days, and records moments once', async () => {
    const { site, ledger } = testLedger()
    await ledger.storeServerOrders(
      site,
      [
        reported('a1', START, 'c:id:a', 10_000_000),
        reported('a2', START + 1000, 'c:id:a', 5_000_000),
        reported('a3', START + 7 * DAY, 'c:id:a', 8_000_000),
        reported('b1', START, 'c:id:b'),
        reported('c1', START, 'c:id:c'),
      ],
      'import',
      START,
    )
    // An anonymous buyer is no customer: never scanned.
    await ledger.recordBatch(
      site,
      batch(
        'anon',
        's1',
        [{ type: 'visit' }, { type: 'purchase', orderId: 'x', revenue: 1 }],
        START,
      ),
    )

    const first = await ledger.momentScanPage(site, null, 2)
    expect(first.customers.map((c) => c.personId)).toEqual(['c:id:a', 'c:id:b'])
    expect(first.customers[0]!.days).toEqual([
      { day: '2026-01-05', revenueMicros: 15_000_000 },
      { day: '2026-01-12', revenueMicros: 8_000_000 },
    ])
    expect(first.next).toBe('c:id:b')
    const second = await ledger.momentScanPage(site, first.next, 2)
    expect(second.customers.map((c) => c.personId)).toEqual(['c:id:c'])
    expect(second.next).toBeNull()

    const moment = {
      personId: 'c:id:b',
      type: 'customer.lapsed' as const,
      occurrence: '2026-01-05',
    }
    expect(await ledger.recordMoments([moment], START)).toBe(1)
    expect(await ledger.recordMoments([moment], START + DAY)).toBe(0)
    const again = await ledger.momentScanPage(site, 'c:id:a', 1)
    expect(again.customers[0]!.recorded).toEqual([
      { type: 'customer.lapsed', occurrence: '2026-01-05' },
    ])
  })

  it("erases a customer's moment state with the customer", async () => {
    const { site, ledger } = testLedger()
    await ledger.storeServerOrders(site, [reported('a1', START, 'c:id:a')], 'server', START)
    await ledger.recordMoments(
      [{ personId: 'c:id:a', type: 'customer.lapsed', occurrence: '2026-01-05' }],
      START,
    )
    await ledger.eraseSubject(site, { customerPerson: 'c:id:a' })
    expect(await ledgerRows(ledger, 'SELECT * FROM person_moments')).toEqual([])
  })
})
