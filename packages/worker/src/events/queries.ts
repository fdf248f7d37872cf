import type { EventsRequest, StammisEvent } from '@stammis/contract'
import type { IdentifyRecord } from '../identity/identify'
import { linkVisitorStatement } from '../identity/queries'
import { toMicros } from '../lib/money'
import { localDay } from '../lib/time-zone'
import { type VisitorState } from '../segments/classify'
import {
  markVisitPurchasesStatement,
  recomputeVisitorStatement,
  SEGMENT_AT_START,
  selectVisitorStateStatement,
  toVisitorState,
  type VisitorStateRow,
} from '../segments/queries'
import type { Site } from '../sites/site'
import { storedEvent } from './stored-url'

export type RecordResult = { accepted: number; duplicates: number; state: VisitorState }

export type RecordOptions = {
  /** Link the visitor to this customer person (a signed identify, and not someone else's). */
  linkToPerson?: string | undefined
  /** By event id: what each identify event stores instead of its customer id (never a raw email). */
  identities?: ReadonlyMap<string, IdentifyRecord> | undefined
}

/**
 * Stores a validated batch in one D1 transaction (`db.batch`): the visitor, the visit (started by
 * the first event seen with its id), every event not seen before, every order not seen before,
 * then the visitor's counters recomputed from those facts. Dedupe is done by primary keys
 * (`INSERT OR IGNORE`), so a retry or a concurrent duplicate can never count twice. URLs and
 * referrers are stored without their query strings but for utm_* parameters (`storedUrl`).
 * @example await recordEvents(env.DB, site, request, Date.now())
 */
export async function recordEvents(
  db: D1Database,
  site: Site,
  request: EventsRequest,
  now: number,
  options: RecordOptions = {},
): Promise<RecordResult> {
  const { visitorId, visitId } = request
  const events = request.events.map(storedEvent)
  const landing = landingPage(events)
  const day = localDay(now, site.timeZone)

  const statements: D1PreparedStatement[] = [
    db
      .prepare(
        `INSERT INTO visitors (site_id, visitor_id, first_seen_at, last_seen_at, person_id) VALUES (?1, ?2, ?3, ?3, ?2)
         ON CONFLICT (site_id, visitor_id) DO UPDATE SET last_seen_at = excluded.last_seen_at`,
      )
      .bind(site.id, visitorId, now),
    // Linked before the visit starts, so a visit that begins with a sign-in already counts the
    // customer's history from other devices.
    ...(options.linkToPerson
      ? [linkVisitorStatement(db, site.id, visitorId, options.linkToPerson)]
      : []),
    db
      .prepare(
        `INSERT OR IGNORE INTO visits (site_id, visitor_id, visit_id, started_at, segment, url, referrer, day)
         VALUES (?1, ?2, ?3, ?4, ${SEGMENT_AT_START}, ?5, ?6, ?7)`,
      )
      .bind(site.id, visitorId, visitId, now, landing.url, landing.referrer, day),
  ]

  // Index of the statement whose RETURNING row says the event was new.
  const eventStatementIndexes: number[] = []
  let hasPurchase = false
  for (const event of events) {
    if (event.type === 'purchase') {
      hasPurchase = true
      statements.push(insertOrderStatement(db, site.id, visitorId, visitId, event, now, day))
    }
    eventStatementIndexes.push(statements.length)
    statements.push(
      insertEventStatement(db, site.id, visitorId, visitId, event, now, options.identities),
    )
  }

  if (hasPurchase)
    statements.push(
      markVisitPurchasesStatement(db, site.id, visitorId, visitId, site.trustBrowserPurchases),
    )
  statements.push(
    recomputeVisitorStatement(db, site.id, visitorId, site.currency, site.trustBrowserPurchases),
  )
  statements.push(selectVisitorStateStatement(db, site.id, visitorId, visitId))

  const results = await db.batch(statements)
  const accepted = eventStatementIndexes.filter(
    (index) => (results[index]?.results.length ?? 0) > 0,
  ).length
  const stateRow = results[results.length - 1]!.results[0] as VisitorStateRow
  return { accepted, duplicates: events.length - accepted, state: toVisitorState(stateRow) }
}

/**
 * An order is stored only if its event id is new too, so re-sending the very same purchase event
 * after the order row exists stays a no-op.
 */
function insertOrderStatement(
  db: D1Database,
  siteId: string,
  visitorId: string,
  visitId: string,
  event: Extract<StammisEvent, { type: 'purchase' }>,
  now: number,
  day: string,
): D1PreparedStatement {
  return db
    .prepare(
      `INSERT OR IGNORE INTO orders (site_id, order_id, event_id, visitor_id, visit_id, revenue_micros, currency, placed_at, day, discount_micros)
       SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10
       WHERE NOT EXISTS (SELECT 1 FROM events WHERE site_id = ?1 AND event_id = ?3)`,
    )
    .bind(
      siteId,
      event.orderId,
      event.id,
      visitorId,
      visitId,
      toMicros(event.revenue),
      event.currency,
      now,
      day,
      toMicros(event.discount ?? 0),
    )
}

/**
 * Stores the event if its id is new. A purchase event is stored only when its order was stored
 * from this very event: a known order id under a new event id is a duplicate.
 */
function insertEventStatement(
  db: D1Database,
  siteId: string,
  visitorId: string,
  visitId: string,
  event: StammisEvent,
  now: number,
  identities: ReadonlyMap<string, IdentifyRecord> | undefined,
): D1PreparedStatement {
  const { id, type, ...rest } = event
  // An identify stores its customer key and whether it was signed: never the raw id (it may be an
  // email address), nor the signature.
  const data =
    event.type === 'identify'
      ? (identities?.get(event.id) ?? { customerKey: null, verified: false })
      : rest
  const orderGuard =
    event.type === 'purchase'
      ? 'WHERE EXISTS (SELECT 1 FROM orders WHERE site_id = ?1 AND order_id = ?8 AND event_id = ?2)'
      : 'WHERE ?8 IS NULL'
  return db
    .prepare(
      `INSERT OR IGNORE INTO events (site_id, event_id, visitor_id, visit_id, type, received_at, data)
       SELECT ?1, ?2, ?3, ?4, ?5, ?6, ?7 ${orderGuard}
       RETURNING event_id`,
    )
    .bind(
      siteId,
      id,
      visitorId,
      visitId,
      type,
      now,
      JSON.stringify(data),
      event.type === 'purchase' ? event.orderId : null,
    )
}

/** The visit's landing page: the `visit` event's url and referrer, else the first page view. */
function landingPage(events: StammisEvent[]): { url: string | null; referrer: string | null } {
  const visit = events.find((event) => event.type === 'visit')
  if (visit) return { url: visit.url ?? null, referrer: visit.referrer ?? null }
  const pageview = events.find((event) => event.type === 'pageview')
  return { url: pageview?.url ?? null, referrer: null }
}
