import { env } from 'cloudflare:test'
import { beforeAll, describe, expect, it } from 'vitest'
import { expectAgreement } from './agreement'
import { batch, expectDerivedExact, ledgerRows, testLedger, type LedgerStub } from './ledger'
import { generateHistory, HISTORY_RULE } from './ledger-history'
import { midnightOf, referenceMetrics, type LogEntry } from './metrics-reference'
import { writeOldSchema, type OldCounters } from './old-schema'
import { customerMetricsFromPartial, reportFromPartial } from '../src/metrics/partials'
import type { CopyCursor, LedgerSite } from '../src/ledger/client'
import { countInD1 } from '../src/ledger/import-d1'

const TIME_ZONE = 'Europe/Berlin'

/** Runs a copy to the end, a few pages a call, the way `storage migrate` drives it. */
async function copyAll(
  ledger: LedgerStub,
  site: LedgerSite,
  options: { pageSize: number; maxPages: number },
): Promise<Record<string, number>> {
  const inserted: Record<string, number> = {}
  let cursor: CopyCursor | null = null
  let calls = 0
  do {
    const progress = await ledger.copyFromD1(site, cursor, options)
    for (const [table, count] of Object.entries(progress.inserted))
      inserted[table] = (inserted[table] ?? 0) + count
    cursor = progress.cursor
    if (++calls > 10_000) throw new Error('the copy does not end')
  } while (cursor)
  return inserted
}

describe('copying a site from the old D1 tables into its ledger', () => {
  const start = Date.parse('2026-01-05T15:00:00Z')
  const rangeEnd = midnightOf('2026-04-01', TIME_ZONE)
  const { site, ledger } = testLedger({ timeZone: TIME_ZONE, lapseDays: 45 })
  let log: LogEntry[]
  let counters: Map<string, OldCounters>
  let firstCopy: Record<string, number>

  beforeAll(async () => {
    log = generateHistory({
      seed: 77,
      start,
      spanDays: 120,
      rangeEnd,
      timeZone: TIME_ZONE,
      visitors: 60,
    })
    // A few rows from before D1 stored local days (migration 0003): the copy gives them theirs.
    const someIds = log.flatMap((entry) =>
      entry.kind === 'events'
        ? [entry.visitId, ...entry.events.flatMap((e) => (e.orderId ? [e.orderId] : []))]
        : [],
    )
    counters = await writeOldSchema(
      site.id,
      log,
      site,
      new Set(someIds.filter((_, index) => index % 9 === 0)),
    )
    await env.DB.batch([
      env.DB.prepare(
        "INSERT INTO bot_requests (site_id, day, events, decides) VALUES (?1, '2026-02-01', 3, 4)",
      ).bind(site.id),
      env.DB.prepare(
        "INSERT INTO webhook_deliveries (site_id, signature, received_at) VALUES (?1, 'sig-a', 1)",
      ).bind(site.id),
      env.DB.prepare(
        "INSERT INTO offer_redemptions (site_id, code, holder, rule_id, order_id, redeemed_at) VALUES (?1, 'SPRING5', 'visitor:visitor-1', 'r', NULL, 1)",
      ).bind(site.id),
      // Another site's rows are never copied.
      env.DB.prepare(
        "INSERT INTO visitors (site_id, visitor_id, first_seen_at, last_seen_at, person_id) VALUES ('some-other-site', 'visitor-1', 1, 1, 'visitor-1')",
      ),
    ])
    firstCopy = await copyAll(ledger, site, { pageSize: 7, maxPages: 5 })
  }, 120_000)

  it('copies every row of the site once, and the counts agree with D1', async () => {
    const inD1 = await countInD1(env.DB, site.id)
    expect(firstCopy).toEqual(inD1)
    const counts = await ledger.counts()
    for (const [table, count] of Object.entries(inD1))
      expect(counts[table as keyof typeof counts], table).toBe(count)
    expect(counts.visitors).toBeGreaterThan(50)
    expect(counts.people).toBe(new Set([...counters.values()].map((c) => c.personId)).size)
  })

  it("answers every visitor's profile with the counters the old schema kept", async () => {
    for (const [visitorId, old] of counters) {
      const { state } = await ledger.decideContext(site, {
        visitorId,
        visitId: 'after-the-copy',
        withExposureTimes: false,
        now: rangeEnd,
      })
      expect(state, visitorId).toMatchObject({
        personId: old.personId,
        visits: old.visits,
        orders: old.orders,
        purchaseVisits: old.purchaseVisits,
        revenueMicros: old.revenueMicros,
        lastPurchaseAt: old.lastPurchaseAt,
      })
    }
  })

  it('gives the metrics the independent reference computes from the same log', async () => {
    const reference = (from: string, to: string) =>
      referenceMetrics(log, { currency: 'USD', timeZone: TIME_ZONE, lapseDays: 45 }, from, to, [
        HISTORY_RULE,
      ])
    for (const [from, to] of [
      ['2026-01-01', '2026-07-31'],
      ['2026-02-01', '2026-03-02'],
      ['2026-03-20', '2026-03-31'],
    ] as const) {
      const partial = await ledger.metrics(site, from, to)
      const expected = {
        ...reference(from, to),
        botsFiltered:
          from <= '2026-02-01' && to >= '2026-02-01'
            ? { events: 3, decides: 4 }
            : { events: 0, decides: 0 },
      }
      expectAgreement(reportFromPartial(site, from, to, partial, [HISTORY_RULE]), expected)
    }
    expectAgreement(
      customerMetricsFromPartial(await ledger.customerMetrics(site, '2026-02-28', '2026-02-28')),
      reference('2026-02-28', '2026-02-28').customers,
    )
    await expectDerivedExact(ledger, site)
  })

  it('copies nothing new when run again, or twice at once, and keeps everything exact', async () => {
    const before = await ledger.counts()
    const [again, concurrent] = await Promise.all([
      copyAll(ledger, site, { pageSize: 50, maxPages: 3 }),
      copyAll(ledger, site, { pageSize: 11, maxPages: 100 }),
    ])
    expect(Object.values(again).every((count) => count === 0)).toBe(true)
    expect(Object.values(concurrent).every((count) => count === 0)).toBe(true)
    expect(await ledger.counts()).toEqual(before)
    await expectDerivedExact(ledger, site)
  })
})

