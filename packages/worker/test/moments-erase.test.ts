import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { sendMoment } from '../src/moments/send'
import { adminFetch, createTestSite } from './helpers'
import { deliveryRows, receiverDestination } from './moments'

// Erasing a customer (privacy) also erases the lifecycle moments sent about them: the delivery
// log names them by their customer id.
describe('erase a customer: their moment deliveries go too', () => {
  it('deletes the deliveries and dead letters of that customer, and no one else', async () => {
    const site = await createTestSite()
    await receiverDestination(site, ['customer.lapsed'])
    // The customer must be known to the site for erase to find them: an order names them.
    const order = await adminFetch('/v1/admin/orders', site.secretKey, {
      method: 'POST',
      body: JSON.stringify({
        orders: [
          {
            orderId: 'o-1',
            customerId: 'cust-1',
            revenue: 10,
            currency: 'USD',
            placedAt: new Date().toISOString(),
          },
        ],
      }),
    })
    expect(order.status).toBe(200)
    for (const customerId of ['cust-1', 'cust-2'])
      await sendMoment(
        env,
        { id: site.siteId },
        {
          type: 'customer.lapsed',
          customerId,
          occurrence: '2026-01-01',
          data: {},
        },
      )
    const [first] = (await deliveryRows(site.siteId)).filter((row) => row.customer_id === 'cust-1')
    await env.DB.prepare(
      "INSERT INTO moment_dead_letters (delivery_id, site_id, attempts, last_error, failed_at) VALUES (?1, ?2, 6, 'x', 1)",
    )
      .bind(first!.id, site.siteId)
      .run()

    const erased = await adminFetch('/v1/admin/customers/cust-1', site.secretKey, {
      method: 'DELETE',
    })
    expect(erased.status).toBe(200)
    expect((await deliveryRows(site.siteId)).map((row) => row.customer_id)).toEqual(['cust-2'])
    const dead = await env.DB.prepare(
      'SELECT count(*) AS n FROM moment_dead_letters WHERE site_id = ?1',
    )
      .bind(site.siteId)
      .first<{ n: number }>()
    expect(dead!.n).toBe(0)
  })
})
