// Attack: break a shop's metrics for good. Money is stored as integer micro-units and summed by
// SQLite, whose integer sum() throws on overflow past 2^63. Revenue up to 1e12 (1e18 micro-units)
// was accepted from any browser, so two visitors with nine such orders each pushed the customer
// summary past 2^63: from then on it failed for every range that includes them.
import { describe, expect, it } from 'vitest'
import {
  adminFetch,
  countRows,
  createTestSite,
  eventId,
  postJson,
  type ErrorJson,
} from '../helpers'

const hugeOrders = (visitorId: string) =>
  Array.from({ length: 9 }, (_, n) => ({
    id: eventId(),
    type: 'purchase',
    orderId: `${visitorId}-${n}`,
    revenue: 1e12,
    currency: 'USD',
  }))

describe('abuse: overflowing the revenue sums', () => {
  it('refuses revenues that could overflow, so the metrics keep answering', async () => {
    const site = await createTestSite()
    const answers: Response[] = []
    for (const visitorId of ['whale-1', 'whale-2']) {
      answers.push(
        await postJson('/v1/events', {
          site: site.publicKey,
          visitorId,
          visitId: `${visitorId}-visit`,
          events: [
            { id: eventId(), type: 'visit', url: 'https://shop.example/' },
            ...hugeOrders(visitorId),
          ],
        }),
      )
    }

    const today = new Date().toISOString().slice(0, 10)
    const nextYear = `${Number(today.slice(0, 4)) + 1}${today.slice(4)}`
    for (const range of [`from=${today}&to=${today}`, `from=${today}&to=${nextYear}`]) {
      const metrics = await adminFetch(`/v1/admin/metrics?${range}`, site.secretKey)
      expect(metrics.status, await metrics.clone().text()).toBe(200)
    }
    for (const answer of answers) {
      expect(answer.status).toBe(400)
      expect(((await answer.json()) as ErrorJson).error.code).toBe('invalid_request')
    }
    expect(await countRows('orders', site.siteId)).toBe(0)
  })
})
