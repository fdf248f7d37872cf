import type { Profile } from '@stammis/contract'
import { describe, expect, it } from 'vitest'
import { completeEvents, historyCases } from '../../test/golden-cases'
import {
  batch,
  expectDerivedExact,
  ledgerRows,
  testLedger,
  type LedgerStub,
} from '../../test/ledger'
import { toProfile } from '../segments/classify'
import type { LedgerSite, RecordBatchResult } from './client'
import { MAX_VISITORS_PER_CUSTOMER } from './visitors'

type Answer = Partial<Profile> & { accepted?: number; duplicates?: number }
const NOW = Date.parse('2026-05-04T10:00:00Z')
const MINUTE = 60_000

function recorded(result: RecordBatchResult): Extract<RecordBatchResult, { ok: true }> {
  if (!result.ok) throw new Error(`refused: ${result.reason}`)
  return result
}

async function profileAt(
  ledger: LedgerStub,
  site: LedgerSite,
  visitorId: string,
  visitId: string,
  now: number,
): Promise<Profile> {
  const context = await ledger.decideContext(site, {
    visitorId,
    visitId,
    withExposureTimes: false,
    now,
  })
  return toProfile(visitorId, context.state, now, site.lapseDays)
}

describe('recordBatch and decideContext replay the golden classification cases', () => {
  it.each(historyCases)('%s', async (_name, steps, expected) => {
    const { site, ledger } = testLedger()
    const visitorId = 'golden-visitor'
    const answers: Answer[] = []
    let now = NOW
    for (const step of completeEvents(steps)) {
      now += MINUTE
      if ('decide' in step) {
        answers.push(await profileAt(ledger, site, visitorId, step.decide, now))
        continue
      }
      const result = recorded(
        await ledger.recordBatch(site, batch(visitorId, step.visit, step.events as never, now)),
      )
      answers.push({
        ...toProfile(visitorId, result.state, now, site.lapseDays),
        accepted: result.accepted,
        duplicates: result.duplicates,
      })
    }
    expected.forEach((expectation, index) =>
      expect(answers[index], `step ${index}`).toMatchObject(expectation),
    )
    await expectDerivedExact(ledger, site)
  })
})

describe('recordBatch stores each fact once', () => {
  it('counts a retried batch and concurrent copies of it once', async () => {
    const { site, ledger } = testLedger()
    const first = batch(
      'v1',
      's1',
      [
        { type: 'visit', url: 'https://shop.example/' },
        { type: 'purchase', orderId: 'A-1', revenue: 20 },
        { type: 'purchase', orderId: 'A-2', revenue: 5.5 },
      ],
      NOW,
    )
    const answers = await Promise.all([
      ledger.recordBatch(site, first),
      ledger.recordBatch(site, first),
      ledger.recordBatch(site, { ...first, now: NOW + 1 }),
    ])
    expect(answers.map((answer) => recorded(answer).accepted).sort()).toEqual([0, 0, 3])
    const later = recorded(
      await ledger.recordBatch(site, batch('v1', 's2', [{ type: 'visit' }], NOW + MINUTE)),
    )
    expect(toProfile('v1', later.state, NOW + MINUTE, 90)).toMatchObject({
      segment: 'returning',
      visits: 2,
      orders: 2,
      purchaseVisits: 1,
      revenue: 25.5,
    })
    expect(await ledgerRows(ledger, 'SELECT count(*) AS n FROM orders')).toEqual([{ n: 2 }])
    expect(
      await ledgerRows(
        ledger,
        'SELECT segment, visits, converted_visits, orders, revenue_micros FROM daily_segment_stats ORDER BY segment',
      ),
    ).toEqual([
      { segment: 'returning', visits: 1, converted_visits: 0, orders: 0, revenue_micros: 0 },
      { segment: 'shopper', visits: 1, converted_visits: 1, orders: 2, revenue_micros: 25_500_000 },
    ])
    await expectDerivedExact(ledger, site)
  })

  it('stores what an identify says without its customer id or signature', async () => {
    const { site, ledger } = testLedger()
    const signed = batch(
      'v1',
      's1',
      [{ id: 'i1', type: 'identify', customerId: 'ana@example.com', signature: 'ab'.repeat(32) }],
      NOW,
      { identities: { i1: { customerKey: 'h_0123456789abcdef0123456789abcdef', verified: true } } },
    )
    recorded(await ledger.recordBatch(site, signed))
    const [event] = await ledgerRows<{ data: string }>(ledger, 'SELECT data FROM events')
    expect(JSON.parse(event!.data)).toEqual({
      customerKey: 'h_0123456789abcdef0123456789abcdef',
      verified: true,
    })
  })
})

