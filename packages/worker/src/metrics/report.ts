import type { CustomerMetrics, MetricsReport } from '@stammis/contract'
import type { Env } from '../env'
import { ledgerFor, ledgerSite } from '../ledger/client'
import { findLatestRuleset } from '../rules/queries'
import type { Site } from '../sites/site'
import { customerMetricsFromPartial, reportFromPartial } from './partials'

/**
 * Every metric for local days [from, to] of a site: the site's ledger answers mergeable parts
 * (sums, counts, histograms, kept in rollups: the cost grows with the range, not with history),
 * D1 the live rules with a holdout, and `partials.ts` turns them into the report.
 * @example await buildMetrics(env, site, '2026-11-01', '2026-11-30')
 */
export async function buildMetrics(
  env: Env,
  site: Site,
  from: string,
  to: string,
): Promise<MetricsReport> {
  const [partial, live] = await Promise.all([
    ledgerFor(env, site.id).metrics(ledgerSite(site), from, to),
    findLatestRuleset(env.DB, site.id),
  ])
  const heldOutRuleIds = (live?.rules ?? [])
    .filter((rule) => rule.holdoutPercent > 0)
    .map((rule) => rule.id)
  return reportFromPartial(site, from, to, partial, heldOutRuleIds)
}

/**
 * The customer metrics alone for local days [from, to]: one ledger call. The dashboard's
 * over-time chart asks for them as of several days without paying for a whole report each time.
 * @example (await customerMetrics(env, site, '2026-11-30', '2026-11-30')).repeatRate
 */
export async function customerMetrics(
  env: Env,
  site: Site,
  from: string,
  to: string,
): Promise<CustomerMetrics> {
  const partial = await ledgerFor(env, site.id).customerMetrics(ledgerSite(site), from, to)
  return customerMetricsFromPartial(partial)
}
