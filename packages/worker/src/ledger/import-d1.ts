import { localDay } from '../lib/time-zone'
import { run, type Sql, type SqlValue } from './sql'
import type { CopyCursor, CopyProgress, LedgerSite, RebuildCursor } from './types'

/**
 * Copying a site's history from the D1 tables it lived in before the ledger (migrations
 * 0001–0009, read-only since) into its object, for `pnpm stammis storage migrate`. Table by table,
 * in pages in primary-key order (keyset pagination: a page costs the same at any depth); each row
 * is inserted unless the object has it (`INSERT OR IGNORE`), so a copy can be run again, or twice
 * at once, and copies nothing twice. What the object derives (counters, customer rollups, daily
 * rollups) is not copied: it is rebuilt from the copied facts once the last page is in
 * (rebuild.ts). D1's own rollups are therefore not carried over: days whose visitors were erased
 * before the copy lose those visitors' counts, as if they had never been kept.
 */

type D1Row = Record<string, SqlValue>

type CopiedTable = {
  name: string
  /** D1's primary key after site_id, in order: the page cursor. */
  keys: string[]
  /** Columns read from D1. */
  columns: string[]
  /** Stores one D1 row; answers whether it was new. */
  store: (sql: Sql, row: D1Row, site: Pick<LedgerSite, 'timeZone'>) => boolean
}

/** A visit's or order's local day, for rows written before D1 had one (migration 0003). */
const dayOf = (row: D1Row, time: string, site: Pick<LedgerSite, 'timeZone'>) =>
  (row.day as string | null) ?? localDay(row[time] as number, site.timeZone)

const PERSON_OF = '(SELECT person_id FROM visitors WHERE visitor_id = ?1)'

