import { env } from 'cloudflare:test'
import type { DecideResponse, Rule, RuleWarning } from '@stammis/contract'
import { describe, expect, it } from 'vitest'
import { adminFetch, createTestSite, postJson, type TestSite } from '../../test/helpers'
import { insertRuleset } from './queries'
import { sanitizeRules } from './safe-content'

const ATTACK = '<p>Hi</p><img src=x onerror=alert(1)>'
const CLEAN = '<p>Hi</p><img src="x">'
const htmlRule = (value: string, id = 'hero'): Rule => ({
  id,
  slot: 'hero',
  priority: 0,
  status: 'live',
  when: {},
  holdoutPercent: 0,
  content: { type: 'html', value },
})

async function call(
  site: TestSite,
  method: string,
  path: string,
  body?: unknown,
): Promise<Record<string, unknown>> {
  const response = await adminFetch(path, site.secretKey, {
    method,
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  expect(response.status, `${method} ${path}`).toBe(200)
  return (await response.json()) as Record<string, unknown>
}

async function servedHtml(site: TestSite): Promise<unknown> {
  const response = await postJson('/v1/decide', {
    site: site.publicKey,
    visitorId: 'v',
    visitId: 's',
    slots: ['hero'],
  })
  return ((await response.json()) as DecideResponse).decisions.hero?.content?.value
}

async function storedVersion(site: TestSite, version: number): Promise<unknown> {
  const row = await env.DB.prepare('SELECT rules FROM rulesets WHERE site_id = ?1 AND version = ?2')
    .bind(site.siteId, version)
    .first<{ rules: string }>()
  return (JSON.parse(row!.rules) as Rule[])[0]!.content?.value
}

describe('sanitizeRules', () => {
  it('changes html content only, and names the rules it changed', () => {
    const text: Rule = { ...htmlRule('x', 'text'), content: { type: 'text', value: ATTACK } }
    const json: Rule = {
      ...htmlRule('x', 'json'),
      content: { type: 'json', value: { html: ATTACK } },
    }
    const { rules, changedRuleIds } = sanitizeRules(
      [htmlRule(ATTACK), htmlRule(CLEAN, 'clean'), text, json],
      { allowScripts: false },
    )
    expect(rules.map((rule) => rule.content?.value)).toEqual([
      CLEAN,
      CLEAN,
      ATTACK,
      { html: ATTACK },
    ])
    expect(changedRuleIds).toEqual(['hero'])
    expect(sanitizeRules([htmlRule(ATTACK)], { allowScripts: true }).rules[0]!.content?.value).toBe(
      ATTACK,
    )
  })
})

describe('marketer html on every save path', () => {
  it('PUT /v1/admin/rules stores and serves it sanitized, and names the rule', async () => {
    const site = await createTestSite()
    expect(await call(site, 'PUT', '/v1/admin/rules', { rules: [htmlRule(ATTACK)] })).toMatchObject(
      { version: 1, sanitizedRuleIds: ['hero'] },
    )
    expect(await storedVersion(site, 1)).toBe(CLEAN)
    expect(await servedHtml(site)).toBe(CLEAN)
  })

  it('the workspace stores it sanitized and warns once; publishing it stays clean', async () => {
    const site = await createTestSite()
    const saved = await call(site, 'PUT', '/v1/admin/workspace', { rules: [htmlRule(ATTACK)] })
    expect((saved.rules as Rule[])[0]!.content?.value).toBe(CLEAN)
    expect(
      (saved.warnings as RuleWarning[]).map((warning) => [warning.code, warning.ruleIds]),
    ).toContainEqual(['html_sanitized', ['hero']])
    const again = await call(site, 'GET', '/v1/admin/workspace')
    expect((again.warnings as RuleWarning[]).map((warning) => warning.code)).not.toContain(
      'html_sanitized',
    )
    expect(await call(site, 'POST', '/v1/admin/workspace/publish', {})).toMatchObject({
      version: 1,
      sanitizedRuleIds: [],
    })
    expect(await storedVersion(site, 1)).toBe(CLEAN)
  })

  it('rules/check warns about what publishing would clean, and diffs the cleaned html', async () => {
    const site = await createTestSite()
    const check = await call(site, 'POST', '/v1/admin/rules/check', { rules: [htmlRule(ATTACK)] })
    expect(check.warnings).toContainEqual(
      expect.objectContaining({ code: 'html_sanitized', slot: 'hero', ruleIds: ['hero'] }),
    )
    expect(await call(site, 'PUT', '/v1/admin/rules', { rules: [htmlRule(CLEAN)] })).toMatchObject({
      sanitizedRuleIds: [],
    })
    const same = await call(site, 'POST', '/v1/admin/rules/check', { rules: [htmlRule(ATTACK)] })
    expect(same.diff).toEqual({ added: [], removed: [], changed: [] })
  })

  it('rollback to a version stored before sanitizing existed publishes it clean', async () => {
    const site = await createTestSite()
    await insertRuleset(
      env.DB,
      site.siteId,
      { version: 1, publishedAt: null, rules: [htmlRule(ATTACK)] },
      Date.now(),
    )
    await call(site, 'PUT', '/v1/admin/rules', { rules: [htmlRule('<p>Other</p>')] })
    expect(await call(site, 'POST', '/v1/admin/rules/rollback', { version: 1 })).toMatchObject({
      version: 3,
      sanitizedRuleIds: ['hero'],
    })
    expect(await storedVersion(site, 3)).toBe(CLEAN)
  })

  it('the admin preview shows the html as it would be served', async () => {
    const site = await createTestSite()
    await insertRuleset(
      env.DB,
      site.siteId,
      { version: 1, publishedAt: null, rules: [htmlRule(ATTACK)] },
      Date.now(),
    )
    const preview = await call(site, 'POST', '/v1/admin/preview', {
      segment: 'shopper',
      source: 'live',
    })
    expect((preview.slots as { content: { value: string } }[])[0]!.content.value).toBe(CLEAN)
  })
})

describe('allowScripts', () => {
  it('is off by default; on, html is stored and served as given; off again, the same version is served clean', async () => {
    const site = await createTestSite()
    expect(await call(site, 'GET', '/v1/admin/site')).toMatchObject({ allowScripts: false })
    expect(await call(site, 'PATCH', '/v1/admin/site', { allowScripts: true })).toMatchObject({
      allowScripts: true,
    })
    expect(await call(site, 'GET', '/v1/admin/site')).toMatchObject({ allowScripts: true })

    expect(await call(site, 'PUT', '/v1/admin/rules', { rules: [htmlRule(ATTACK)] })).toMatchObject(
      { sanitizedRuleIds: [] },
    )
    expect(await storedVersion(site, 1)).toBe(ATTACK)
    expect(await servedHtml(site)).toBe(ATTACK)

    // Turned off: decide cleans at once, though the stored version (and the isolate's cache) has scripts.
    await call(site, 'PATCH', '/v1/admin/site', { allowScripts: false })
    expect(await servedHtml(site)).toBe(CLEAN)
  })

  it('is validated like any setting', async () => {
    const site = await createTestSite()
    const response = await adminFetch('/v1/admin/site', site.secretKey, {
      method: 'PATCH',
      body: JSON.stringify({ allowScripts: 'yes' }),
    })
    expect(response.status).toBe(400)
    expect(await call(site, 'GET', '/v1/admin/site')).toMatchObject({ allowScripts: false })
  })
})
