import type { MetricsReport } from '@stammis/contract'
import { beforeAll, describe, expect, it } from 'vitest'
import { expectAgreement } from './agreement'
import { expectDerivedExact, ledgerRows, testLedger } from './ledger'
import { generateHistory, HISTORY_RULE, replayIntoLedger } from './ledger-history'
import { dayOf, midnightOf, referenceMetrics, type LogEntry } from './metrics-reference'
import { customerMetricsFromPartial, reportFromPartial } from '../src/metrics/partials'

const TIME_ZONE = 'America/New_York'
const DAY = 86_400_000

describe('the ledger metrics partials agree with an independent computation', () => {
  const start = Date.parse('2026-01-05T15:00:00Z')
  const rangeTo = '2026-03-31'
  const rangeEnd = midnightOf('2026-04-01', TIME_ZONE)
  const { site, ledger } = testLedger({ timeZone: TIME_ZONE, lapseDays: 30 })
  let log: LogEntry[]

  beforeAll(async () => {
    log = generateHistory({ seed: 20261123, start, spanDays: 150, rangeEnd, timeZone: TIME_ZONE })
    await replayIntoLedger(ledger, site, log)
  }, 120_000)

  async function report(from: string, to: string): Promise<MetricsReport> {
    return reportFromPartial(site, from, to, await ledger.metrics(site, from, to), [HISTORY_RULE])
  }

  const reference = (from: string, to: string) =>
    referenceMetrics(log, { currency: 'USD', timeZone: TIME_ZONE, lapseDays: 30 }, from, to, [
      HISTORY_RULE,
    ])

  it.each([
    ['the whole history', '2026-01-01', '2026-07-31'],
    ['a quarter ending on the last-second order', '2026-01-01', rangeTo],
    ['thirty days', '2026-02-01', '2026-03-02'],
    ['a range ending mid-month', '2026-02-10', '2026-03-17'],
    [
      'the day after the midnight visit',
      dayOf(start + 21 * DAY, TIME_ZONE),
      dayOf(start + 21 * DAY, TIME_ZONE),
    ],
    ['a range with no data', '2025-06-01', '2025-06-30'],
  ])('%s', async (_name, from, to) => {
    expectAgreement(await report(from, to), reference(from, to))
  })

  it('gives the customer metrics as of any day (the dashboard trend)', async () => {
    for (const day of ['2026-01-31', '2026-02-28', '2026-03-15', '2026-04-30', '2026-06-30']) {
      const partial = await ledger.customerMetrics(site, day, day)
      expectAgreement(customerMetricsFromPartial(partial), reference(day, day).customers, day)
    }
  })

  it('covers the edge cases it claims to, and keeps its rollups exact', async () => {
    expect(dayOf(rangeEnd - 1, TIME_ZONE)).toBe(rangeTo)
    const lastDay = await report(rangeTo, rangeTo)
    expect(lastDay.totals.orders).toBeGreaterThanOrEqual(1)
    expect(lastDay.customers.newInRange).toBeGreaterThanOrEqual(1)
    const whole = await report('2026-01-01', '2026-07-31')
    expect(whole.segments.returning.visits).toBeGreaterThan(0)
    expect(whole.segments.repeat.visits).toBeGreaterThan(0)
    expect(whole.offers[0]!.treatment.exposed).toBeGreaterThan(0)
    expect(whole.offers[0]!.control.exposed).toBeGreaterThan(0)
    expect(whole.cohorts.length).toBeGreaterThan(2)
    expect(whole.customers.medianDaysBetweenPurchases).not.toBeNull()
    // Signed sign-ins merged visitors into customers; unsigned claims merged nothing.
    const linked = await ledgerRows<{ n: number }>(
      ledger,
      "SELECT count(*) AS n FROM visitors WHERE person_id LIKE 'c:%'",
    )
    expect(linked[0]!.n).toBeGreaterThan(2)
    expect(
      await ledgerRows(
        ledger,
        "SELECT count(*) AS n FROM visitors WHERE visitor_id LIKE 'visitor-%7' AND person_id <> visitor_id",
      ),
    ).toEqual([{ n: 0 }])
    await expectDerivedExact(ledger, site)
  })
})

describe('the median gap between purchase visits', () => {
  it('is exact when many gaps share a day bucket and the range ends before some of them', async () => {
    const { site, ledger } = testLedger()
    const day0 = Date.parse('2026-01-01T12:00:00Z')
    // Gaps of 3 days plus 0..9 minutes, and one of 40 days, spread over time.
    const log: LogEntry[] = []
    for (let n = 0; n < 10; n++) {
      const first = day0 + n * 5 * DAY
      for (const [visit, at] of [
        ['a', first],
        ['b', first + 3 * DAY + n * 60_000],
      ] as const)
        log.push({
          at,
          kind: 'events',
          visitorId: `p${n}`,
          visitId: `${visit}${n}`,
          events: [
            {
              id: `${visit}-${n}`,
              type: 'purchase',
              orderId: `o-${visit}-${n}`,
              revenue: 1,
              currency: 'USD',
            },
          ],
        })
    }
    log.push(
      {
        at: day0,
        kind: 'events',
        visitorId: 'slow',
        visitId: 's1',
        events: [
          { id: 'slow-1', type: 'purchase', orderId: 'slow-1', revenue: 1, currency: 'USD' },
        ],
      },
      {
        at: day0 + 40 * DAY,
        kind: 'events',
        visitorId: 'slow',
        visitId: 's2',
        events: [
          { id: 'slow-2', type: 'purchase', orderId: 'slow-2', revenue: 1, currency: 'USD' },
        ],
      },
    )
    log.sort((a, b) => a.at - b.at)
    await replayIntoLedger(ledger, site, log)
    for (const to of ['2026-01-10', '2026-01-20', '2026-02-05', '2026-03-31']) {
      const expected = referenceMetrics(
        log,
        { currency: 'USD', timeZone: 'UTC', lapseDays: 90 },
        '2026-01-01',
        to,
        [],
      )
      const actual = customerMetricsFromPartial(
        await ledger.customerMetrics(site, '2026-01-01', to),
      )
      expect(actual.medianDaysBetweenPurchases, to).toBe(
        expected.customers.medianDaysBetweenPurchases,
      )
    }
  })
})
