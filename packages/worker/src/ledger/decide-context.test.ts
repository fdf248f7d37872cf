import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { batch, testLedger } from '../../test/ledger'
import { LIVE_RULES_MAX_AGE_MS } from './live-rules'

const NOW = Date.parse('2026-06-01T08:00:00Z')

async function publishInD1(siteId: string, version: number): Promise<void> {
  await env.DB.prepare(
    "INSERT INTO rulesets (site_id, version, rules, published_at) VALUES (?1, ?2, '[]', ?3)",
  )
    .bind(siteId, version, NOW)
    .run()
}

describe('decideContext', () => {
  it('answers a visitor never seen with an empty state and an unseen visit', async () => {
    const { site, ledger } = testLedger()
    const context = await ledger.decideContext(site, {
      visitorId: 'nobody',
      visitId: 's1',
      withExposureTimes: true,
      now: NOW,
    })
    expect(context).toEqual({
      state: {
        personId: null,
        visits: 0,
        orders: 0,
        purchaseVisits: 0,
        revenueMicros: 0,
        lastPurchaseAt: null,
        verifiedPurchaseVisits: 0,
        verifiedOrders: 0,
        verifiedRevenueMicros: 0,
        verifiedLastPurchaseAt: null,
        currentVisitHasPurchase: null,
        currentVisitHasVerifiedPurchase: false,
      },
      rulesVersion: 0,
      firstExposedAt: {},
      quota: { quota: 100_000, used: 0 },
      predictionInputs: null,
    })
  })

  it("reads the person's counters and whether the request's visit has a purchase", async () => {
    const { site, ledger } = testLedger()
    await ledger.recordBatch(
      site,
      batch('v1', 's1', [{ type: 'visit' }, { type: 'purchase', orderId: 'o1', revenue: 9 }], NOW),
    )
    const inVisit = await ledger.decideContext(site, {
      visitorId: 'v1',
      visitId: 's1',
      withExposureTimes: false,
      now: NOW,
    })
    expect(inVisit.state).toMatchObject({
      personId: 'v1',
      visits: 1,
      orders: 1,
      purchaseVisits: 1,
      revenueMicros: 9_000_000,
      lastPurchaseAt: NOW,
      currentVisitHasPurchase: true,
    })
    const later = await ledger.decideContext(site, {
      visitorId: 'v1',
      visitId: 's2',
      withExposureTimes: false,
      now: NOW,
    })
    expect(later.state.currentVisitHasPurchase).toBeNull()
    expect(later.quota.used).toBe(2)
  })

  it("gives the person's first exposure to each rule, across all of a customer's browsers", async () => {
    const { site, ledger } = testLedger()
    const signIn = (visitorId: string, now: number) =>
      ledger.recordBatch(
        site,
        batch(
          visitorId,
          's',
          [{ id: `i-${visitorId}`, type: 'identify', customerId: 'ana' }],
          now,
          {
            identities: { [`i-${visitorId}`]: { customerKey: 'id:ana', verified: true } },
            signedPerson: 'c:id:ana',
          },
        ),
      )
    const exposure = (visitorId: string, ruleId: string) => ({
      ruleId,
      visitorId,
      visitId: 's',
      variant: 'treatment' as const,
      rulesetVersion: 1,
      offerCode: null,
    })
    await signIn('phone', NOW)
    await ledger.recordExposures(site, [exposure('phone', 'back')], NOW + 1000)
    await signIn('laptop', NOW + 5000)
    await ledger.recordExposures(
      site,
      [exposure('laptop', 'back'), exposure('laptop', 'new')],
      NOW + 9000,
    )
    const context = await ledger.decideContext(site, {
      visitorId: 'laptop',
      visitId: 's',
      withExposureTimes: true,
      now: NOW + 10_000,
    })
    expect(context.firstExposedAt).toEqual({ back: NOW + 1000, new: NOW + 9000 })
    // A visitor seen only by decide (no visitor row) still has its own exposures.
    await ledger.recordExposures(site, [exposure('lurker', 'back')], NOW + 20_000)
    expect(await ledger.exposureTimes('lurker')).toEqual({ back: NOW + 20_000 })
  })
})

describe('the live rules version mirror', () => {
  it('reads D1 on first use, then trusts its copy until it is older than a minute', async () => {
    const { site, ledger } = testLedger()
    const version = async (now: number) =>
      (
        await ledger.decideContext(site, {
          visitorId: 'v',
          visitId: 's',
          withExposureTimes: false,
          now,
        })
      ).rulesVersion
    await publishInD1(site.id, 1)
    expect(await version(NOW)).toBe(1)
    // A publish whose push was lost: the copy holds until it is a minute old.
    await publishInD1(site.id, 2)
    expect(await version(NOW + LIVE_RULES_MAX_AGE_MS - 1)).toBe(1)
    expect(await version(NOW + LIVE_RULES_MAX_AGE_MS)).toBe(2)
  })

  it('serves a pushed version on the next call, and never goes back to an older one', async () => {
    const { site, ledger } = testLedger()
    await publishInD1(site.id, 1)
    const context = (now: number) =>
      ledger.decideContext(site, { visitorId: 'v', visitId: 's', withExposureTimes: false, now })
    expect((await context(NOW)).rulesVersion).toBe(1)
    await publishInD1(site.id, 2)
    expect(await ledger.setLiveRulesVersion(2, NOW + 1)).toBe(2)
    expect((await context(NOW + 2)).rulesVersion).toBe(2)
    // A late push of an older publish changes nothing.
    expect(await ledger.setLiveRulesVersion(1, NOW + 3)).toBe(2)
    expect((await context(NOW + 4)).rulesVersion).toBe(2)
  })
})
