import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { createTestSite } from '../../test/helpers'
import { ledgerFor, serverOrder } from '../../test/ledger'
import { deliveryRows, receiverDestination } from '../../test/moments'
import { ledgerSite } from '../ledger/client'
import { findSiteById } from '../sites/queries'
import { customerIdOfPerson } from '../identity/customer-key'
import { sendTransitionMoments } from './transitions'

const DAY = 86_400_000

const order = (orderId: string, customerPerson: string, placedAt: number) =>
  serverOrder(orderId, placedAt, { customerPerson, revenueMicros: 30_000_000 })

describe('moments from purchases', () => {
  it('sends became_returning, became_repeat and won_back as the ledger reports them, once each', async () => {
    const keys = await createTestSite({ lapseDays: 30 })
    const site = (await findSiteById(env.DB, keys.siteId))!
    await receiverDestination(keys, [
      'customer.became_returning',
      'customer.became_repeat',
      'customer.won_back',
    ])
    const ledger = ledgerFor(site.id)
    const start = Date.parse('2026-06-01T10:00:00Z')
    const buy = async (orderId: string, at: number) => {
      const result = await ledger.storeServerOrders(
        ledgerSite(site),
        [order(orderId, 'c:id:cust-7', at)],
        'server',
        at,
      )
      return sendTransitionMoments(env, site, result.transitions, at)
    }
    expect(await buy('o1', start)).toBe(1)
    expect(await buy('o2', start + 10 * DAY)).toBe(1)
    expect(await buy('o3', start + 50 * DAY)).toBe(1)
    const rows = await deliveryRows(site.id)
    expect(rows.map((row) => [row.moment_type, row.customer_id, row.occurrence])).toEqual([
      ['customer.became_returning', 'cust-7', 'returning'],
      ['customer.became_repeat', 'cust-7', 'repeat'],
      ['customer.won_back', 'cust-7', '2026-07-21'],
    ])
    // The same transitions again (a retried route) send nothing.
    const again = await ledger.storeServerOrders(
      ledgerSite(site),
      [order('o4', 'c:id:other', start)],
      'server',
      start,
    )
    expect(await sendTransitionMoments(env, site, again.transitions)).toBe(1)
    expect(await sendTransitionMoments(env, site, again.transitions)).toBe(0)
  })

  it('skips customers known only by a hashed email address', async () => {
    const keys = await createTestSite()
    await receiverDestination(keys, ['customer.became_returning'])
    const transitions = [
      {
        personId: 'c:h_0123456789abcdef0123456789abcdef',
        type: 'customer.became_returning' as const,
        occurrence: 'returning',
        data: {},
      },
    ]
    expect(await sendTransitionMoments(env, { id: keys.siteId }, transitions)).toBe(0)
    expect(await deliveryRows(keys.siteId)).toEqual([])
  })

  it('names customers by the id the shop gave', () => {
    expect(customerIdOfPerson('c:id:cust-42')).toBe('cust-42')
    expect(customerIdOfPerson('c:id:a:b')).toBe('a:b')
    expect(customerIdOfPerson('c:h_0123456789abcdef0123456789abcdef')).toBeNull()
    expect(customerIdOfPerson('V1StGXR8')).toBeNull()
  })
})
