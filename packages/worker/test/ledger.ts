import { env, runInDurableObject } from 'cloudflare:test'
import type { StammisEvent } from '@stammis/contract'
import { expect } from 'vitest'
import {
  ledgerFor as ledgerOf,
  ledgerSite,
  type BrowserBatch,
  type LedgerServerOrder,
  type LedgerSite,
} from '../src/ledger/client'
import type { SiteLedger } from '../src/ledger/object'
import { rebuildFromFacts } from '../src/ledger/rebuild'
import { findSiteById } from '../src/sites/queries'

/** A ledger stub as the worker holds one. */
export type LedgerStub = DurableObjectStub<SiteLedger>

/** The ledger of a site id, as `ledgerFor` reaches it in the worker. */
export function ledgerFor(siteId: string): LedgerStub {
  return ledgerOf(env, siteId)
}

let counter = 0

/**
 * A fresh site's ledger (its own object): tests never see each other's data. No D1 row exists
 * for the site unless the test writes one.
 * @example const { site, ledger } = testLedger({ timeZone: 'Europe/Berlin' })
 */
export function testLedger(options: Partial<LedgerSite> = {}): {
  site: LedgerSite
  ledger: LedgerStub
} {
  const site = ledgerSite({
    id: `ledger-site-${Date.now().toString(36)}-${++counter}`,
    currency: 'USD',
    timeZone: 'UTC',
    lapseDays: 90,
    trustBrowserPurchases: true,
    dailyWriteQuota: null,
    ...options,
  })
  return { site, ledger: ledgerOf(env, site.id) }
}

/**
 * Runs SQL inside the object and returns its rows: how tests look at the ledger's tables.
 * @example await ledgerRows(ledger, 'SELECT * FROM people WHERE person_id = ?1', 'v1')
 */
export async function ledgerRows<T = Record<string, unknown>>(
  ledger: LedgerStub,
  query: string,
  ...params: SqlStorageValue[]
): Promise<T[]> {
  return runInDurableObject(
    ledger,
    (_instance, state) => state.storage.sql.exec(query, ...params).toArray() as T[],
  )
}

/** The object's own tables (not SQLite's, not the platform's). */
export async function ledgerTables(ledger: LedgerStub): Promise<string[]> {
  const found = await ledgerRows<{ name: string }>(
    ledger,
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' ORDER BY name",
  )
  return found.map((row) => row.name)
}

/** Tables whose derived rows `expectDerivedExact` compares: counters and every rollup. */
const DERIVED = {
  people: 'SELECT * FROM people ORDER BY person_id',
  orders:
    'SELECT order_id, person_id, previous_order_at, purchase_visit, purchase_gap, cohort_month FROM orders ORDER BY order_id',
  visits: 'SELECT visitor_id, visit_id, person_id FROM visits ORDER BY visitor_id, visit_id',
  daily_segment_stats:
    'SELECT day, segment, visits, converted_visits, orders, revenue_micros FROM daily_segment_stats WHERE visits <> 0 OR orders <> 0 OR converted_visits <> 0 ORDER BY day, segment',
  daily_segment_visitors:
    'SELECT visitor_id, segment, day, previous_day FROM daily_segment_visitors ORDER BY visitor_id, segment, day',
  daily_customers:
    'SELECT * FROM daily_customers WHERE first_orders <> 0 OR second_visits <> 0 OR revenue_micros <> 0 ORDER BY day',
  purchase_gap_days: 'SELECT * FROM purchase_gap_days WHERE gaps <> 0 ORDER BY days',
  cohort_months: 'SELECT * FROM cohort_months WHERE customers <> 0 ORDER BY cohort, month',
  exposures:
    'SELECT rule_id, visitor_id, week_orders, week_revenue_micros, week_discount_micros FROM exposures ORDER BY rule_id, visitor_id',
}

/**
 * What the operations kept incrementally must equal what a rebuild from the facts alone gives:
 * counters, the customer columns of orders and every rollup (rows of zeroes left behind by
 * decrements are ignored).
 * @example await expectDerivedExact(ledger, site)
 */
