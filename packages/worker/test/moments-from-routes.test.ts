import { describe, expect, it } from 'vitest'
import { adminFetch, createTestSite, eventually } from './helpers'
import { deliveryRows, receiverDestination } from './moments'

// The routes that store purchases hand the ledger's transitions to the moments domain: a live
// server report sends them at once; an import of history sends none.

function orders(customerId: string, days: string[]) {
  return JSON.stringify({
    orders: days.map((day, index) => ({
      orderId: `${customerId}-${index}`,
      customerId,
      revenue: 30,
      currency: 'USD',
      placedAt: `${day}T10:00:00Z`,
    })),
  })
}

describe('moments from the order routes', () => {
  it('a live server report sends became_returning and became_repeat at once', async () => {
    const site = await createTestSite()
    await receiverDestination(site, ['customer.became_returning', 'customer.became_repeat'])
    const now = Date.now()
    const day = (daysAgo: number) => new Date(now - daysAgo * 86_400_000).toISOString().slice(0, 10)
    const first = await adminFetch('/v1/admin/orders', site.secretKey, {
      method: 'POST',
      body: orders('cust-live', [day(20)]),
    })
    expect(first.status).toBe(200)
    const second = await adminFetch('/v1/admin/orders', site.secretKey, {
      method: 'POST',
      body: orders('cust-live', [day(20), day(5)]),
    })
    expect(second.status).toBe(200)
    const rows = await eventually(async () => {
      const found = await deliveryRows(site.siteId)
      return found.length >= 2 ? found : undefined
    })
    expect(rows.map((row) => [row.moment_type, row.customer_id])).toEqual([
      ['customer.became_returning', 'cust-live'],
      ['customer.became_repeat', 'cust-live'],
    ])
  })

  it('an import of history sends nothing', async () => {
    const site = await createTestSite()
    await receiverDestination(site, ['customer.became_returning', 'customer.became_repeat'])
    const imported = await adminFetch('/v1/admin/orders?source=import', site.secretKey, {
      method: 'POST',
      body: orders('cust-old', ['2025-01-05', '2025-02-05', '2025-03-05']),
    })
    expect(imported.status).toBe(200)
    // A live report afterwards is the witness that the routes' background work has run.
    await adminFetch('/v1/admin/orders', site.secretKey, {
      method: 'POST',
      body: orders('cust-witness', ['2025-04-01']),
    })
    const rows = await eventually(async () => {
      const found = await deliveryRows(site.siteId)
      return found.length >= 1 ? found : undefined
    })
    expect(rows.map((row) => row.customer_id)).toEqual(['cust-witness'])
  })
})
