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
    const compiled = compileRuleset(
      's',
      3,
      [
        rule('a', 1),
        rule('b', 5),
        rule('draft', 99, 'draft'),
        rule('c', 5),
        { ...rule('x', 0), slot: 'banner' },
      ],
      SANITIZED,
    )
    expect(compiled.bySlot.get('hero')?.map((r) => r.id)).toEqual(['b', 'c', 'a'])
    expect(compiled.bySlot.get('banner')?.map((r) => r.id)).toEqual(['x'])
  })
})

describe('compileRuleset and html', () => {
  const html = (value: string): Rule => ({ ...rule('h', 1), content: { type: 'html', value } })

  it('sanitizes html content unless the site allows scripts', () => {
    const attack = '<b>Hi</b><img src=x onerror=alert(1)>'
    expect(
      compileRuleset('s', 1, [html(attack)], SANITIZED).bySlot.get('hero')?.[0]?.content,
    ).toEqual({ type: 'html', value: '<b>Hi</b><img src="x">' })
    expect(
      compileRuleset('s', 1, [html(attack)], { allowScripts: true }).bySlot.get('hero')?.[0]
        ?.content,
    ).toEqual({ type: 'html', value: attack })
    // Text content is never touched: the SDK renders it as text.
    expect(
      compileRuleset(
        's',
        1,
        [{ ...rule('t', 1), content: { type: 'text', value: '<i>x</i>' } }],
        SANITIZED,
      ).bySlot.get('hero')?.[0]?.content?.value,
    ).toBe('<i>x</i>')
  })
})

describe('loadRuleset', () => {
  it("recompiles a cached version when the site's html setting changed", async () => {
    const site = await createTestSite()
    await publishRuleset(
      env,
      site.siteId,
      [{ ...rule('h', 1), content: { type: 'html', value: '<img src=x onerror=alert(1)>' } }],
      Date.now(),
      { actor: 't', allowScripts: true },
    )
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
    await insertRuleset(
      env.DB,
      site.siteId,
      { version: 1, publishedAt: null, rules: [rule('only-in-d1', 1)] },
      Date.now(),
    )
    const ruleset = await loadRuleset(env, site.siteId, 1, SANITIZED)
    expect(ruleset.bySlot.get('hero')?.[0]?.id).toBe('only-in-d1')
  })

  it('replaces the cached set when a newer version is asked for', async () => {
    const site = await createTestSite()
    await publishRuleset(env, site.siteId, [rule('v1', 1)], Date.now())
    await loadRuleset(env, site.siteId, 1, SANITIZED)
    await publishRuleset(env, site.siteId, [rule('v2', 1)], Date.now())
    expect((await loadRuleset(env, site.siteId, 2, SANITIZED)).bySlot.get('hero')?.[0]?.id).toBe(
      'v2',
    )
  })
})

describe('publishRuleset', () => {
  it('writes D1 before KV: a version KV does not have yet is served from D1', async () => {
    const site = await createTestSite()
    const seen: string[] = []
    // Real bindings; the KV write is held back until the test has checked what decide serves.
    let releaseKv: () => void = () => {}
    const kvHeld = new Promise<void>((resolve) => (releaseKv = resolve))
    const slowKv = new Proxy(env.RULES, {
      get(target, property) {
        if (property === 'put') {
          return async (...args: Parameters<KVNamespace['put']>) => {
            seen.push('kv')
            await kvHeld
            return target.put(...args)
          }
        }
        const value = Reflect.get(target, property) as unknown
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
    const publishing = publishRuleset(
      { ...env, RULES: slowKv },
      site.siteId,
      [rule('d1-first', 1)],
      Date.now(),
    )
    await expect.poll(() => seen).toEqual(['kv'])
    // The D1 row is in (the version is live) while the KV write waits.
    expect(await env.RULES.get(rulesetKey(site.siteId, 1))).toBeNull()
    const served = await loadRuleset(env, site.siteId, 1, SANITIZED)
    expect(served.bySlot.get('hero')?.[0]?.id).toBe('d1-first')
    releaseKv()
    expect((await publishing).version).toBe(1)
    expect(await env.RULES.get(rulesetKey(site.siteId, 1), 'json')).toMatchObject({
      version: 1,
      rules: [{ id: 'd1-first' }],
    })
  })

  it('succeeds when the KV write fails: the version is live in D1 and served from there', async () => {
    const site = await createTestSite()
    const brokenKv = new Proxy(env.RULES, {
      get(target, property) {
        if (property === 'put') return () => Promise.reject(new Error('KV is down'))
        const value = Reflect.get(target, property) as unknown
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
    const published = await publishRuleset(
      { ...env, RULES: brokenKv },
      site.siteId,
      [rule('despite-kv', 1)],
      Date.now(),
    )
    expect(published.version).toBe(1)
    expect(await env.RULES.get(rulesetKey(site.siteId, 1))).toBeNull()
    expect((await loadRuleset(env, site.siteId, 1, SANITIZED)).bySlot.get('hero')?.[0]?.id).toBe(
      'despite-kv',
    )
  })

  it('a refused publish (expectVersion) writes nothing anywhere', async () => {
    const site = await createTestSite()
    await publishRuleset(env, site.siteId, [rule('v1', 1)], Date.now())
    await expect(
      publishRuleset(env, site.siteId, [rule('stale', 1)], Date.now(), {
        actor: 'x',
        expectVersion: 0,
      }),
    ).rejects.toMatchObject({ code: 'publish_conflict' })
    expect(await env.RULES.get(rulesetKey(site.siteId, 2))).toBeNull()
    expect((await loadRuleset(env, site.siteId, 1, SANITIZED)).bySlot.get('hero')?.[0]?.id).toBe(
      'v1',
    )
  })

  it('refuses a version number taken by a concurrent publish', async () => {
    const site = await createTestSite()
    // Another publish wins version 1 between our read of the latest version and our insert.
    await insertRuleset(
      env.DB,
      site.siteId,
      { version: 1, publishedAt: null, rules: [] },
      Date.now(),
    )
    const inserted = await insertRuleset(
      env.DB,
      site.siteId,
      { version: 1, publishedAt: null, rules: [rule('late', 1)] },
      Date.now(),
    )
    expect(inserted).toBe(false)
    const next = await publishRuleset(env, site.siteId, [rule('next', 1)], Date.now())
    expect(next.version).toBe(2)
  })
})
