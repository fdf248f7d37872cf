import { rows, type Sql } from './sql'
import type { BotDay, BotRequestKind } from './types'

/**
 * Counts one filtered bot request on the site's local day. The column is chosen from a fixed
 * pair, never from input.
 * @example countBotRequest(sql, '2026-05-01', 'events')
 */
export function countBotRequest(sql: Sql, day: string, kind: BotRequestKind): void {
  const column = kind === 'events' ? 'events' : 'decides'
  sql.exec(
    `INSERT INTO bot_requests (day, ${column}) VALUES (?1, 1)
     ON CONFLICT (day) DO UPDATE SET ${column} = ${column} + 1`,
    day,
  )
}

/**
 * Filtered bot requests per local day in [from, to] (days without any are left out).
 * @example botDays(sql, '2026-05-01', '2026-05-31')
 */
export function botDays(sql: Sql, from: string, to: string): BotDay[] {
  return rows<BotDay>(
    sql,
    'SELECT day, events, decides FROM bot_requests WHERE day BETWEEN ?1 AND ?2 ORDER BY day',
    from,
    to,
  )
}
