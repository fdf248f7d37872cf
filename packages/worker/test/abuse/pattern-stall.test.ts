// Attack: stall decide. Rule URL patterns used to become regular expressions with `.*` for each
// `*`; a pattern like `*-*-*-*x` (a marketer's, harmless-looking) against a 2,000-character URL,
// which any browser may send as decide's `context.url`, backtracks for seconds to hours and holds
// the isolate meanwhile. Matching must be linear in the URL: a fixed number of scans per pattern.
// Timing belongs in `pnpm bench:patterns`; these tests count work instead.
import { RuleSchema, type DecideResponse, type Profile } from '@stammis/contract'
import { describe, expect, it } from 'vitest'
import { compileRule, matchesWhen } from '../../src/rules/match'
import { createTestSite, postJson, publishRules } from '../helpers'

const WORST_PATTERN = '*-*-*-*x'
const profile: Profile = {
  visitorId: 'v',
  segment: 'shopper',
  visits: 1,
  orders: 0,
  purchaseVisits: 0,
  revenue: 0,
  lastPurchaseAt: null,
  lapsed: false,
}
const rule = {
  id: 'dashes',
  slot: 'hero',
  status: 'live',
  when: { urlPattern: WORST_PATTERN, referrerPattern: WORST_PATTERN },
  content: { type: 'text', value: 'x' },
}

/** Whether any value reachable from `value` is a RegExp. */
function holdsRegExp(value: unknown, seen = new Set<unknown>()): boolean {
  if (value instanceof RegExp) return true
  if (typeof value !== 'object' || value === null || seen.has(value)) return false
  seen.add(value)
  return Object.values(value).some((child) => holdsRegExp(child, seen))
}

/**
 * Guard for the tests below: with a regex-compiled pattern, matching a long URL would hold this
 * isolate for hours instead of failing, so refuse to run the match at all.
 */
function expectNoRegExp(): void {
  expect(
    holdsRegExp(compileRule(RuleSchema.parse(rule))),
    'compiled patterns hold no regular expression',
  ).toBe(false)
}

/** A URL whose scans (indexOf, startsWith, ...) are counted: each is one linear pass at most. */
class CountedUrl extends String {
  scans = 0
  override indexOf(search: string, position?: number): number {
    this.scans++
    return super.indexOf(search, position)
  }
  override lastIndexOf(search: string, position?: number): number {
    this.scans++
    return super.lastIndexOf(search, position)
  }
  override startsWith(search: string, position?: number): boolean {
    this.scans++
    return super.startsWith(search, position)
  }
  override endsWith(search: string, length?: number): boolean {
    this.scans++
    return super.endsWith(search, length)
  }
  override includes(search: string, position?: number): boolean {
    this.scans++
    return super.includes(search, position)
  }
}

describe('abuse: stalling decide with a URL pattern', () => {
  it('compiles URL patterns without regular expressions', () => {
    expectNoRegExp()
  })

  it('matches the worst pattern against a 2,048-character URL in a few scans', () => {
    expectNoRegExp()
    const compiled = compileRule(RuleSchema.parse({ ...rule, when: { urlPattern: WORST_PATTERN } }))
    const dashes = `https://shop.example/${'-'.repeat(2048 - 'https://shop.example/'.length)}`
    for (const [text, expected] of [
      [dashes, false],
      [`${dashes.slice(0, -1)}x`, true],
    ] as const) {
      const url = new CountedUrl(text)
      expect(url.length).toBe(2048)
      expect(matchesWhen(compiled, profile, { url: url as unknown as string })).toBe(expected)
      // One scan per literal part of the pattern (five here), whatever the URL's length.
      expect(url.scans).toBeGreaterThan(0)
      expect(url.scans).toBeLessThanOrEqual(WORST_PATTERN.split('*').length)
    }
  })

  it('answers decide at once for a 2,048-character URL against the worst pattern', async () => {
    expectNoRegExp()
    const site = await createTestSite()
    await publishRules(site, [rule])
    const url = `https://shop.example/${'-'.repeat(2048 - 'https://shop.example/'.length)}`
    for (const [context, matches] of [
      [{ url, referrer: url }, false],
      [{ url: `${url.slice(0, -1)}x`, referrer: `${url.slice(0, -1)}x` }, true],
    ] as const) {
      const response = await postJson('/v1/decide', {
        site: site.publicKey,
        visitorId: 'v',
        visitId: 's',
        slots: ['hero'],
        context,
      })
      expect(response.status).toBe(200)
      const body = (await response.json()) as DecideResponse
      expect(body.decisions.hero?.ruleId ?? null).toBe(matches ? 'dashes' : null)
    }
  })
})
