import { MetricsQuerySchema, type MetricsReport } from '@stammis/contract'
import { Hono, type Context } from 'hono'
import type { AppEnv } from '../env'
import { ApiError } from '../errors'
import { parseWith } from '../http/body'
import { addDays, daysBetween } from '../lib/days'
import { localDay } from '../lib/time-zone'
import { toCsv } from './csv'
import { buildMetrics } from './report'

/** Longest range a report may span: ten years of days. */
const MAX_DAYS = 3660

/** The range asked for, in the site's days; the last 30 days by default. */
export function resolveRange(c: Context<AppEnv>, now: number): { from: string; to: string } {
  const query = parseWith(MetricsQuerySchema, c.req.query())
  const to = query.to ?? localDay(now, c.get('site').timeZone)
  const from = query.from ?? addDays(to, -29)
  if (from > to) throw new ApiError('invalid_request', 'from: must not be after to')
  if (daysBetween(from, to) >= MAX_DAYS)
    throw new ApiError('invalid_request', `to: a report spans at most ${MAX_DAYS} days`)
  return { from, to }
}

/** `GET /v1/admin/metrics` and `GET /v1/admin/metrics.csv`. */
export const metricRoutes = new Hono<AppEnv>()
  .get('/metrics', async (c) => {
    const { from, to } = resolveRange(c, Date.now())
    const report = await buildMetrics(c.env, c.get('site'), from, to)
    return c.json(report satisfies MetricsReport)
  })
  .get('/metrics.csv', async (c) => {
    const { from, to } = resolveRange(c, Date.now())
    const csv = toCsv(await buildMetrics(c.env, c.get('site'), from, to))
    return c.body(csv, 200, {
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="stammis-metrics-${from}-to-${to}.csv"`,
    })
  })
