import type { StammisEvent } from '@stammis/contract'
import type { LedgerSite } from '../src/ledger/client'
import { customerPerson, type LedgerStub } from './ledger'
import { dayOf, midnightOf, type LogEntry, type LoggedEvent } from './metrics-reference'

const MINUTE = 60_000
const DAY = 86_400_000

/** The rule decide serves in a generated history, held out for half of the visitors. */
export const HISTORY_RULE = 'hero-offer'

/** A seeded generator, so a failure is reproducible. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * A shop's request log, in time order: visitors with one to five visits, page views, purchases
 * (some in EUR, some with discounts, some resent as the same events or under new ids from a later
 * visit), signed sign-ins that merge pairs of visitors into one customer, unsigned claims that
 * merge nothing, decide calls serving a held-out rule, a visit across local midnight and an order
 * in the last millisecond of `rangeEnd`. The metrics reference (metrics-reference.ts) computes
 * every metric from it independently.
 * @example const log = generateHistory({ seed: 7, start, spanDays: 150, rangeEnd, timeZone: 'America/New_York' })
 */
export function generateHistory(options: {
  seed: number
  start: number
  spanDays: number
  rangeEnd: number
  timeZone: string
  visitors?: number
}): LogEntry[] {
  const rand = random(options.seed)
  const log: LogEntry[] = []
  let ids = 0
  const id = (prefix: string) => `${prefix}${++ids}`
  for (let v = 0; v < (options.visitors ?? 70); v++) {
    const visitorId = `visitor-${v}`
    let at = options.start + Math.floor(rand() * options.spanDays * DAY)
    const sentPurchases: Extract<LogEntry, { kind: 'events' }>[] = []
    const visitsCount = 1 + Math.floor(rand() * 5)
    for (let n = 0; n < visitsCount; n++) {
      const visitId = id('visit-')
      // Visitors 3 and 4 of each ten sign in as one customer on their second visit; visitor 7
      // claims that customer without a signature, which must merge nothing.
      const customerId = `customer-${Math.floor(v / 10)}`
      const signIn: LoggedEvent[] =
        n === 1 && v % 10 >= 3 && v % 10 <= 4
          ? [{ id: id('e'), type: 'identify', customerId, signature: 'signed' }]
          : n === 1 && v % 10 === 7
            ? [{ id: id('e'), type: 'identify', customerId }]
            : []
      log.push({
        at,
        kind: 'events',
        visitorId,
        visitId,
        events: [
          { id: id('e'), type: 'visit' },
          ...signIn,
          { id: id('e'), type: 'pageview', url: 'https://shop.example/' },
        ],
      })
      log.push({
        at: at + 1,
        kind: 'decide',
        visitorId,
        visitId,
        ruleId: HISTORY_RULE,
        variant: rand() < 0.5 ? 'treatment' : 'control',
      })
      if (rand() < 0.45) {
        const count = rand() < 0.2 ? 2 : 1
        const purchase: Extract<LogEntry, { kind: 'events' }> = {
          at: at + Math.floor(rand() * 40 * MINUTE) + MINUTE,
          kind: 'events',
          visitorId,
          visitId,
          events: Array.from({ length: count }, () => ({
            id: id('p'),
            type: 'purchase',
            orderId: id('order-'),
            revenue: Math.round(rand() * 20000) / 100,
            currency: rand() < 0.1 ? 'EUR' : 'USD',
            ...(rand() < 0.3 ? { discount: Math.round(rand() * 1000) / 100 } : {}),
          })),
        }
        log.push(purchase)
        sentPurchases.push(purchase)
        // A thank-you page reloaded: the very same events again.
        if (rand() < 0.2) log.push({ ...purchase, at: purchase.at + MINUTE })
      }
      // The same order sent again from a later visit, under new event ids.
      if (n > 0 && sentPurchases.length > 0 && rand() < 0.1) {
        log.push({
          at: at + 2 * MINUTE,
          kind: 'events',
          visitorId,
          visitId,
          events: sentPurchases[0]!.events.map((e) => ({ ...e, id: id('again') })),
        })
      }
      at += Math.floor((0.5 + rand() * 40) * DAY)
    }
  }
  // A visit that begins at 23:55 local time and whose order lands at 00:05 the next day.
  const midnight =
    midnightOf(dayOf(options.start + 20 * DAY, options.timeZone), options.timeZone) + DAY
  log.push(
    {
      at: midnight - 5 * MINUTE,
      kind: 'events',
      visitorId: 'night-owl',
      visitId: 'night',
      events: [{ id: 'night-e1', type: 'visit' }],
    },
    {
      at: midnight + 5 * MINUTE,
      kind: 'events',
      visitorId: 'night-owl',
      visitId: 'night',
      events: [
        {
          id: 'night-p1',
          type: 'purchase',
          orderId: 'night-order',
          revenue: 42.5,
          currency: 'USD',
        },
      ],
    },
    // An order in the very last millisecond of the reported range.
    {
      at: options.rangeEnd - 10 * MINUTE,
      kind: 'events',
      visitorId: 'last-second',
      visitId: 'last',
      events: [{ id: 'last-e1', type: 'visit' }],
    },
    {
      at: options.rangeEnd - 1,
      kind: 'events',
      visitorId: 'last-second',
      visitId: 'last',
      events: [
        { id: 'last-p1', type: 'purchase', orderId: 'last-order', revenue: 10, currency: 'USD' },
      ],
    },
  )
  return log.sort((a, b) => a.at - b.at)
}

/** The person a signed identify of this customer links to, as the identity domain names it. */

/**
 * Sends a log to a ledger the way the events and decide routes would: each batch with the
 * signed identify's person and what each identify stores, each decide's exposure.
 * @example await replayIntoLedger(ledger, site, log)
 */
export async function replayIntoLedger(
  ledger: LedgerStub,
  site: LedgerSite,
  log: LogEntry[],
): Promise<void> {
  for (const entry of log) {
    if (entry.kind === 'decide') {
      if (entry.ruleId && entry.variant)
        await ledger.recordExposures(
          site,
          [
            {
              ruleId: entry.ruleId,
              visitorId: entry.visitorId,
              visitId: entry.visitId,
              variant: entry.variant,
              rulesetVersion: 1,
              offerCode: null,
            },
          ],
          entry.at,
        )
      continue
    }
    const identifies = entry.events.filter((event) => event.type === 'identify')
    const signed = identifies.filter((event) => event.signature !== undefined).at(-1)
    const result = await ledger.recordBatch(site, {
      visitorId: entry.visitorId,
      visitId: entry.visitId,
      events: entry.events as StammisEvent[],
      identities: Object.fromEntries(
        identifies.map((event) => [
          event.id,
          { customerKey: `id:${event.customerId}`, verified: event.signature !== undefined },
        ]),
      ),
      signedPerson: signed ? customerPerson(signed.customerId!) : null,
      now: entry.at,
    })
    if (!result.ok) throw new Error(`the ledger refused a logged batch: ${result.reason}`)
  }
}