/** The tables copied, in order: visitors first, so visits and orders find their person. */
export const COPIED_TABLES: readonly CopiedTable[] = [
  {
    name: 'visitors',
    keys: ['visitor_id'],
    columns: [
      'visitor_id',
      'coalesce(person_id, visitor_id) AS person_id',
      'first_seen_at',
      'last_seen_at',
    ],
    store(sql, row) {
      const params = [row.visitor_id!, row.person_id!, row.first_seen_at!, row.last_seen_at!]
      if (
        run(
          sql,
          'INSERT OR IGNORE INTO visitors (visitor_id, person_id, first_seen_at, last_seen_at) VALUES (?1, ?2, ?3, ?4)',
          ...params,
        ) === 1
      )
        return true
      // Seen since the switch as well: the earliest and latest sight win, and a link D1 knew of
      // holds unless the object linked the visitor since.
      sql.exec(
        `UPDATE visitors SET first_seen_at = min(first_seen_at, ?3), last_seen_at = max(last_seen_at, ?4),
           person_id = CASE WHEN person_id = visitor_id THEN ?2 ELSE person_id END
         WHERE visitor_id = ?1`,
        ...params,
      )
      return false
    },
  },
  {
    name: 'visits',
    keys: ['visitor_id', 'visit_id'],
    columns: [
      'visitor_id',
      'visit_id',
      'started_at',
      'day',
      'segment',
      'tracked',
      'has_purchase',
      'has_verified_purchase',
      'url',
      'referrer',
    ],
    store: (sql, row, site) =>
      run(
        sql,
        `INSERT OR IGNORE INTO visits (visitor_id, visit_id, person_id, started_at, day, segment, tracked, has_purchase,
           has_verified_purchase, url, referrer)
         VALUES (?1, ?2, coalesce(${PERSON_OF}, ?1), ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)`,
        row.visitor_id!,
        row.visit_id!,
        row.started_at!,
        dayOf(row, 'started_at', site),
        row.segment!,
        row.tracked!,
        row.has_purchase!,
        row.has_verified_purchase!,
        row.url ?? null,
        row.referrer ?? null,
      ) === 1,
  },
  {
    name: 'orders',
    keys: ['order_id'],
    columns: [
      'order_id',
      'event_id',
      'visitor_id',
      'visit_id',
      'revenue_micros',
      'discount_micros',
      'currency',
      'placed_at',
      'day',
      'verified',
      'source',
      'corrected_at',
    ],
    store: (sql, row, site) =>
      run(
        sql,
        `INSERT OR IGNORE INTO orders (visitor_id, order_id, event_id, visit_id, person_id, revenue_micros, discount_micros,
           currency, placed_at, day, verified, source, corrected_at)
         VALUES (?1, ?2, ?3, ?4, coalesce(${PERSON_OF}, ?1), ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)`,
        row.visitor_id!,
        row.order_id!,
        row.event_id ?? null,
        row.visit_id!,
        row.revenue_micros!,
        row.discount_micros!,
        row.currency!,
        row.placed_at!,
        dayOf(row, 'placed_at', site),
        row.verified!,
        row.source!,
        row.corrected_at ?? null,
      ) === 1,
  },
  {
    name: 'events',
    keys: ['event_id'],
    columns: ['event_id', 'visitor_id', 'visit_id', 'type', 'received_at', 'data'],
    store: (sql, row) =>
      run(
        sql,
        `INSERT OR IGNORE INTO events (event_id, visitor_id, visit_id, type, received_at, data)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)`,
        row.event_id!,
        row.visitor_id!,
        row.visit_id!,
        row.type!,
        row.received_at!,
        row.data!,
      ) === 1,
  },
  {
    name: 'exposures',
    keys: ['rule_id', 'visitor_id'],
    columns: [
      'rule_id',
      'visitor_id',
      'variant',
      'ruleset_version',
      'first_exposed_at',
      'first_visit_id',
      'last_exposed_at',
      'last_visit_id',
      'visits_exposed',
      'offer_code',
    ],
    store: (sql, row) =>
      run(
        sql,
        `INSERT OR IGNORE INTO exposures (rule_id, visitor_id, variant, ruleset_version, first_exposed_at, first_visit_id,
           last_exposed_at, last_visit_id, visits_exposed, offer_code)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)`,
        row.rule_id!,
        row.visitor_id!,
        row.variant!,
        row.ruleset_version!,
        row.first_exposed_at!,
        row.first_visit_id!,
        row.last_exposed_at!,
        row.last_visit_id!,
        row.visits_exposed!,
        row.offer_code ?? null,
      ) === 1,
  },
  {
    name: 'offer_redemptions',
    keys: ['code', 'holder'],
    columns: ['code', 'holder', 'rule_id', 'order_id', 'redeemed_at'],
    store: (sql, row) =>
      run(
        sql,
        `INSERT OR IGNORE INTO offer_redemptions (code, holder, rule_id, order_id, redeemed_at)
         VALUES (?1, ?2, ?3, ?4, ?5)`,
        row.code!,
        row.holder!,
        row.rule_id!,
        row.order_id ?? null,
        row.redeemed_at!,
      ) === 1,
  },
  {
    name: 'webhook_deliveries',
    keys: ['signature'],
    columns: ['signature', 'received_at'],
    store: (sql, row) =>
      run(
        sql,
        'INSERT OR IGNORE INTO webhook_deliveries (signature, received_at) VALUES (?1, ?2)',
        row.signature!,
        row.received_at!,
      ) === 1,
  },
  {
    name: 'bot_requests',
    keys: ['day'],
    columns: ['day', 'events', 'decides'],
    store(sql, row) {
      const isNew =
        run(
          sql,
          'INSERT OR IGNORE INTO bot_requests (day, events, decides) VALUES (?1, ?2, ?3)',
          row.day!,
          row.events!,
          row.decides!,
        ) === 1
      // Counted on both sides on the day of the switch: the larger count of each holds (so a
      // second copy adds nothing), which may miss the requests of that one day's other side.
      if (!isNew)
        sql.exec(
          'UPDATE bot_requests SET events = max(events, ?2), decides = max(decides, ?3) WHERE day = ?1',
          row.day!,
          row.events!,
          row.decides!,
        )
      return isNew
    },
  },
]

