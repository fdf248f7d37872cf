import { describe, expect, it } from 'vitest'
import {
  gammaGammaPrior,
  logPrior,
  logPriorPenalty,
  MIN_PRIOR_CUSTOMERS,
  PRIOR_LOG_SD,
  priorCustomers,
  SMALL_SHOP_CUSTOMERS,
} from './priors'

describe('priors', () => {
  it(`count as max(${SMALL_SHOP_CUSTOMERS} − n, ${MIN_PRIOR_CUSTOMERS}) customers, each with log-sd ${PRIOR_LOG_SD}`, () => {
    expect(logPrior([0, 1], 45)).toEqual({ centre: [0, 1], precision: 5 / PRIOR_LOG_SD ** 2 })
    expect(logPrior([0], 5000).precision).toBe(MIN_PRIOR_CUSTOMERS / PRIOR_LOG_SD ** 2)
    expect(priorCustomers(SMALL_SHOP_CUSTOMERS - 1)).toBe(1)
  })

  it('penalise the squared log distance from the centre, half-weighted by the precision', () => {
    expect(logPriorPenalty([0, 1], { centre: [0, 0], precision: 4 })).toBe(2)
    expect(logPriorPenalty([3, 1], null)).toBe(0)
  })

  it('set the spend prior’s γ so that its mean spend is the shop’s', () => {
    const { p, q, gamma } = gammaGammaPrior(35)
    expect((p * gamma) / (q - 1)).toBeCloseTo(35, 12)
  })
})
