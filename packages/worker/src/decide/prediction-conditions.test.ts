import { RuleSchema, type RuleInput } from '@stammis/contract'
import { describe, expect, it } from 'vitest'
import { compileRule, matchesPredictions, matchesWhen, type PredictionFacts } from '../rules/match'
import { compileRuleset } from '../rules/store'
import { chooseForSlots } from './engine'

const facts: PredictionFacts = {
  pAlive: 0.42,
  predictedClv: 120,
  clvPercentile: 91,
  daysSinceLastPurchase: 45,
  dueForReorder: false,
}

const profile = {
  visitorId: 'v',
  segment: 'repeat' as const,
  visits: 3,
  orders: 2,
  purchaseVisits: 2,
  revenue: 80,
  lastPurchaseAt: null,
  lapsed: false,
}

const rule = (id: string, when: RuleInput['when'], extra: Partial<RuleInput> = {}) =>
  RuleSchema.parse({
    id,
    slot: 'hero',
    status: 'live',
    when,
    content: { type: 'text', value: id },
    ...extra,
  })

describe('prediction conditions', () => {
  it('hold within inclusive bounds and fail outside them', () => {
    expect(matchesPredictions({ pAlive: { max: 0.42 } }, facts)).toBe(true)
    expect(matchesPredictions({ pAlive: { max: 0.41 } }, facts)).toBe(false)
    expect(matchesPredictions({ predictedClv: { min: 120, max: 120 } }, facts)).toBe(true)
    expect(matchesPredictions({ clvPercentile: { min: 90 } }, facts)).toBe(true)
    expect(matchesPredictions({ clvPercentile: { min: 92 } }, facts)).toBe(false)
    expect(matchesPredictions({ daysSinceLastPurchase: { min: 30, max: 60 } }, facts)).toBe(true)
    expect(matchesPredictions({ daysSinceLastPurchase: { max: 44 } }, facts)).toBe(false)
    expect(matchesPredictions({ dueForReorder: true }, facts)).toBe(false)
    expect(matchesPredictions({ dueForReorder: true }, { ...facts, dueForReorder: true })).toBe(
      true,
    )
  })

  it('never hold without facts (no purchase, or no fit), whatever the bounds', () => {
    expect(matchesPredictions({ pAlive: { min: 0 } }, null)).toBe(false)
    const compiled = compileRule(rule('r', { daysSinceLastPurchase: { min: 0 } }))
    expect(compiled.hasPredictionConditions).toBe(true)
    expect(matchesWhen(compiled, profile, {}, null)).toBe(false)
    expect(matchesWhen(compiled, profile, {}, facts)).toBe(true)
    // A rule without them ignores facts.
    expect(matchesWhen(compileRule(rule('plain', {})), profile, {}, null)).toBe(true)
  })

  it('combine with the other conditions (AND)', () => {
    const compiled = compileRule(rule('r', { segments: ['returning'], pAlive: { max: 0.5 } }))
    expect(matchesWhen(compiled, profile, {}, facts)).toBe(false)
    expect(matchesWhen(compiled, { ...profile, segment: 'returning' }, {}, facts)).toBe(true)
  })

  it('choose in the engine, and withhold a verified-only offer without verified facts', () => {
    const ruleset = compileRuleset(
      's',
      1,
      [
        rule(
          'top',
          { clvPercentile: { min: 90 } },
          { priority: 2, offer: { kind: 'percent', value: 10, code: 'TOP10' } },
        ),
        rule('rest', {}, { priority: 0 }),
      ],
      { allowScripts: false },
    )
    expect(ruleset.hasPredictionConditions).toBe(true)
    const choose = (f: PredictionFacts | null, verified: PredictionFacts | null) =>
      chooseForSlots(ruleset, ['hero'], profile, {}, 0, profile, {
        facts: f,
        verifiedFacts: verified,
      })[0]!
    expect(choose(facts, facts)).toMatchObject({ rule: { id: 'top' }, isOfferWithheld: false })
    expect(choose(facts, null)).toMatchObject({ rule: { id: 'top' }, isOfferWithheld: true })
    expect(choose({ ...facts, clvPercentile: 50 }, null).rule.id).toBe('rest')
    expect(choose(null, null).rule.id).toBe('rest')
  })
})
