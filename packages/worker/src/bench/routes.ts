import { Hono } from 'hono'
import type { AppEnv } from '../env'
import { ledgerBenchRoutes } from './ledger-routes'

/**
 * Reference routes for `pnpm bench`, mounted only when BENCH_ROUTES is "on": the runtime's
 * ceiling (no work at all) and the floor for any answer that reads storage (one D1 row by key);
 * and the ledger's bulk load for `pnpm bench:ledger` (ledger-routes.ts).
 */
export const benchRoutes = new Hono<AppEnv>()
  .post('/noop', (c) => c.json({ ok: true }))
  .post('/read', async (c) => {
    const row = await c.env.DB.prepare('SELECT id, name FROM sites WHERE id = ?1')
      .bind('site_demo')
      .first()
    return c.json({ row })
  })
  .route('/ledger', ledgerBenchRoutes)