describe('the daily write quota, counted by what is stored', () => {
  const pageviews = (count: number) =>
    Array.from({ length: count }, () => ({
      type: 'pageview' as const,
      url: 'https://shop.example/',
    }))

  it('passes the batch that fills it exactly, refuses the next whole, and stores nothing for it', async () => {
    const { site, ledger } = testLedger({ dailyWriteQuota: 5 })
    recorded(await ledger.recordBatch(site, batch('v1', 's1', pageviews(3), NOW)))
    recorded(await ledger.recordBatch(site, batch('v1', 's1', pageviews(2), NOW)))
    const refused = await ledger.recordBatch(site, batch('v2', 's9', pageviews(1), NOW))
    expect(refused).toEqual({ ok: false, reason: 'quota_exceeded', quota: { quota: 5, used: 5 } })
    expect(await ledgerRows(ledger, 'SELECT count(*) AS n FROM events')).toEqual([{ n: 5 }])
    expect(await ledgerRows(ledger, 'SELECT visitor_id FROM visitors')).toEqual([
      { visitor_id: 'v1' },
    ])
    // The next UTC day starts from zero.
    recorded(await ledger.recordBatch(site, batch('v1', 's1', pageviews(5), NOW + 86_400_000)))
  })

  it('counts a retried batch nothing', async () => {
    const { site, ledger } = testLedger()
    const three = batch('v1', 's1', pageviews(3), NOW)
    recorded(await ledger.recordBatch(site, three))
    expect(recorded(await ledger.recordBatch(site, three)).duplicates).toBe(3)
    const context = await ledger.decideContext(site, {
      visitorId: 'v1',
      visitId: 's1',
      withExposureTimes: false,
      now: NOW,
    })
    expect(context.quota).toEqual({ quota: 100_000, used: 3 })
  })

  it('refuses a batch that could pass the quota even if some of it would be duplicates', async () => {
    const { site, ledger } = testLedger({ dailyWriteQuota: 4 })
    const three = batch('v1', 's1', pageviews(3), NOW)
    recorded(await ledger.recordBatch(site, three))
    expect(
      (
        await ledger.recordBatch(site, {
          ...three,
          events: [
            ...three.events,
            ...batch('v1', 's1', pageviews(1), NOW).events,
            ...batch('v1', 's1', pageviews(1), NOW).events,
          ],
        })
      ).ok,
    ).toBe(false)
    expect(
      (
        await ledger.decideContext(site, {
          visitorId: 'v1',
          visitId: 's1',
          withExposureTimes: false,
          now: NOW,
        })
      ).quota,
    ).toEqual({ quota: 4, used: 3 })
  })

  it('records exposures only while they fit, and counts each (rule, visitor) once', async () => {
    const { site, ledger } = testLedger({ dailyWriteQuota: 3 })
    const exposure = (ruleId: string, visitId: string) => ({
      ruleId,
      visitorId: 'v1',
      visitId,
      variant: 'treatment' as const,
      rulesetVersion: 1,
      offerCode: null,
    })
    expect(
      await ledger.recordExposures(site, [exposure('a', 's1'), exposure('b', 's1')], NOW),
    ).toBe(2)
    // The same rule again in a new visit updates its row and stores no new one.
    expect(await ledger.recordExposures(site, [exposure('a', 's2')], NOW)).toBe(1)
    expect(
      await ledgerRows(ledger, "SELECT visits_exposed FROM exposures WHERE rule_id = 'a'"),
    ).toEqual([{ visits_exposed: 2 }])
    // Two more could pass the quota (2 of 3 used): none is recorded.
    expect(
      await ledger.recordExposures(site, [exposure('c', 's2'), exposure('d', 's2')], NOW),
    ).toBe(0)
    expect(await ledgerRows(ledger, 'SELECT count(*) AS n FROM exposures')).toEqual([{ n: 2 }])
  })
})