export async function expectDerivedExact(ledger: LedgerStub, site: LedgerSite): Promise<void> {
  const { kept, rebuilt } = await runInDurableObject(ledger, (_instance, state) => {
    const snapshot = () =>
      Object.fromEntries(
        Object.entries(DERIVED).map(([table, query]) => [
          table,
          state.storage.sql.exec(query).toArray(),
        ]),
      )
    const before = snapshot()
    let after: ReturnType<typeof snapshot> = {}
    // Kept by its trigger alone (never rebuilt): compared with the visits it comes from.
    const visitorDays = state.storage.sql
      .exec(
        `SELECT visitor_id, segment, day, lag(day) OVER (PARTITION BY visitor_id, segment ORDER BY day) AS previous_day
         FROM (SELECT DISTINCT visitor_id, segment, day FROM visits WHERE tracked = 1 AND day IS NOT NULL)
         ORDER BY visitor_id, segment, day`,
      )
      .toArray()
    // Rebuilt inside a transaction that is then rolled back: the test leaves the object as it was.
    try {
      state.storage.transactionSync(() => {
        rebuildFromFacts(state.storage.sql, site)
        after = { ...snapshot(), daily_segment_visitors: visitorDays }
        throw new RollBack()
      })
    } catch (error) {
      if (!(error instanceof RollBack)) throw error
    }
    return { kept: before, rebuilt: after }
  })
  for (const table of Object.keys(DERIVED)) expect(kept[table], table).toEqual(rebuilt[table])
}

class RollBack extends Error {}

/**
 * The person of a customer the shop identifies by its own id (`c:id:<id>`, as
 * `identity/customer-key.ts` stores it).
 * @example customerPerson('ana') // 'c:id:ana'
 */
export const customerPerson = (customerId: string): string => `c:id:${customerId}`

/**
 * An order as the shop's server reports it: no visitor and no customer, 0 USD, unless `fields`
 * says otherwise; `customer` is the id the shop gives (its person is `c:id:<customer>`).
 * @example serverOrder('1001', NOW, { customer: 'ana', revenueMicros: 120_000_000 })
 */
export function serverOrder(
  orderId: string,
  placedAt: number,
  fields: Partial<LedgerServerOrder> & { customer?: string } = {},
): LedgerServerOrder {
  const { customer, ...given } = fields
  return {
    orderId,
    visitorId: null,
    customerPerson: null,
    revenueMicros: 0,
    discountMicros: null,
    currency: 'USD',
    placedAt,
    ...given,
    ...(customer ? { customerPerson: customerPerson(customer) } : {}),
  }
}

let eventCounter = 0

/**
 * A browser batch with fresh event ids for events given without one.
 * @example await ledger.recordBatch(site, batch('v1', 's1', [{ type: 'visit' }], now))
 */
export function batch(
  visitorId: string,
  visitId: string,
  events: (Partial<StammisEvent> & { type: StammisEvent['type'] })[],
  now: number,
  options: Partial<Pick<BrowserBatch, 'identities' | 'signedPerson'>> = {},
): BrowserBatch {
  return {
    visitorId,
    visitId,
    events: events.map(
      (event) =>
        ({
          ...(event.type === 'purchase' ? { currency: 'USD' } : {}),
          ...event,
          id: event.id ?? `ev-${++eventCounter}`,
        }) as StammisEvent,
    ),
    identities: options.identities ?? {},
    signedPerson: options.signedPerson ?? null,
    now,
  }
}

/**
 * Rows of a query run in a site's ledger, by site id: how tests read history the routes stored.
 * @example await siteRows(site.siteId, 'SELECT * FROM orders WHERE order_id = ?1', 'A-1')
 */
export function siteRows<T = Record<string, unknown>>(
  siteId: string,
  query: string,
  ...params: SqlStorageValue[]
): Promise<T[]> {
  return ledgerRows<T>(ledgerFor(siteId), query, ...params)
}

/**
 * The first row of a query run in a site's ledger, or null.
 * @example await siteRow(site.siteId, "SELECT person_id FROM visitors WHERE visitor_id = 'v'")
 */
export async function siteRow<T = Record<string, unknown>>(
  siteId: string,
  query: string,
  ...params: SqlStorageValue[]
): Promise<T | null> {
  return (await siteRows<T>(siteId, query, ...params))[0] ?? null
}

/**
 * The ledger settings of a site as D1 holds them (what the worker passes on each call).
 * @example await expectDerivedExact(ledgerFor(site.siteId), await ledgerSiteOf(site.siteId))
 */
export async function ledgerSiteOf(siteId: string): Promise<LedgerSite> {
  const site = await findSiteById(env.DB, siteId)
  if (!site) throw new Error(`ledgerSiteOf: no site ${siteId}`)
  return ledgerSite(site)
}
