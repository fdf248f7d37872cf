import { isCustomerPerson } from '../identity/customer-key'
import { refreshCustomer } from './customers'
import { dropPersonIfEmpty, recountPerson } from './people'
import { jsonList, rows, run, type Sql } from './sql'
import type { ErasedTable, LedgerRow, LedgerSite, SubjectRef, SubjectRows } from './types'
import { personOf, visitorsOfPerson } from './visitors'

/**
 * Export and erase. Every table of the object is either erased here or listed in
 * `TABLES_WITHOUT_PEOPLE` with the reason it holds no one (`privacy.test.ts` lists the object's
 * tables and fails on any other, so a new table cannot be forgotten).
 */

/** Tables keyed by `visitor_id`, erased by the subject's visitor ids. */
const VISITOR_TABLES = [
  'events',
  'visits',
  'orders',
  'exposures',
  'daily_segment_visitors',
] as const

/** Every table erase deletes from (with `people`, which goes with its last visitor). */
export const ERASED_TABLES = [
  ...VISITOR_TABLES,
  'offer_redemptions',
  'visitors',
  'people',
  'person_moments',
] as const

/** Tables that hold no one's id, and why each is kept on erase. */
export const TABLES_WITHOUT_PEOPLE: Record<string, string> = {
  ledger_meta: "the object's schema version, site id and currency",
  daily_segment_stats: 'counts per day and segment, no id',
  daily_customers: 'counts and revenue per day, no id',
  purchase_gap_days: 'counts of gaps per whole day, no id',
  cohort_months: 'counts per cohort and month, no id',
  webhook_deliveries: 'signatures of webhook deliveries, for replay protection',
  bot_requests: 'counts of filtered bot requests, no id',
  site_daily_writes: 'rows stored per day, for the write quota, no id',
}

/** What export and erase act on: visitor ids (`visitor_id` columns) and redemption holders. */
type Subject = {
  personId: string
  visitorIds: string[]
  holders: string[]
  /** The person keeps other visitors after this erase: it is recounted, not removed. */
  hasOtherVisitors: boolean
}

/**
 * One visitor: its own rows and the codes it redeemed as `visitor:<id>`. When it is the last
 * visitor of a customer, the customer's own rows (held as the person id: its imported history,
 * its redemptions) go with it, since nothing else would be left of that customer. A customer:
 * every visitor linked to it and the rows held under the person id itself.
 */
function resolveSubject(sql: Sql, ref: SubjectRef): Subject {
  if ('customerPerson' in ref) {
    const personId = ref.customerPerson
    const visitors = visitorsOfPerson(sql, personId)
    return {
      personId,
      hasOtherVisitors: false,
      visitorIds: [...visitors, personId],
      holders: [personId, ...visitors.map((visitorId) => `visitor:${visitorId}`)],
    }
  }
  const { visitorId } = ref
  const personId = personOf(sql, visitorId) ?? visitorId
  const hasOtherVisitors = visitorsOfPerson(sql, personId).length > 1
  const isLastOfCustomer = isCustomerPerson(personId) && !hasOtherVisitors
  return {
    personId,
    hasOtherVisitors,
    visitorIds: isLastOfCustomer ? [visitorId, personId] : [visitorId],
    holders: isLastOfCustomer ? [`visitor:${visitorId}`, personId] : [`visitor:${visitorId}`],
  }
}

/**
 * Everything held about a subject, or null when nothing is. Rows are whole (every column, present
 * and future); a visitor's row carries its person's counters.
 * @example exportSubject(sql, { visitorId: 'V1St' })
 */
export function exportSubject(sql: Sql, ref: SubjectRef): SubjectRows | null {
  const subject = resolveSubject(sql, ref)
  const ids = jsonList(subject.visitorIds)
  const select = (query: string, list = ids) => rows<LedgerRow>(sql, query, list)
  const inIds = 'IN (SELECT value FROM json_each(?1))'
  const held: Omit<SubjectRows, 'personId'> = {
    visitors: select(
      `SELECT v.visitor_id, v.person_id, v.first_seen_at, v.last_seen_at, p.visits, p.orders, p.purchase_visits,
         p.revenue_micros, p.last_purchase_at, p.verified_purchase_visits, p.verified_orders,
         p.verified_revenue_micros, p.verified_last_purchase_at
       FROM visitors v LEFT JOIN people p ON p.person_id = v.person_id
       WHERE v.visitor_id ${inIds} ORDER BY v.first_seen_at`,
    ),
    visits: select(`SELECT * FROM visits WHERE visitor_id ${inIds} ORDER BY started_at`),
    events: select(`SELECT * FROM events WHERE visitor_id ${inIds} ORDER BY received_at`),
    orders: select(`SELECT * FROM orders WHERE visitor_id ${inIds} ORDER BY placed_at`),
    exposures: select(
      `SELECT * FROM exposures WHERE visitor_id ${inIds} ORDER BY first_exposed_at`,
    ),
    offerRedemptions: select(
      `SELECT * FROM offer_redemptions WHERE holder ${inIds} ORDER BY redeemed_at`,
      jsonList(subject.holders),
    ),
    dailySegmentVisitors: select(
      `SELECT * FROM daily_segment_visitors WHERE visitor_id ${inIds} ORDER BY day`,
    ),
  }
  if (Object.values(held).every((table) => table.length === 0)) return null
  return { personId: subject.personId, ...held }
}

/**
 * Deletes every row held about a subject, in the caller's transaction, and answers how many rows
 * each table lost (null when nothing was held). A person that keeps other visitors is recounted
 * from what is left; one that keeps none is removed. The daily segment rollups keep their counts
 * (they hold no id); the customer rollups follow the orders that are left.
 * @example eraseSubject(sql, site, { customerPerson: 'c:id:cust-42' })
 */
export function eraseSubject(
  sql: Sql,
  site: LedgerSite,
  ref: SubjectRef,
): Record<ErasedTable, number> | null {
  const subject = resolveSubject(sql, ref)
  const ids = jsonList(subject.visitorIds)
  const erased = {} as Record<ErasedTable, number>
  for (const table of VISITOR_TABLES)
    erased[table] = run(
      sql,
      `DELETE FROM ${table} WHERE visitor_id IN (SELECT value FROM json_each(?1))`,
      ids,
    )
  erased.offer_redemptions = run(
    sql,
    'DELETE FROM offer_redemptions WHERE holder IN (SELECT value FROM json_each(?1))',
    jsonList(subject.holders),
  )
  erased.visitors = run(
    sql,
    'DELETE FROM visitors WHERE visitor_id IN (SELECT value FROM json_each(?1))',
    ids,
  )
  dropPersonIfEmpty(sql, subject.personId)
  for (const visitorId of subject.visitorIds) dropPersonIfEmpty(sql, visitorId)
  // The moments a person reached go with the person (like `people`, not counted in the answer).
  sql.exec(
    'DELETE FROM person_moments WHERE person_id = ?1 AND NOT EXISTS (SELECT 1 FROM visitors WHERE person_id = ?1)',
    subject.personId,
  )
  if (subject.hasOtherVisitors) {
    recountPerson(sql, subject.personId, site)
    refreshCustomer(sql, subject.personId)
  }
  return Object.values(erased).some((count) => count > 0) ? erased : null
}
