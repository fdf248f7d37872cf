import { env } from 'cloudflare:test'
import type { Ruleset } from '@stammis/contract'
import { describe, expect, it } from 'vitest'
import { adminFetch, countRows, createTestSite, type ErrorJson } from '../../test/helpers'
import { rulesetKey } from './store'

const goodRule = {
  id: 'welcome-back',
  slot: 'hero',
  priority: 10,
  status: 'live',
  when: { segments: ['returning'] },
  content: { type: 'text', value: 'Welcome back' },
}

async function put(secretKey: string | null, body: unknown): Promise<Response> {
  return adminFetch('/v1/admin/rules', secretKey, {
    method: 'PUT',
    body: typeof body === 'string' ? body : JSON.stringify(body),
  })
}

describe('/v1/admin/rules', () => {
  it('publishes a set as a new version, in D1 and KV, and reads it back', async () => {
    const site = await createTestSite()
    const empty = await adminFetch('/v1/admin/rules', site.secretKey)
    expect(await empty.json()).toEqual({
      version: 0,
      publishedAt: null,
      publishedBy: null,
      note: null,
      rules: [],
    })

    const first = await put(site.secretKey, { rules: [goodRule] })
    expect(first.status).toBe(200)
    expect(await first.json()).toMatchObject({ version: 1 })
    const second = await put(site.secretKey, {
      rules: [goodRule, { ...goodRule, id: 'other', slot: 'banner' }],
    })
    expect(await second.json()).toMatchObject({ version: 2 })

    const current = (await (await adminFetch('/v1/admin/rules', site.secretKey)).json()) as Ruleset
    expect(current.version).toBe(2)
    expect(current.rules.map((rule) => rule.id)).toEqual(['welcome-back', 'other'])
    // Defaults are filled in, so what is stored is exactly what decide uses.
    expect(current.rules[0]).toMatchObject({ holdoutPercent: 0, priority: 10 })
    const inKv = await env.RULES.get<Ruleset>(rulesetKey(site.siteId, 2), 'json')
    expect(inKv?.rules).toEqual(current.rules)
  })

  describe('rejects an invalid set whole and publishes nothing', () => {
    const cases: [string, unknown][] = [
      ['not JSON', '{rules:'],
      ['no rules field', {}],
      ['duplicate rule ids', { rules: [goodRule, goodRule] }],
      ['an unknown status', { rules: [{ ...goodRule, status: 'archived' }] }],
      ['holdout above 50%', { rules: [{ ...goodRule, holdoutPercent: 60 }] }],
      ['an unknown segment', { rules: [{ ...goodRule, when: { segments: ['vip'] } }] }],
      [
        'an end before the start',
        {
          rules: [
            { ...goodRule, startsAt: '2026-12-01T00:00:00Z', endsAt: '2026-11-01T00:00:00Z' },
          ],
        },
      ],
      [
        'a percent offer over 100',
        { rules: [{ ...goodRule, offer: { kind: 'percent', value: 150 } }] },
      ],
      ['neither content nor offer', { rules: [{ ...goodRule, content: undefined }] }],
      [
        'minOrders above maxOrders',
        { rules: [{ ...goodRule, when: { minOrders: 3, maxOrders: 1 } }] },
      ],
      ['an unknown field', { rules: [{ ...goodRule, colour: 'red' }] }],
    ]
    it.each(cases)('%s', async (_name, body) => {
      const site = await createTestSite()
      const response = await put(site.secretKey, body)
      expect(response.status).toBe(400)
      const error = ((await response.json()) as ErrorJson).error
      expect(['invalid_request', 'invalid_json']).toContain(error.code)
      expect(await countRows('rulesets', site.siteId)).toBe(0)
    })
  })

  describe('authentication', () => {
    it('401 without a key', async () => {
      const site = await createTestSite()
      const response = await put(null, { rules: [goodRule] })
      expect(response.status).toBe(401)
      expect(((await response.json()) as ErrorJson).error.code).toBe('missing_api_key')
      expect(await countRows('rulesets', site.siteId)).toBe(0)
    })

    it('403 with the public key', async () => {
      const site = await createTestSite()
      const response = await put(site.publicKey, { rules: [goodRule] })
      expect(response.status).toBe(403)
      expect(((await response.json()) as ErrorJson).error.code).toBe('public_key_not_allowed')
      expect(await countRows('rulesets', site.siteId)).toBe(0)
    })

    it('401 with a wrong secret key', async () => {
      const site = await createTestSite()
      for (const method of ['GET', 'PUT']) {
        const response = await adminFetch(
          '/v1/admin/rules',
          `${site.secretKey}x`,
          method === 'PUT' ? { method, body: JSON.stringify({ rules: [] }) } : {},
        )
        expect(response.status).toBe(401)
        expect(((await response.json()) as ErrorJson).error.code).toBe('invalid_api_key')
      }
      expect(await countRows('rulesets', site.siteId)).toBe(0)
    })

    it("never reads or writes another site's rules", async () => {
      const a = await createTestSite()
      const b = await createTestSite()
      await put(a.secretKey, { rules: [goodRule] })
      const fromB = (await (await adminFetch('/v1/admin/rules', b.secretKey)).json()) as Ruleset
      expect(fromB.version).toBe(0)
    })
  })
})

describe('PUT /v1/admin/rules?expectVersion', () => {
  it('publishes only while the expected version is live', async () => {
    const site = await createTestSite()
    const publish = (query: string) =>
      adminFetch(`/v1/admin/rules${query}`, site.secretKey, {
        method: 'PUT',
        body: JSON.stringify({ rules: [goodRule] }),
      })
    expect((await publish('?expectVersion=0')).status).toBe(200)
    const stale = await publish('?expectVersion=0')
    expect(stale.status).toBe(409)
    expect(((await stale.json()) as ErrorJson).error.code).toBe('publish_conflict')
    expect(await countRows('rulesets', site.siteId)).toBe(1)
    expect((await publish('?expectVersion=1')).status).toBe(200)
    expect((await publish('?expectVersion=x')).status).toBe(400)
  })

  it('accepts rule sets larger than the 64 KB browser limit', async () => {
    const site = await createTestSite()
    const rules = Array.from({ length: 40 }, (_, i) => ({
      ...goodRule,
      id: `big-${i}`,
      content: { type: 'html', value: 'x'.repeat(5000) },
    }))
    const response = await adminFetch('/v1/admin/rules', site.secretKey, {
      method: 'PUT',
      body: JSON.stringify({ rules }),
    })
    expect(response.status).toBe(200)
  })
})
