import { run, type Sql } from './sql'

/**
 * Bench only: a synthetic shop's facts in bulk, straight into the tables (no per-row bookkeeping;
 * `rebuildFromFacts` derives everything after the last chunk). Each table's rows travel as JSON
 * texts of row arrays (each under SQLite's 2 MB value limit), read by SQLite itself
 * (`json_each`), in these column orders:
 * - visitors: [visitor_id, first_seen_at, last_seen_at] (each its own person)
 * - visits: [visitor_id, visit_id, started_at, day, segment, has_purchase, url, referrer]
 * - orders: [order_id, event_id, visitor_id, visit_id, revenue_micros, discount_micros, currency, placed_at, day]
 * - events: [event_id, visitor_id, visit_id, type, received_at, data]
 * - exposures: [rule_id, visitor_id, variant, first_exposed_at, first_visit_id, last_exposed_at,
 *   last_visit_id, visits_exposed, offer_code]
 */
export type BenchRows = Partial<Record<BenchTable, string[]>>

export type BenchTable = 'visitors' | 'visits' | 'orders' | 'events' | 'exposures'

const INSERTS: Record<BenchTable, string> = {
  visitors: `INSERT OR IGNORE INTO visitors (visitor_id, person_id, first_seen_at, last_seen_at)
    SELECT value->>0, value->>0, value->>1, value->>2 FROM json_each(?1)`,
  visits: `INSERT OR IGNORE INTO visits (visitor_id, visit_id, person_id, started_at, day, segment, has_purchase, url, referrer)
    SELECT value->>0, value->>1, value->>0, value->>2, value->>3, value->>4, value->>5, value->>6, value->>7 FROM json_each(?1)`,
  orders: `INSERT OR IGNORE INTO orders (order_id, event_id, visitor_id, visit_id, person_id, revenue_micros, discount_micros,
      currency, placed_at, day)
    SELECT value->>0, value->>1, value->>2, value->>3, value->>2, value->>4, value->>5, value->>6, value->>7, value->>8
    FROM json_each(?1)`,
  events: `INSERT OR IGNORE INTO events (event_id, visitor_id, visit_id, type, received_at, data)
    SELECT value->>0, value->>1, value->>2, value->>3, value->>4, value->>5 FROM json_each(?1)`,
  exposures: `INSERT OR IGNORE INTO exposures (rule_id, visitor_id, variant, ruleset_version, first_exposed_at, first_visit_id,
      last_exposed_at, last_visit_id, visits_exposed, offer_code)
    SELECT value->>0, value->>1, value->>2, 1, value->>3, value->>4, value->>5, value->>6, value->>7, value->>8
    FROM json_each(?1)`,
}

/**
 * Inserts one chunk of generated rows in the caller's transaction; returns the rows inserted.
 * @example loadBenchRows(sql, { visitors: [JSON.stringify([['v1', 0, 0]])] })
 */
export function loadBenchRows(sql: Sql, chunk: BenchRows): number {
  let inserted = 0
  for (const table of Object.keys(INSERTS) as BenchTable[])
    for (const json of chunk[table] ?? []) inserted += run(sql, INSERTS[table], json)
  return inserted
}
