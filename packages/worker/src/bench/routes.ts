import { Hono } from 'hono'
import type { AppEnv } from '../env'
import { readJson } from '../http/body'
import { ledgerBenchRoutes } from './ledger-routes'

/** The write route's table, created on the first write of an isolate (bench only, never migrated). */
let benchTable: Promise<unknown> | null = null
function ensureBenchTable(db: D1Database): Promise<unknown> {
  benchTable ??= db
    .prepare(
      'CREATE TABLE IF NOT EXISTS bench_writes (id INTEGER PRIMARY KEY, written_at INTEGER NOT NULL, body TEXT NOT NULL)',
    )
    .run()
    .catch((error: unknown) => {
      benchTable = null
      throw error
    })
  return benchTable
}

/**
 * Reference routes for `pnpm bench`, mounted only when BENCH_ROUTES is "on": the runtime's
 * ceiling (no work at all), the floor for any answer that reads storage (one D1 row by key) and
 * for any that stores something (parse the JSON body as the events route does, insert one D1
 * row); a plain pass-through proxy of the shop's page (the edge bench's
 * reference); and the ledger's bulk load for `pnpm bench:metrics` (ledger-routes.ts).
 */
export const benchRoutes = new Hono<AppEnv>()
  .post('/noop', (c) => c.json({ ok: true }))
  .post('/read', async (c) => {
    const row = await c.env.DB.prepare('SELECT id, name FROM sites WHERE id = ?1')
      .bind('site_demo')
      .first()
    return c.json({ row })
  })
  .post('/write', async (c) => {
    const body = await readJson(c)
    await ensureBenchTable(c.env.DB)
    const row = await c.env.DB.prepare(
      'INSERT INTO bench_writes (written_at, body) VALUES (?1, ?2) RETURNING id',
    )
      .bind(Date.now(), JSON.stringify(body))
      .first<{ id: number }>()
    return c.json({ ok: true, id: row?.id })
  })
  // `pnpm bench:edge`'s reference: the same origin page as the edge serves, passed through as is
  // (no cookies, no decision, no rewrite), so edge / proxy is the cost of personalizing.
  .get('/proxy', async (c) => {
    if (!c.env.BENCH_ORIGIN) return c.json({ error: 'BENCH_ORIGIN is not set' }, 500)
    return fetch(`${c.env.BENCH_ORIGIN}/`, { headers: { accept: 'text/html' }, redirect: 'manual' })
  })
  .route('/ledger', ledgerBenchRoutes)
