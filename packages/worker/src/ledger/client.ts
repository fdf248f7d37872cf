import type { Env } from '../env'
import type { SiteLedger } from './object'
import type { LedgerSite } from './types'

/**
 * How the worker reaches a site's ledger: the one Durable Object of the site, by name. This file
 * and the types are all a caller imports from src/ledger/; every operation is an RPC method of
 * `SiteLedger` (object.ts), called with plain data.
 * @example const context = await ledgerFor(env, site.id).decideContext(ledgerSite(site), { visitorId, visitId, withExposureTimes: false, now })
 */
export function ledgerFor(env: Pick<Env, 'LEDGER'>, siteId: string): DurableObjectStub<SiteLedger> {
  return env.LEDGER.get(env.LEDGER.idFromName(ledgerName(siteId)))
}

/** The object's name for a site: `site:<siteId>` (a later split by person would add a shard). */
export function ledgerName(siteId: string): string {
  return `site:${siteId}`
}

/**
 * The settings a ledger call needs, from the site as the worker knows it (D1 is their source).
 * @example ledgerSite({ ...site, dailyWriteQuota: null })
 */
export function ledgerSite(site: {
  id: string
  currency: string
  timeZone: string
  lapseDays: number
  trustBrowserPurchases: boolean
  dailyWriteQuota?: number | null
}): LedgerSite {
  return {
    id: site.id,
    currency: site.currency,
    timeZone: site.timeZone,
    lapseDays: site.lapseDays,
    trustBrowserPurchases: site.trustBrowserPurchases,
    dailyWriteQuota: site.dailyWriteQuota ?? null,
  }
}

export type * from './types'
export type { SiteLedger }
/** Rows per history table in D1, for `storage migrate` to compare with the ledger's `counts()`. */
export { countInD1 } from './import-d1'
