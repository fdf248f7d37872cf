import type { Profile } from '@stammis/contract'
import { describe, expect, it } from 'vitest'
import {
  classifyCases,
  completeEvents,
  historyCases,
  lapsedCases,
  type HistoryStep,
  type StepExpectation,
} from '../../test/golden-cases'
import { toMicros } from '../lib/money'
import { classify, isLapsed, toProfile, toVerifiedProfile } from './classify'

const DAY = 86_400_000

describe('classify (golden cases)', () => {
  it.each(classifyCases)('%s', (_name, input, expected) => {
    expect(classify(input.purchaseVisits)).toBe(expected)
  })
})

describe('isLapsed (golden cases)', () => {
  const now = Date.parse('2026-11-23T12:00:00Z')
  it.each(lapsedCases)('%s', (_name, input, expected) => {
    const last = input.lastPurchaseDaysAgo === null ? null : now - input.lastPurchaseDaysAgo * DAY
    expect(isLapsed(last, now, input.lapseDays)).toBe(expected)
  })
})

/**
 * An independent reference model of the classification, written from the definition rather than
 * from the worker's SQL: it keeps the raw history (visits in order, orders, event ids) and derives
 * the profile from it on every step.
 */
function replayReference(
  steps: HistoryStep[],
): (Partial<Profile> & { accepted?: number; duplicates?: number })[] {
  const visitOrder: string[] = []
  const purchaseVisits = new Set<string>()
  const seenEvents = new Set<string>()
  const orders = new Map<string, number>()
  const answers: (Partial<Profile> & { accepted?: number; duplicates?: number })[] = []

  const profileFrom = (visitId: string): Partial<Profile> => {
    const known = visitOrder.includes(visitId)
    const earlier = [...purchaseVisits].filter((visit) => visit !== visitId).length
    const revenue = [...orders.values()].reduce((sum, micros) => sum + micros, 0) / 1_000_000
    return {
      segment: earlier === 0 ? 'shopper' : earlier === 1 ? 'returning' : 'repeat',
      visits: visitOrder.length + (known ? 0 : 1),
      orders: orders.size,
      purchaseVisits: earlier,
      revenue,
    }
  }

  for (const step of completeEvents(steps)) {
    if ('decide' in step) {
      answers.push(profileFrom(step.decide))
      continue
    }
    if (!visitOrder.includes(step.visit)) visitOrder.push(step.visit)
    let accepted = 0
    for (const event of step.events) {
      if (seenEvents.has(event.id!)) continue
      if (event.type === 'purchase') {
        if (orders.has(event.orderId!)) continue
        orders.set(event.orderId!, toMicros(event.revenue!))
        purchaseVisits.add(step.visit)
      }
      seenEvents.add(event.id!)
      accepted++
    }
    answers.push({
      ...profileFrom(step.visit),
      accepted,
      duplicates: step.events.length - accepted,
    })
  }
  return answers
}

describe('classification histories (golden cases, reference model)', () => {
  it.each(historyCases)('%s', (_name, steps, expected) => {
    const answers = replayReference(steps)
    expected.forEach((expectation: StepExpectation, index) => {
      const { lastPurchaseAt: _at, lapsed: _lapsed, ...comparable } = expectation
      expect(answers[index], `step ${index}`).toMatchObject(comparable)
    })
  })
})

describe('toProfile', () => {
  const now = Date.parse('2026-11-23T12:00:00Z')
  const base = {
    personId: 'v',
    visits: 2,
    orders: 3,
    purchaseVisits: 2,
    revenueMicros: 19_990_000,
    lastPurchaseAt: now - DAY,
    verifiedPurchaseVisits: 0,
    verifiedOrders: 0,
    verifiedRevenueMicros: 0,
    verifiedLastPurchaseAt: null,
    currentVisitHasVerifiedPurchase: false,
  }

  it("does not count the current visit's purchase", () => {
    const profile = toProfile('v', { ...base, currentVisitHasPurchase: true }, now, 90)
    expect(profile).toEqual({
      visitorId: 'v',
      segment: 'returning',
      visits: 2,
      orders: 3,
      purchaseVisits: 1,
      revenue: 19.99,
      lastPurchaseAt: new Date(now - DAY).toISOString(),
      lapsed: false,
    })
  })

  it('counts an unseen visit as starting now', () => {
    const profile = toProfile('v', { ...base, currentVisitHasPurchase: null }, now, 90)
    expect(profile.visits).toBe(3)
    expect(profile.segment).toBe('repeat')
  })

  it('reports lapsed from the site window', () => {
    const state = { ...base, lastPurchaseAt: now - 10 * DAY, currentVisitHasPurchase: false }
    expect(toProfile('v', state, now, 7).lapsed).toBe(true)
    expect(toProfile('v', state, now, 30).lapsed).toBe(false)
  })
})

describe('toVerifiedProfile', () => {
  const now = Date.parse('2026-11-23T12:00:00Z')
  const state = {
    personId: 'v',
    visits: 4,
    orders: 5,
    purchaseVisits: 3,
    revenueMicros: 90_000_000,
    lastPurchaseAt: now - DAY,
    verifiedPurchaseVisits: 2,
    verifiedOrders: 2,
    verifiedRevenueMicros: 40_000_000,
    verifiedLastPurchaseAt: now - 100 * DAY,
    currentVisitHasPurchase: true,
    currentVisitHasVerifiedPurchase: true,
  }

  it("counts only what the shop's server verified, the current visit's purchase from the next visit on", () => {
    expect(toVerifiedProfile('v', state, now, 90)).toEqual({
      visitorId: 'v',
      segment: 'returning',
      visits: 4,
      orders: 2,
      purchaseVisits: 1,
      revenue: 40,
      lastPurchaseAt: new Date(now - 100 * DAY).toISOString(),
      lapsed: true,
    })
    // The browser's own view of the same visitor.
    expect(toProfile('v', state, now, 90)).toMatchObject({
      segment: 'repeat',
      orders: 5,
      revenue: 90,
      lapsed: false,
    })
  })

  it('is a shopper with nothing verified, whatever the browser reported', () => {
    const faked = {
      ...state,
      verifiedPurchaseVisits: 0,
      verifiedOrders: 0,
      verifiedRevenueMicros: 0,
      verifiedLastPurchaseAt: null,
      currentVisitHasVerifiedPurchase: false,
    }
    expect(toVerifiedProfile('v', faked, now, 90)).toMatchObject({
      segment: 'shopper',
      orders: 0,
      revenue: 0,
      lastPurchaseAt: null,
      lapsed: false,
    })
  })
})
