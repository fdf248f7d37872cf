import type { ServerOrder, ServerOrdersResult } from '@stammis/contract'
import type { Env } from '../env'
import { customerPersonId } from '../identity/customer-key'
import { afterPurchases } from '../moments/transitions'
import { ledgerFor, ledgerSite, type LedgerServerOrder } from '../ledger/client'
import { toMicros } from '../lib/money'
import { bumpProfileEpoch } from '../sites/profile-epoch'
import type { Site } from '../sites/site'

/**
 * Stores orders reported by the shop's server (admin API, webhook, `pnpm stammis import`) in the
 * site's ledger, in one call: import, confirmation of the browser's orders, conflicts and
 * duplicates are the ledger's (`storeServerOrders`). Here each validated order becomes what the
 * ledger stores: money in micro-units, the time as epoch ms, and the customer as its person id
 * (no raw customer id reaches the ledger). A conflict (the server's version replaced a browser's
 * order) bumps the site's profile epoch, after the ledger stored it.
 * @example await storeServerOrders(env, site, [{ orderId: 'A-1', customerId: 'c-1', revenue: 20, currency: 'USD', placedAt: '2026-01-02T10:00:00Z' }], 'import')
 */
export async function storeServerOrders(
  env: Pick<Env, 'LEDGER' | 'DB' | 'MOMENTS_QUEUE'>,
  site: Site,
  orders: ServerOrder[],
  source: 'server' | 'import',
  waitUntil: (promise: Promise<unknown>) => void,
  now = Date.now(),
): Promise<ServerOrdersResult> {
  const personOfCustomer = new Map<string, string>()
  for (const { customerId } of orders) {
    if (customerId && !personOfCustomer.has(customerId))
      personOfCustomer.set(customerId, await customerPersonId(site.codeSecret, customerId))
  }
  const stored = orders.map((order): LedgerServerOrder => ({
    orderId: order.orderId,
    visitorId: order.visitorId ?? null,
    customerPerson: order.customerId ? personOfCustomer.get(order.customerId)! : null,
    revenueMicros: toMicros(order.revenue),
    discountMicros: order.discount === undefined ? null : toMicros(order.discount),
    currency: order.currency,
    placedAt: Date.parse(order.placedAt),
  }))
  const { transitions, ...result } = await ledgerFor(env, site.id).storeServerOrders(
    ledgerSite(site),
    stored,
    source,
    now,
  )
  // A correction can take a purchase away from the browser's person: older profile tokens go.
  if (result.conflicts > 0) await bumpProfileEpoch(env.DB, site.id)
  // Live purchases tell the shop's email tool who became returning, repeat or won back; an
  // import of history does not (those moments are long past).
  if (source === 'server') afterPurchases(env, site, transitions, waitUntil, now)
  return result
}