describe('a copy run again after an erase', () => {
  it('brings nothing back: once a copy ran to its end, D1 is not read again', async () => {
    const { site, ledger } = testLedger()
    const day = Date.parse('2026-05-01T10:00:00Z')
    const log: LogEntry[] = [
      {
        at: day,
        kind: 'events',
        visitorId: 'gone',
        visitId: 'g-1',
        events: [{ id: 'g1', type: 'purchase', orderId: 'og', revenue: 10, currency: 'USD' }],
      },
      {
        at: day,
        kind: 'events',
        visitorId: 'kept',
        visitId: 'k-1',
        events: [{ id: 'k1', type: 'visit' }],
      },
    ]
    await writeOldSchema(site.id, log, site)
    await copyAll(ledger, site, { pageSize: 100, maxPages: 10 })
    expect((await ledger.counts()).visitors).toBe(2)
    await ledger.eraseSubject(site, { visitorId: 'gone' })
    const again = await copyAll(ledger, site, { pageSize: 100, maxPages: 10 })
    expect(again).toEqual({})
    const counts = await ledger.counts()
    expect([counts.visitors, counts.orders]).toEqual([1, 0])
  })
})

describe('a copy into an object that already took new writes', () => {
  it('keeps them, and counts both histories together', async () => {
    const { site, ledger } = testLedger()
    const day = Date.parse('2026-05-01T10:00:00Z')
    const log: LogEntry[] = [
      {
        at: day,
        kind: 'events',
        visitorId: 'v',
        visitId: 'old-1',
        events: [{ id: 'e1', type: 'purchase', orderId: 'o1', revenue: 10, currency: 'USD' }],
      },
      {
        at: day + 86_400_000,
        kind: 'events',
        visitorId: 'v',
        visitId: 'old-2',
        events: [
          { id: 'e2', type: 'visit' },
          { id: 'e3', type: 'identify', customerId: 'ana', signature: 'signed' },
        ],
      },
    ]
    await writeOldSchema(site.id, log, site)
    // Since the switch, the same browser bought again, and a new one signed in as the customer.
    const later = day + 2 * 86_400_000
    await ledger.recordBatch(
      site,
      batch(
        'v',
        'new-1',
        [{ type: 'visit' }, { type: 'purchase', orderId: 'o2', revenue: 5 }],
        later,
      ),
    )
    await ledger.recordBatch(
      site,
      batch('tablet', 't1', [{ id: 'i-t', type: 'identify', customerId: 'ana' }], later, {
        identities: { 'i-t': { customerKey: 'id:ana', verified: true } },
        signedPerson: 'c:id:ana',
      }),
    )
    await copyAll(ledger, site, { pageSize: 100, maxPages: 100 })
    expect(
      await ledgerRows(ledger, 'SELECT visitor_id, person_id FROM visitors ORDER BY visitor_id'),
    ).toEqual([
      { visitor_id: 'tablet', person_id: 'c:id:ana' },
      { visitor_id: 'v', person_id: 'c:id:ana' },
    ])
    const { state } = await ledger.decideContext(site, {
      visitorId: 'tablet',
      visitId: 'next',
      withExposureTimes: false,
      now: later + 1,
    })
    expect(state).toMatchObject({
      visits: 4,
      orders: 2,
      purchaseVisits: 2,
      revenueMicros: 15_000_000,
    })
    await expectDerivedExact(ledger, site)
  })
})
