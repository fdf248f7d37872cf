import type { BotDay } from '@stammis/contract'

/** What a filtered bot request was: an events batch or a decide call. */
export type BotRequestKind = 'events' | 'decides'

export type { BotDay }

/**
 * Counts one filtered bot request on the site's local day. The column is chosen from a fixed
 * pair, never from input.
 * @example await recordBotRequest(env.DB, site.id, '2026-05-01', 'events')
 */
export async function recordBotRequest(
  db: D1Database,
  siteId: string,
  day: string,
  kind: BotRequestKind,
): Promise<void> {
  const column = kind === 'events' ? 'events' : 'decides'
  await db
    .prepare(
      `INSERT INTO bot_requests (site_id, day, ${column}) VALUES (?1, ?2, 1)
       ON CONFLICT (site_id, day) DO UPDATE SET ${column} = ${column} + 1`,
    )
    .bind(siteId, day)
    .run()
}

/**
 * Filtered bot requests per local day in `[from, to]` (days without any are left out).
 * @example await findBotDays(env.DB, site.id, '2026-05-01', '2026-05-31')
 */
export async function findBotDays(
  db: D1Database,
  siteId: string,
  from: string,
  to: string,
): Promise<BotDay[]> {
  const rows = await db
    .prepare(
      'SELECT day, events, decides FROM bot_requests WHERE site_id = ?1 AND day BETWEEN ?2 AND ?3 ORDER BY day',
    )
    .bind(siteId, from, to)
    .all<BotDay>()
  return rows.results
}
