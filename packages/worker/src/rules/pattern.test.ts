import { describe, expect, it } from 'vitest'
import { compileUrlPattern, matchesPattern, matchesUrlPattern } from './pattern'

const matches = (pattern: string, text: string) => matchesPattern(compileUrlPattern(pattern), text)

/** The regex the matcher replaced, as a reference on inputs small enough not to stall it. */
function referenceMatch(pattern: string, text: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[\\s\\S]*')
  return new RegExp(`^${source}$`).test(text)
}

describe('matchesPattern', () => {
  it.each<[string, string, boolean]>([
    ['/products/*', '/products/mug', true],
    ['/products/*', '/products/', true],
    ['/products/*', '/product', false],
    ['/cart', '/cart', true],
    ['/cart', '/cart/', false],
    ['/cart', '/car', false],
    ['*', '', true],
    ['*', 'anything at all', true],
    ['**', 'x', true],
    ['https://*.google.*', 'https://www.google.com/search?q=mugs', true],
    ['https://*.google.*', 'https://google.com/', false],
    ['*/sale', 'https://shop.example/sale', true],
    ['*/sale', 'https://shop.example/sale/2', false],
    ['/p/*-sale', '/p/mug-sale', true],
    ['/p/*-sale', '/p/-sale', true],
    ['/p/*-sale', '/p-sale', false],
    // The first and last parts must not overlap: "ab" starting and "ba" ending "aba" is no match.
    ['ab*ba', 'aba', false],
    ['ab*ba', 'abba', true],
    ['a*a*a', 'aa', false],
    ['a*a*a', 'aaa', true],
    // Middle parts in order, each after the one before.
    ['*b*a*', 'ab', false],
    ['*a*b*', 'ab', true],
    ['*-*-*-*x', '---x', true],
    ['*-*-*-*x', '--x', false],
  ])('%s against %s: %s', (pattern, text, expected) => {
    expect(matches(pattern, text)).toBe(expected)
    expect(referenceMatch(pattern, text)).toBe(expected)
  })

  it('agrees with the old regex on every short text over a small alphabet', () => {
    const patterns = [
      '*',
      'a*',
      '*a',
      'a*b',
      '*ab*',
      'a*a',
      '*a*a*',
      'ab*ab',
      '*b*a*b',
      'a**b',
      'aba',
      '*-*-*x',
    ]
    const alphabet = ['a', 'b', '-', 'x']
    const texts = ['']
    for (let length = 1; length <= 6; length++) {
      for (const text of texts.filter((t) => t.length === length - 1))
        texts.push(...alphabet.map((char) => text + char))
    }
    let compared = 0
    for (const pattern of patterns) {
      for (const text of texts) {
        expect(matches(pattern, text), `${pattern} against "${text}"`).toBe(
          referenceMatch(pattern, text),
        )
        compared++
      }
    }
    expect(compared).toBe(patterns.length * texts.length)
  })

  it('answers adversarial inputs of the largest size right away, with the right result', () => {
    const long = (body: string) => body.repeat(Math.ceil(2048 / body.length)).slice(0, 2048)
    expect(matches('*-*-*-*x', long('-'))).toBe(false)
    expect(matches('*-*-*-*x', long('-').slice(0, -1) + 'x')).toBe(true)
    expect(matches(`*${'a'.repeat(255)}b*`, long('a'))).toBe(false)
    expect(matches(`*${'a'.repeat(255)}b`, long('a').slice(0, -1) + 'b')).toBe(true)
    expect(matches('*a*a*a*a*a*a*a*a*a*a*b', long('a'))).toBe(false)
  })
})

describe('matchesUrlPattern', () => {
  it('matches "/" patterns against path and query, of absolute or relative URLs', () => {
    const path = compileUrlPattern('/products/*')
    expect(matchesUrlPattern(path, 'https://shop.example/products/mug?ref=x')).toBe(true)
    expect(matchesUrlPattern(path, '/products/mug')).toBe(true)
    expect(matchesUrlPattern(path, 'https://shop.example/cart')).toBe(false)
    expect(
      matchesUrlPattern(compileUrlPattern('/sale?c=*'), 'https://shop.example/sale?c=shoes#top'),
    ).toBe(true)
  })

  it('matches other patterns against the whole URL; no URL matches nothing', () => {
    const full = compileUrlPattern('https://*.google.*')
    expect(matchesUrlPattern(full, 'https://www.google.com/search?q=mugs')).toBe(true)
    expect(matchesUrlPattern(full, 'https://bing.com/')).toBe(false)
    expect(matchesUrlPattern(full, undefined)).toBe(false)
    expect(matchesUrlPattern(compileUrlPattern('*'), '')).toBe(false)
  })
})