describe('signed identities', () => {
  const identify = (id: string, customerKey: string) =>
    ({ id, type: 'identify', customerId: customerKey, signature: 'ab'.repeat(32) }) as const

  async function signIn(
    ledger: LedgerStub,
    site: LedgerSite,
    visitorId: string,
    visitId: string,
    customer: string,
    now: number,
  ) {
    const id = `identify-${visitorId}-${visitId}-${now}`
    return recorded(
      await ledger.recordBatch(
        site,
        batch(visitorId, visitId, [{ type: 'visit' }, identify(id, customer)], now, {
          identities: { [id]: { customerKey: `id:${customer}`, verified: true } },
          signedPerson: `c:id:${customer}`,
        }),
      ),
    )
  }

  it("links a browser to the customer: its visit starts in the customer's segment, both histories merge", async () => {
    const { site, ledger } = testLedger()
    for (const [visitId, at] of [
      ['p1', NOW],
      ['p2', NOW + 86_400_000],
    ] as const)
      recorded(
        await ledger.recordBatch(
          site,
          batch(
            'phone',
            visitId,
            [{ type: 'visit' }, { type: 'purchase', orderId: `o-${visitId}`, revenue: 10 }],
            at,
          ),
        ),
      )
    await signIn(ledger, site, 'phone', 'p3', 'ana', NOW + 2 * 86_400_000)
    const laptop = await signIn(ledger, site, 'laptop', 'l1', 'ana', NOW + 3 * 86_400_000)
    expect(laptop.visitorId).toBe('laptop')
    expect(toProfile('laptop', laptop.state, NOW, 90)).toMatchObject({
      segment: 'repeat',
      orders: 2,
      visits: 4,
    })
    expect(
      await ledgerRows(ledger, "SELECT segment FROM visits WHERE visitor_id = 'laptop'"),
    ).toEqual([{ segment: 'repeat' }])
    expect(await ledgerRows(ledger, 'SELECT person_id FROM people ORDER BY person_id')).toEqual([
      { person_id: 'c:id:ana' },
    ])
    expect(
      await ledgerRows(
        ledger,
        'SELECT DISTINCT person_id FROM orders UNION SELECT DISTINCT person_id FROM visits',
      ),
    ).toEqual([{ person_id: 'c:id:ana' }])
    await expectDerivedExact(ledger, site)
  })

  it('records an unsigned identify and links nothing', async () => {
    const { site, ledger } = testLedger()
    const result = recorded(
      await ledger.recordBatch(
        site,
        batch('v1', 's1', [{ id: 'i1', type: 'identify', customerId: 'ana' }], NOW, {
          identities: { i1: { customerKey: 'id:ana', verified: false } },
        }),
      ),
    )
    expect(result.state.personId).toBe('v1')
  })

  it('gives a shared computer a fresh visitor id for its second customer, never mixing histories', async () => {
    const { site, ledger } = testLedger()
    await signIn(ledger, site, 'shared', 's1', 'alice', NOW)
    recorded(
      await ledger.recordBatch(
        site,
        batch('shared', 's1', [{ type: 'purchase', orderId: 'alice-1', revenue: 30 }], NOW + 1),
      ),
    )
    const bob = await signIn(ledger, site, 'shared', 's2', 'bob', NOW + 86_400_000)
    expect(bob.isSwitched).toBe(true)
    expect(bob.visitorId).not.toBe('shared')
    expect(bob.state).toMatchObject({ personId: 'c:id:bob', orders: 0 })
    expect(
      await ledgerRows(ledger, 'SELECT person_id FROM visitors WHERE visitor_id = ?1', 'shared'),
    ).toEqual([{ person_id: 'c:id:alice' }])
    // The batch itself was stored, for the first customer's visitor.
    expect(
      await ledgerRows(ledger, "SELECT count(*) AS n FROM events WHERE visitor_id = 'shared'"),
    ).toEqual([{ n: 5 }])
    await expectDerivedExact(ledger, site)
  })

  it(`links at most ${MAX_VISITORS_PER_CUSTOMER} browsers to one customer; the next stays its own person`, async () => {
    const { site, ledger } = testLedger()
    for (let n = 0; n < MAX_VISITORS_PER_CUSTOMER; n++)
      expect((await signIn(ledger, site, `b${n}`, 's', 'popular', NOW + n)).state.personId).toBe(
        'c:id:popular',
      )
    const over = await signIn(ledger, site, 'one-too-many', 's', 'popular', NOW + 100)
    expect(over.state.personId).toBe('one-too-many')
    expect(
      await ledgerRows(
        ledger,
        "SELECT count(*) AS n FROM visitors WHERE person_id = 'c:id:popular'",
      ),
    ).toEqual([{ n: MAX_VISITORS_PER_CUSTOMER }])
    await expectDerivedExact(ledger, site)
  })
})

describe('the derived-state check used across these tests', () => {
  it('fails on a counter or rollup that disagrees with the facts', async () => {
    const { site, ledger } = testLedger()
    recorded(
      await ledger.recordBatch(
        site,
        batch('v1', 's1', [{ type: 'purchase', orderId: 'o1', revenue: 3 }], NOW),
      ),
    )
    await expectDerivedExact(ledger, site)
    await ledgerRows(ledger, "UPDATE people SET orders = 2 WHERE person_id = 'v1'")
    await expect(expectDerivedExact(ledger, site)).rejects.toThrow(/people/)
    await ledgerRows(ledger, "UPDATE people SET orders = 1 WHERE person_id = 'v1'")
    await ledgerRows(ledger, 'UPDATE daily_customers SET first_orders = 0')
    await expect(expectDerivedExact(ledger, site)).rejects.toThrow(/daily_customers/)
  })
})
