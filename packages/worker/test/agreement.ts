import { expect } from 'vitest'

/**
 * Compares a metrics report (or any part of one) with the reference's, key by key: counts must
 * match exactly, money and ratios to 1e-9.
 * @example expectAgreement(report, referenceMetrics(log, site, from, to, ruleIds))
 */
export function expectAgreement(actual: unknown, expected: unknown, path = 'report'): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    if (Number.isInteger(expected) && Number.isInteger(actual)) expect(actual, path).toBe(expected)
    else
      expect(Math.abs(actual - expected), `${path}: ${actual} vs ${expected}`).toBeLessThanOrEqual(
        1e-9 * Math.max(1, Math.abs(expected)),
      )
    return
  }
  if (expected && typeof expected === 'object') {
    expect(actual, path).toBeTypeOf('object')
    expect(Object.keys(actual as object).sort(), path).toEqual(Object.keys(expected).sort())
    for (const key of Object.keys(expected))
      expectAgreement(
        (actual as Record<string, unknown>)[key],
        (expected as Record<string, unknown>)[key],
        `${path}.${key}`,
      )
    return
  }
  expect(actual, path).toEqual(expected)
}