/**
 * Copies up to `maxPages` pages from where `cursor` left off (null: the start), each page in a
 * transaction of its own (`store`); past the last table it runs the rebuild of what is derived, a
 * few steps a call (`rebuild`: its cursor in, the next out, null when done). Call again with the
 * returned cursor until it is null. Other calls to the object run between pages and steps.
 * @example let progress = await copyFromD1(env.DB, site, null, {}, { store, rebuild })
 */
export async function copyFromD1(
  db: D1Database,
  site: LedgerSite,
  cursor: CopyCursor | null,
  options: { pageSize?: number; maxPages?: number },
  steps: {
    store: (work: (sql: Sql) => number) => number
    rebuild: (cursor: RebuildCursor | null) => RebuildCursor | null
    /** Whether a copy of this site already ran to its end (`ledger_meta` 'd1_copied'). */
    isCopied: () => boolean
    markCopied: () => void
  },
): Promise<CopyProgress> {
  // Once a copy has run to its end, D1 is never read again: a later run would otherwise bring
  // back what the ledger erased (privacy) or purged (retention) since, from D1's old rows.
  if (steps.isCopied()) return { cursor: null, inserted: {} }
  const pageSize = options.pageSize ?? 1000
  let at: CopyCursor = cursor ?? { table: 0, after: null }
  const inserted: Record<string, number> = {}
  for (let page = 0; page < (options.maxPages ?? 50); page++) {
    const table = COPIED_TABLES[at.table]
    if (!table) {
      const rebuild = steps.rebuild(at.rebuild ?? null)
      if (!rebuild) steps.markCopied()
      return { cursor: rebuild ? { ...at, rebuild } : null, inserted }
    }
    const found = await readPage(db, site.id, table, at.after, pageSize)
    const stored = steps.store((sql) => found.filter((row) => table.store(sql, row, site)).length)
    inserted[table.name] = (inserted[table.name] ?? 0) + stored
    const last = found.at(-1)
    at =
      found.length < pageSize || !last
        ? { table: at.table + 1, after: null }
        : { table: at.table, after: table.keys.map((key) => last[key] as string | number) }
  }
  return { cursor: at, inserted }
}

/**
 * Reads one page of a table of the site from D1, after `after` (the last key of the previous
 * page, null for the first).
 * @example await readPage(env.DB, 'site_1', COPIED_TABLES[0], null, 1000)
 */
export async function readPage(
  db: D1Database,
  siteId: string,
  table: CopiedTable,
  after: CopyCursor['after'],
  pageSize: number,
): Promise<D1Row[]> {
  const keys = table.keys.join(', ')
  const placeholders = table.keys.map((_, index) => `?${index + 3}`).join(', ')
  const isAfter =
    after === null
      ? ''
      : table.keys.length === 1
        ? ` AND ${keys} > ?3`
        : ` AND (${keys}) > (${placeholders})`
  const result = await db
    .prepare(
      `SELECT ${table.columns.join(', ')} FROM ${table.name} WHERE site_id = ?1${isAfter} ORDER BY ${keys} LIMIT ?2`,
    )
    .bind(siteId, pageSize, ...(after ?? []))
    .all<D1Row>()
  return result.results
}

/**
 * Rows of each history table of a site in D1, to compare with the object's after a copy.
 * @example await countInD1(env.DB, site.id) // { visitors: 812, visits: 1290, ... }
 */
export async function countInD1(db: D1Database, siteId: string): Promise<Record<string, number>> {
  const results = await db.batch<{ n: number }>(
    COPIED_TABLES.map((table) =>
      db.prepare(`SELECT count(*) AS n FROM ${table.name} WHERE site_id = ?1`).bind(siteId),
    ),
  )
  return Object.fromEntries(
    COPIED_TABLES.map((table, index) => [table.name, results[index]!.results[0]!.n]),
  )
}
