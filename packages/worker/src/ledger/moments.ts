import { isCustomerPerson } from '../identity/customer-key'
import { DAY_MS } from '../lib/days'
import { localDay } from '../lib/time-zone'
import { COUNTED_ORDER, rows, type Sql } from './sql'
import type { LedgerSite, MomentScanPage, PersonMoment, PurchaseTransition } from './types'

// Lifecycle moments in the ledger: the segment transitions a purchase causes (reported by
// recordBatch and storeServerOrders), the customers the daily scan reads, and the per-person
// moment state it keeps (`person_moments`, schema step 3).

/** A person's counters that transitions are read from. */
export type PurchaseCounters = { purchaseVisits: number; lastPurchaseAt: number | null }

/**
 * The counters of the customer persons among `personIds` as they are now (a person without a row
 * has none): taken before a write, compared after it by `purchaseTransitions`.
 * @example const before = countersOf(sql, ['c:id:cust-42'])
 */
export function countersOf(sql: Sql, personIds: Iterable<string>): Map<string, PurchaseCounters> {
  const counters = new Map<string, PurchaseCounters>()
  for (const personId of personIds) {
    if (!isCustomerPerson(personId) || counters.has(personId)) continue
    const [row] = rows<{ purchase_visits: number; last_purchase_at: number | null }>(
      sql,
      'SELECT purchase_visits, last_purchase_at FROM people WHERE person_id = ?1',
      personId,
    )
    counters.set(personId, {
      purchaseVisits: row?.purchase_visits ?? 0,
      lastPurchaseAt: row?.last_purchase_at ?? null,
    })
  }
  return counters
}

/**
 * The moments a write caused, from each customer's counters before it and now: the first and
 * second counted purchase visit (became returning, became repeat: once per customer, so their
 * occurrence is fixed), and a counted purchase more than the lapse window after the one before
 * (won back: once per day of the winning purchase).
 * @example purchaseTransitions(sql, site, before) // [{ personId: 'c:id:cust-42', type: 'customer.became_repeat', ... }]
 */
export function purchaseTransitions(
  sql: Sql,
  site: Pick<LedgerSite, 'lapseDays' | 'timeZone'>,
  before: Map<string, PurchaseCounters>,
): PurchaseTransition[] {
  const transitions: PurchaseTransition[] = []
  const now = countersOf(sql, before.keys())
  for (const [personId, was] of before) {
    const is = now.get(personId)!
    const iso = (time: number | null) => (time === null ? null : new Date(time).toISOString())
    const data = { purchaseVisits: is.purchaseVisits, lastPurchaseAt: iso(is.lastPurchaseAt) }
    if (was.purchaseVisits < 1 && is.purchaseVisits >= 1)
      transitions.push({
        personId,
        type: 'customer.became_returning',
        occurrence: 'returning',
        data,
      })
    if (was.purchaseVisits < 2 && is.purchaseVisits >= 2)
      transitions.push({ personId, type: 'customer.became_repeat', occurrence: 'repeat', data })
    const isLaterPurchase =
      was.lastPurchaseAt !== null &&
      is.lastPurchaseAt !== null &&
      is.lastPurchaseAt > was.lastPurchaseAt
    if (isLaterPurchase && is.lastPurchaseAt! - was.lastPurchaseAt! > site.lapseDays * DAY_MS)
      transitions.push({
        personId,
        type: 'customer.won_back',
        occurrence: localDay(is.lastPurchaseAt!, site.timeZone),
        data: {
          ...data,
          previousPurchaseAt: iso(was.lastPurchaseAt),
          daysSincePreviousPurchase: Math.floor(
            (is.lastPurchaseAt! - was.lastPurchaseAt!) / DAY_MS,
          ),
          lapseDays: site.lapseDays,
        },
      })
  }
  return transitions
}

/**
 * One page of the daily scan: customers (persons `c:…` with a counted purchase) after `after` in
 * person-id order, each with their counted purchase days (revenue in the site's currency, micro-
 * units, summed per local day) and the moments already recorded for them. `next` is the last
 * person of the page, or null when there are no more.
 * @example let page = momentScanPage(sql, site, null, 200); while (page.next) page = momentScanPage(sql, site, page.next, 200)
 */
export function momentScanPage(
  sql: Sql,
  site: Pick<LedgerSite, 'currency' | 'trustBrowserPurchases'>,
  after: string | null,
  limit: number,
): MomentScanPage {
  // Customer person ids all start with 'c:'; ';' is the character after ':'.
  const people = rows<{ person_id: string; last_purchase_at: number }>(
    sql,
    `SELECT person_id, last_purchase_at FROM people
     WHERE person_id > ?1 AND person_id < 'c;' AND purchase_visits > 0 AND last_purchase_at IS NOT NULL
     ORDER BY person_id LIMIT ?2`,
    after ?? 'c:',
    limit,
  )
  if (people.length === 0) return { customers: [], next: null }
  const last = people[people.length - 1]!.person_id
  const range = [after ?? 'c:', last] as const
  const days = rows<{ person_id: string; day: string; revenue_micros: number }>(
    sql,
    `SELECT person_id, day, total(CASE WHEN currency = ?4 THEN revenue_micros ELSE 0 END) AS revenue_micros
     FROM orders WHERE person_id > ?1 AND person_id <= ?2 AND ${COUNTED_ORDER}
     GROUP BY person_id, day ORDER BY person_id, day`,
    ...range,
    site.trustBrowserPurchases ? 1 : 0,
    site.currency,
  )
  const recorded = rows<{ person_id: string; moment: string; occurrence: string }>(
    sql,
    'SELECT person_id, moment, occurrence FROM person_moments WHERE person_id > ?1 AND person_id <= ?2',
    ...range,
  )
  const customers = people.map((person) => ({
    personId: person.person_id,
    lastPurchaseAt: person.last_purchase_at,
    days: [] as { day: string; revenueMicros: number }[],
    recorded: [] as { type: string; occurrence: string }[],
  }))
  const byId = new Map(customers.map((customer) => [customer.personId, customer]))
  for (const row of days)
    byId.get(row.person_id)?.days.push({ day: row.day, revenueMicros: row.revenue_micros })
  for (const row of recorded)
    byId.get(row.person_id)?.recorded.push({ type: row.moment, occurrence: row.occurrence })
  return { customers, next: people.length < limit ? null : last }
}

/**
 * Records moments handed to delivery; answers how many were new (a moment recorded before is
 * left as it was).
 * @example recordMoments(sql, [{ personId: 'c:id:cust-42', type: 'customer.lapsed', occurrence: '2026-08-01' }], now)
 */
export function recordMoments(sql: Sql, moments: readonly PersonMoment[], now: number): number {
  let added = 0
  for (const moment of moments) {
    sql.exec(
      'INSERT OR IGNORE INTO person_moments (person_id, moment, occurrence, at) VALUES (?1, ?2, ?3, ?4)',
      moment.personId,
      moment.type,
      moment.occurrence,
      now,
    )
    added += sql.exec<{ n: number }>('SELECT changes() AS n').one().n
  }
  return added
}
