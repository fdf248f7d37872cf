import { describe, expect, it } from 'vitest'
import { batch, testLedger } from '../../test/ledger'

const NOW = Date.parse('2026-02-02T10:00:00Z')
const served = (
  visitorId: string,
  code: string,
  variant: 'treatment' | 'control' = 'treatment',
) => ({
  ruleId: 'back',
  visitorId,
  visitId: `visit-${visitorId}`,
  variant,
  rulesetVersion: 3,
  offerCode: code,
})

describe('finding a code for its holder', () => {
  it("finds the holder's own exposure, across a customer's browsers, and nobody else's", async () => {
    const { site, ledger } = testLedger()
    const signIn = (visitorId: string) =>
      ledger.recordBatch(
        site,
        batch(
          visitorId,
          's',
          [{ id: `i-${visitorId}`, type: 'identify', customerId: 'ana' }],
          NOW,
          {
            identities: { [`i-${visitorId}`]: { customerKey: 'id:ana', verified: true } },
            signedPerson: 'c:id:ana',
          },
        ),
      )
    await signIn('phone')
    await signIn('laptop')
    await ledger.recordExposures(site, [served('phone', 'BACK-ANA')], NOW)
    await ledger.recordExposures(site, [served('stranger', 'BACK-XYZ')], NOW + 1)

    expect(await ledger.findCode('BACK-ANA', { visitorId: 'laptop' })).toEqual({
      isKnown: true,
      exposure: { ruleId: 'back', visitorId: 'phone', firstExposedAt: NOW, rulesetVersion: 3 },
      visitorPerson: 'c:id:ana',
    })
    expect(await ledger.findCode('BACK-ANA', { personId: 'c:id:ana' })).toMatchObject({
      exposure: { visitorId: 'phone' },
      visitorPerson: null,
    })
    expect(await ledger.findCode('BACK-ANA', { visitorId: 'stranger' })).toEqual({
      isKnown: true,
      exposure: null,
      visitorPerson: null,
    })
    expect(await ledger.findCode('NEVER', { visitorId: 'phone' })).toMatchObject({
      isKnown: false,
      exposure: null,
    })
  })

  it('never finds a code for the control group', async () => {
    const { site, ledger } = testLedger()
    await ledger.recordExposures(site, [served('v', 'STATIC10', 'control')], NOW)
    expect(await ledger.findCode('STATIC10', { visitorId: 'v' })).toMatchObject({
      isKnown: true,
      exposure: null,
    })
  })
})

describe('redeeming', () => {
  const redemption = (code: string, holder: string, isUniqueCode: boolean) => ({
    code,
    holder,
    ruleId: 'back',
    orderId: null,
    isUniqueCode,
  })

  it('uses a unique code once in all, whoever redeems it', async () => {
    const { ledger } = testLedger()
    expect(await ledger.isRedeemed('BACK-1', 'visitor:a', true)).toBe(false)
    expect(await ledger.redeemCode(redemption('BACK-1', 'visitor:a', true), NOW)).toBe(true)
    expect(await ledger.redeemCode(redemption('BACK-1', 'visitor:a', true), NOW)).toBe(false)
    expect(await ledger.redeemCode(redemption('BACK-1', 'c:id:b', true), NOW)).toBe(false)
    expect(await ledger.isRedeemed('BACK-1', 'c:id:b', true)).toBe(true)
  })

  it('uses a static code once per holder', async () => {
    const { ledger } = testLedger()
    expect(await ledger.redeemCode(redemption('SPRING5', 'visitor:a', false), NOW)).toBe(true)
    expect(await ledger.redeemCode(redemption('SPRING5', 'visitor:a', false), NOW)).toBe(false)
    expect(await ledger.isRedeemed('SPRING5', 'visitor:b', false)).toBe(false)
    expect(await ledger.redeemCode(redemption('SPRING5', 'visitor:b', false), NOW)).toBe(true)
  })

  it('lets exactly one of many concurrent redemptions of a unique code through', async () => {
    const { ledger } = testLedger()
    const answers = await Promise.all(
      Array.from({ length: 10 }, (_, n) =>
        ledger.redeemCode(redemption('BACK-RACE', `visitor:${n}`, true), NOW),
      ),
    )
    expect(answers.filter(Boolean)).toHaveLength(1)
  })
})
