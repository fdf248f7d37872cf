import { env } from 'cloudflare:test'
import type { Rule } from '@stammis/contract'
import { describe, expect, it } from 'vitest'
import { createTestSite } from '../../test/helpers'
import { insertRuleset } from './queries'
import { compileRuleset, loadRuleset, publishRuleset, rulesetKey } from './store'

const SANITIZED = { allowScripts: false }

const rule = (id: string, priority: number, status: 'live' | 'draft' = 'live'): Rule => ({
  id,
  slot: 'hero',
  priority,
  status,
  when: {},
  content: { type: 'text', value: id },
  holdoutPercent: 0,
})

describe('compileRuleset', () => {
  it('keeps live rules only, by slot, highest priority first, ties in listed order', () => {
    const compiled = compileRuleset('s', 3, [rule('a', 1), rule('b', 5), rule('draft', 99, 'draft'), rule('c', 5), { ...rule('x', 0), slot: 'banner' }], SANITIZED)
    expect(compiled.bySlot.get('hero')?.map((r) => r.id)).toEqual(['b', 'c', 'a'])
    expect(compiled.bySlot.get('banner')?.map((r) => r.id)).toEqual(['x'])
  })
})

describe('compileRuleset and html', () => {
  const html = (value: string): Rule => ({ ...rule('h', 1), content: { type: 'html', value } })

  it('sanitizes html content unless the site allows scripts', () => {
    const attack = '<b>Hi</b><img src=x onerror=alert(1)>'
    expect(compileRuleset('s', 1, [html(attack)], SANITIZED).bySlot.get('hero')?.[0]?.content).toEqual({ type: 'html', value: '<b>Hi</b><img src="x">' })
    expect(compileRuleset('s', 1, [html(attack)], { allowScripts: true }).bySlot.get('hero')?.[0]?.content).toEqual({ type: 'html', value: attack })
    // Text content is never touched: the SDK renders it as text.
    expect(compileRuleset('s', 1, [{ ...rule('t', 1), content: { type: 'text', value: '<i>x</i>' } }], SANITIZED).bySlot.get('hero')?.[0]?.content?.value).toBe('<i>x</i>')
  })
})

describe('loadRuleset', () => {
  it('recompiles a cached version when the site\'s html setting changed', async () => {
    const site = await createTestSite()
    await publishRuleset(env, site.siteId, [{ ...rule('h', 1), content: { type: 'html', value: '<img src=x onerror=alert(1)>' } }], Date.now(), { actor: 't', allowScripts: true })
    const open = await loadRuleset(env, site.siteId, 1, { allowScripts: true })
    expect(open.bySlot.get('hero')?.[0]?.content?.value).toBe('<img src=x onerror=alert(1)>')
    const closed = await loadRuleset(env, site.siteId, 1, SANITIZED)
    expect(closed.bySlot.get('hero')?.[0]?.content?.value).toBe('<img src="x">')
  })

  it('serves version 0 as no rules', async () => {
    const ruleset = await loadRuleset(env, 'no-such-site', 0, SANITIZED)
    expect(ruleset.bySlot.size).toBe(0)
  })

  it('reads a version from KV, then from memory', async () => {
    const site = await createTestSite()
    await publishRuleset(env, site.siteId, [rule('from-kv', 1)], Date.now())
    const first = await loadRuleset(env, site.siteId, 1, SANITIZED)
    expect(first.bySlot.get('hero')?.[0]?.id).toBe('from-kv')
    // Gone from KV: the cached copy keeps serving the same immutable version.
    await env.RULES.delete(rulesetKey(site.siteId, 1))
    expect(await loadRuleset(env, site.siteId, 1, SANITIZED)).toBe(first)
  })

  it('falls back to D1 when KV does not have the version yet', async () => {
    const site = await createTestSite()
    await insertRuleset(env.DB, site.siteId, { version: 1, publishedAt: null, rules: [rule('only-in-d1', 1)] }, Date.now())
    const ruleset = await loadRuleset(env, site.siteId, 1, SANITIZED)
    expect(ruleset.bySlot.get('hero')?.[0]?.id).toBe('only-in-d1')
  })

  it('replaces the cached set when a newer version is asked for', async () => {
    const site = await createTestSite()
    await publishRuleset(env, site.siteId, [rule('v1', 1)], Date.now())
    await loadRuleset(env, site.siteId, 1, SANITIZED)
    await publishRuleset(env, site.siteId, [rule('v2', 1)], Date.now())
    expect((await loadRuleset(env, site.siteId, 2, SANITIZED)).bySlot.get('hero')?.[0]?.id).toBe('v2')
  })
})

describe('publishRuleset', () => {
  it('refuses a version number taken by a concurrent publish', async () => {
    const site = await createTestSite()
    // Another publish wins version 1 between our read of the latest version and our insert.
    await insertRuleset(env.DB, site.siteId, { version: 1, publishedAt: null, rules: [] }, Date.now())
    const inserted = await insertRuleset(env.DB, site.siteId, { version: 1, publishedAt: null, rules: [rule('late', 1)] }, Date.now())
    expect(inserted).toBe(false)
    const next = await publishRuleset(env, site.siteId, [rule('next', 1)], Date.now())
    expect(next.version).toBe(2)
  })
})
