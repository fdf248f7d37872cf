import type { Sql } from './sql'
import type { LedgerCounts } from './types'

const COUNTED: readonly (keyof LedgerCounts)[] = [
  'visitors',
  'people',
  'visits',
  'orders',
  'events',
  'exposures',
  'offer_redemptions',
  'webhook_deliveries',
  'bot_requests',
]

/**
 * Rows in each history table (a full count each: for operators and benchmarks, not requests).
 * @example countRows(sql).events // 1000000
 */
export function countRows(sql: Sql): LedgerCounts {
  return Object.fromEntries(
    COUNTED.map((table) => [
      table,
      sql.exec<{ n: number }>(`SELECT count(*) AS n FROM ${table}`).one().n,
    ]),
  ) as LedgerCounts
}
