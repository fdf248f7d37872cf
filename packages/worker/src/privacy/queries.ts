/**
 * SQL for export and erase. Every table that can hold a visitor id, a person id or a customer key
 * is listed here (`privacy.test.ts` checks the schema against this list, so a new table with such
 * a column cannot be forgotten). Left out on purpose: `sites`, `rulesets`, `rule_workspaces`,
 * `admin_sessions`, `webhook_deliveries` and `bot_requests` hold no visitor, and
 * `daily_segment_stats` and `site_daily_writes` hold only counts.
 */

/** Tables keyed by `visitor_id`, in the order they are erased (`visitors` last, see `eraseStatements`). */
export const VISITOR_TABLES = [
  'events',
  'visits',
  'orders',
  'exposures',
  'daily_segment_visitors',
] as const

/**
 * Tables holding a customer id that the customer erase route clears through the moments domain
 * (`eraseCustomerDeliveries`), without naming them in its answer (its shape is fixed).
 */
export const CUSTOMER_ID_TABLES = ['moment_deliveries', 'moment_dead_letters'] as const

/** Every table erase deletes from, as named in its answer. */
export type ErasedTable = (typeof VISITOR_TABLES)[number] | 'offer_redemptions' | 'visitors'

/** Tables that hold no one's id, and the reason each is kept on erase. */
export const TABLES_WITHOUT_VISITORS: Record<string, string> = {
  sites: 'the shop itself',
  rulesets: 'published rules',
  rule_workspaces: 'the editor working copy',
  admin_sessions: 'signed-in admins of the shop',
  daily_segment_stats: 'counts per day and segment, no id',
  webhook_deliveries: 'signatures of webhook deliveries, for replay protection',
  bot_requests: 'counts of filtered bot requests, no id',
  site_daily_writes: 'rows stored per site and day, for the write quota, no id',
  moment_destinations: "the shop's URLs for lifecycle moments",
}

/** What export and erase act on: visitor ids (for `visitor_id` columns) and redemption holders. */
export type Subject = { siteId: string; visitorIds: string[]; holders: string[] }

export type Row = Record<string, unknown>

/** The visitor's person and the other visitors of that person. */
export async function findPersonMembers(
  db: D1Database,
  siteId: string,
  visitorId: string,
): Promise<{ personId: string; members: string[] } | null> {
  const rows = await db
    .prepare(
      `SELECT visitor_id, person_id FROM visitors WHERE site_id = ?1 AND person_id =
         (SELECT person_id FROM visitors WHERE site_id = ?1 AND visitor_id = ?2)`,
    )
    .bind(siteId, visitorId)
    .all<{ visitor_id: string; person_id: string }>()
  const first = rows.results[0]
  return first
    ? { personId: first.person_id, members: rows.results.map((row) => row.visitor_id) }
    : null
}

/**
 * Every row held about a subject, per table, in one round trip. Lists are bound as JSON arrays
 * (`json_each`), so any number of ids is one parameter.
 * @example await selectSubjectRows(env.DB, { siteId, visitorIds: ['v1'], holders: ['visitor:v1'] })
 */
export async function selectSubjectRows(
  db: D1Database,
  subject: Subject,
): Promise<Record<ErasedTable, Row[]>> {
  const ids = JSON.stringify(subject.visitorIds)
  const holders = JSON.stringify(subject.holders)
  const tables = ['visitors', ...VISITOR_TABLES] as const
  const results = await db.batch<Row>([
    ...tables.map((table) =>
      db
        .prepare(
          `SELECT * FROM ${table} WHERE site_id = ?1 AND visitor_id IN (SELECT value FROM json_each(?2))${orderOf(table)}`,
        )
        .bind(subject.siteId, ids),
    ),
    db
      .prepare(
        'SELECT * FROM offer_redemptions WHERE site_id = ?1 AND holder IN (SELECT value FROM json_each(?2)) ORDER BY redeemed_at',
      )
      .bind(subject.siteId, holders),
  ])
  const rows = Object.fromEntries(
    tables.map((table, index) => [table, results[index]!.results]),
  ) as Record<ErasedTable, Row[]>
  rows.offer_redemptions = results[tables.length]!.results
  return rows
}

function orderOf(table: 'visitors' | (typeof VISITOR_TABLES)[number]): string {
  const column = {
    visitors: 'first_seen_at',
    events: 'received_at',
    visits: 'started_at',
    orders: 'placed_at',
    exposures: 'first_exposed_at',
    daily_segment_visitors: 'day',
  }[table]
  return ` ORDER BY ${column}`
}

/**
 * The statements that erase a subject, for one `db.batch` (one transaction). `recompute` runs
 * after the subject's visits and orders are gone but before its visitor rows are: the person's
 * other visitors then get counters from what is left, while the erased rows still link them.
 * Returns the statements and the table each DELETE's row count belongs to.
 */
export function eraseStatements(
  db: D1Database,
  subject: Subject,
  recompute: D1PreparedStatement[],
): { statements: D1PreparedStatement[]; tables: (ErasedTable | null)[] } {
  const ids = JSON.stringify(subject.visitorIds)
  const holders = JSON.stringify(subject.holders)
  const deleteFrom = (table: ErasedTable, column: string, list: string) =>
    db
      .prepare(
        `DELETE FROM ${table} WHERE site_id = ?1 AND ${column} IN (SELECT value FROM json_each(?2))`,
      )
      .bind(subject.siteId, list)
  const statements = [
    ...VISITOR_TABLES.map((table) => deleteFrom(table, 'visitor_id', ids)),
    deleteFrom('offer_redemptions', 'holder', holders),
    ...recompute,
    deleteFrom('visitors', 'visitor_id', ids),
  ]
  const tables: (ErasedTable | null)[] = [
    ...VISITOR_TABLES,
    'offer_redemptions',
    ...recompute.map(() => null),
    'visitors',
  ]
  return { statements, tables }
}
