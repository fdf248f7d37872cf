import type { DecideResponse } from '@stammis/contract'
import { describe, expect, it } from 'vitest'
import {
  adminFetch,
  countRows,
  createTestSite,
  postJson,
  publishRules,
  type ErrorJson,
  type TestSite,
} from '../../test/helpers'
import { signPreviewToken } from '../decide/preview-token'
import type { PreviewResult } from './preview'

const rules = [
  {
    id: 'new',
    slot: 'hero',
    status: 'live',
    when: { segments: ['shopper'] },
    content: { type: 'text', value: 'Hello' },
  },
  {
    id: 'back',
    slot: 'hero',
    status: 'live',
    when: { segments: ['returning'] },
    content: { type: 'text', value: 'Welcome back' },
    holdoutPercent: 20,
  },
  {
    id: 'lapsed',
    slot: 'hero',
    status: 'live',
    priority: 5,
    when: { segments: ['returning', 'repeat'], lapsed: true },
    content: { type: 'text', value: 'We miss you' },
    offer: { kind: 'percent', value: 20, uniqueCodes: { prefix: 'MISS', validDays: 14 } },
  },
  {
    id: 'loyal-banner',
    slot: 'banner',
    status: 'live',
    when: { segments: ['repeat'] },
    content: { type: 'html', value: '<b>VIP</b>' },
  },
]

async function preview(site: TestSite, body: object): Promise<PreviewResult> {
  const response = await adminFetch('/v1/admin/preview', site.secretKey, {
    method: 'POST',
    body: JSON.stringify(body),
  })
  expect(response.status).toBe(200)
  return (await response.json()) as PreviewResult
}

describe('POST /v1/admin/preview', () => {
  it('shows what each segment gets in every slot, with holdouts', async () => {
    const site = await createTestSite()
    await publishRules(site, rules)
    const returning = await preview(site, { segment: 'returning', source: 'live' })
    expect(returning.profile).toMatchObject({
      segment: 'returning',
      purchaseVisits: 1,
      lapsed: false,
    })
    expect(returning.slots).toEqual([
      {
        slot: 'banner',
        ruleId: null,
        priority: null,
        content: null,
        offer: null,
        holdoutPercent: 0,
        isHeldOut: null,
      },
      {
        slot: 'hero',
        ruleId: 'back',
        priority: 0,
        content: { type: 'text', value: 'Welcome back' },
        offer: null,
        holdoutPercent: 20,
        isHeldOut: null,
      },
    ])
    const repeat = await preview(site, { segment: 'repeat', source: 'live' })
    expect(repeat.slots.map((s) => s.ruleId)).toEqual(['loyal-banner', null])
    const lapsed = await preview(site, { segment: 'repeat', lapsed: true, source: 'live' })
    expect(lapsed.slots[1]).toMatchObject({
      ruleId: 'lapsed',
      offer: { kind: 'percent', value: 20 },
    })
    expect(lapsed.slots[1]?.offer?.code).toMatch(/^MISS-[0-9A-Z]{8}$/)
    // A shopper is never lapsed: nothing to lapse from.
    expect(
      (await preview(site, { segment: 'shopper', lapsed: true, source: 'live' })).slots[1]?.ruleId,
    ).toBe('new')
  })

  it('previews the working copy before it is published', async () => {
    const site = await createTestSite()
    await publishRules(site, rules)
    await adminFetch('/v1/admin/workspace', site.secretKey, {
      method: 'PUT',
      body: JSON.stringify({
        rules: [{ ...rules[1], content: { type: 'text', value: 'Draft greeting' } }],
      }),
    })
    expect((await preview(site, { segment: 'returning' })).slots[0]?.content).toEqual({
      type: 'text',
      value: 'Draft greeting',
    })
    expect(
      (await preview(site, { segment: 'returning', source: 'live' })).slots.find(
        (s) => s.slot === 'hero',
      )?.content,
    ).toEqual({ type: 'text', value: 'Welcome back' })
  })

  it('says whether a given visitor is held out', async () => {
    const site = await createTestSite()
    await publishRules(site, rules)
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        preview(site, { segment: 'returning', source: 'live', visitorId: `v${i}` }),
      ),
    )
    const held = results.map((r) => r.slots.find((s) => s.slot === 'hero')?.isHeldOut)
    expect(held).toContain(true)
    expect(held).toContain(false)
  })

  it('rejects a bad request', async () => {
    const site = await createTestSite()
    const response = await adminFetch('/v1/admin/preview', site.secretKey, {
      method: 'POST',
      body: JSON.stringify({ segment: 'vip' }),
    })
    expect(response.status).toBe(400)
    expect(((await response.json()) as ErrorJson).error.code).toBe('invalid_request')
  })
})

describe('preview links', () => {
  async function link(
    site: TestSite,
    body: object,
  ): Promise<{ url: string; token: string; expiresAt: string }> {
    const response = await adminFetch('/v1/admin/preview-links', site.secretKey, {
      method: 'POST',
      body: JSON.stringify(body),
    })
    expect(response.status).toBe(200)
    return (await response.json()) as { url: string; token: string; expiresAt: string }
  }
  const decide = (site: TestSite, preview: string, visitorId = 'anyone') =>
    postJson('/v1/decide', {
      site: site.publicKey,
      visitorId,
      visitId: 's',
      slots: ['hero', 'banner'],
      preview,
    })

  it('opens the shop as a forced segment and records nothing', async () => {
    const site = await createTestSite()
    await publishRules(site, rules)
    const created = await link(site, {
      segment: 'repeat',
      url: 'https://shop.example/?a=1',
      ttlMinutes: 60,
    })
    expect(created.url).toBe(`https://shop.example/?a=1&stammis_preview=${created.token}`)
    const response = await decide(site, created.token)
    expect(response.status).toBe(200)
    const body = (await response.json()) as DecideResponse
    expect(body.preview).toBe(true)
    expect(body.profile.segment).toBe('repeat')
    expect(body.decisions.banner?.ruleId).toBe('loyal-banner')
    await new Promise((done) => setTimeout(done, 100))
    expect(await countRows('exposures', site.siteId)).toBe(0)
  })

  it("refuses expired, forged and other sites' tokens", async () => {
    const site = await createTestSite()
    const other = await createTestSite()
    const { env } = await import('cloudflare:test')
    const codeSecret = (await env.DB.prepare('SELECT code_secret FROM sites WHERE id = ?1')
      .bind(site.siteId)
      .first<{ code_secret: string }>())!.code_secret
    const expired = await signPreviewToken(codeSecret, {
      siteId: site.siteId,
      segment: 'repeat',
      lapsed: false,
      expiresAt: Date.now() - 1,
    })
    const forged = (
      await link(site, { segment: 'repeat', url: 'https://shop.example/' })
    ).token.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'))
    const foreign = (await link(other, { segment: 'repeat', url: 'https://shop.example/' })).token
    for (const token of [expired, forged, foreign, 'garbage']) {
      const response = await decide(site, token)
      expect(response.status, token).toBe(403)
      expect(((await response.json()) as ErrorJson).error.code).toBe('invalid_preview')
    }
  })

  it('rejects a link without a valid shop URL', async () => {
    const site = await createTestSite()
    const response = await adminFetch('/v1/admin/preview-links', site.secretKey, {
      method: 'POST',
      body: JSON.stringify({ segment: 'repeat', url: 'javascript:alert(1)' }),
    })
    expect(response.status).toBe(400)
  })
})
