import { Hono } from 'hono'
import type { AppEnv } from '../env'
import { storageRoutes } from './storage'
import { requireOpsToken } from './token'

/**
 * Operator routes under /v1/ops, for the deployment's operator (never a shop): moving a site's
 * history into its ledger (`pnpm stammis storage migrate`). Every route needs the deployment's
 * OPS_TOKEN; without one configured they answer 404 (token.ts).
 */
export const opsRoutes = new Hono<AppEnv>()
  .use('*', requireOpsToken())
  .route('/storage', storageRoutes)
