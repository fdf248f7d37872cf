import type { ServerOrder, ServerOrdersResult } from '@stammis/contract'
import type { Env } from '../env'
import { customerPersonId } from '../identity/customer-key'
import { ledgerFor, ledgerSite, type LedgerServerOrder } from '../ledger/client'
import { toMicros } from '../lib/money'
import type { Site } from '../sites/site'

/**
 * Stores orders reported by the shop's server (admin API, webhook, `pnpm stammis import`) in the
 * site's ledger, in one call: import, confirmation of the browser's orders, conflicts and
 * duplicates are the ledger's (`storeServerOrders`). Here each validated order becomes what the
 * ledger stores: money in micro-units, the time as epoch ms, and the customer as its person id
 * (no raw customer id reaches the ledger).
 * @example await storeServerOrders(env, site, [{ orderId: 'A-1', customerId: 'c-1', revenue: 20, currency: 'USD', placedAt: '2026-01-02T10:00:00Z' }], 'import')
 */
export async function storeServerOrders(
  env: Pick<Env, 'LEDGER'>,
  site: Site,
  orders: ServerOrder[],
  source: 'server' | 'import',
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
  return ledgerFor(env, site.id).storeServerOrders(ledgerSite(site), stored, source, now)
}
