import { Hono } from 'hono'
import type { AppEnv } from '../env'
import { storageRoutes } from './storage'

/**
 * Operator routes under /v1/ops, for the deployment's operator (never a shop): moving a site's
 * history into its ledger (`pnpm stammis storage migrate`).
 */
export const opsRoutes = new Hono<AppEnv>().route('/storage', storageRoutes)
