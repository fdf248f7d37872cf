// Attack: identify many visitor ids as one customer. Every visitor row of a person carries the
// person's counters, so each later event of any of them rewrites all N rows: N grows the cost of
// every request without bound.
import { describe, expect, it } from 'vitest'
import { MAX_VISITORS_PER_CUSTOMER as CAP } from '../../src/identity/queries'
import { createTestSite, eventId, postJson } from '../helpers'
import { siteRow } from '../ledger'

describe('abuse: tying many visitor ids to one customer', () => {
  it('never lets one person grow past the cap', async () => {
    const site = await createTestSite()
    for (let i = 0; i < CAP + 10; i++) {
      const response = await postJson('/v1/events', {
        site: site.publicKey,
        visitorId: `sock-${i}`,
        visitId: 's1',
        events: [{ id: eventId(), type: 'identify', customerId: 'cust-1' }],
      })
      expect(response.status).toBe(200)
    }
    const largest = await siteRow<{ n: number }>(
      site.siteId,
      'SELECT max(n) AS n FROM (SELECT count(*) AS n FROM visitors GROUP BY person_id)',
    )
    expect(largest!.n).toBeLessThanOrEqual(CAP)
  })
})
