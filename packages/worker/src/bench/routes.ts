import { Hono } from 'hono'
import type { AppEnv } from '../env'
import { ledgerBenchRoutes } from './ledger-routes'

/**
 * Reference routes for `pnpm bench`, mounted only when BENCH_ROUTES is "on": the runtime's
 * ceiling (no work at all) and the floor for any answer that reads storage (one D1 row by key);
 * a plain pass-through proxy of the shop's page (the edge bench's reference);
 * and the ledger's bulk load for `pnpm bench:ledger` (ledger-routes.ts).
 */
export const benchRoutes = new Hono<AppEnv>()
  .post('/noop', (c) => c.json({ ok: true }))
  .post('/read', async (c) => {
    const row = await c.env.DB.prepare(
      'SELECT visitor_id, visits FROM visitors WHERE site_id = ?1 AND visitor_id = ?2',
    )
      .bind('site_demo', 'bench-visitor')
      .first()
    return c.json({ row })
  })
  // `pnpm bench:edge`'s reference: the same origin page as the edge serves, passed through as is
  // (no cookies, no decision, no rewrite), so edge / proxy is the cost of personalizing.
  .get('/proxy', async (c) => {
    if (!c.env.BENCH_ORIGIN) return c.json({ error: 'BENCH_ORIGIN is not set' }, 500)
    return fetch(`${c.env.BENCH_ORIGIN}/`, { headers: { accept: 'text/html' }, redirect: 'manual' })
  })
  .route('/ledger', ledgerBenchRoutes)
