import type { Ruleset, VersionSummary } from '@stammis/contract'
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
import type { Workspace } from './workspace'

const hero = (id: string, extra: object = {}) => ({
  id,
  slot: 'hero',
  status: 'live',
  content: { type: 'text', value: id },
  ...extra,
})
const json = (body: unknown): RequestInit => ({ body: JSON.stringify(body) })

async function heroRuleFor(site: TestSite, visitorId: string): Promise<string | undefined> {
  const response = await postJson('/v1/decide', {
    site: site.publicKey,
    visitorId,
    visitId: 'v',
    slots: ['hero'],
  })
  return ((await response.json()) as { decisions: { hero: { ruleId: string } | null } }).decisions
    .hero?.ruleId
}

describe('/v1/admin/workspace', () => {
  it('saves a working copy without publishing, then publishes it with who and a note', async () => {
    const site = await createTestSite()
    await publishRules(site, [hero('live-one')])

    const saved = await adminFetch('/v1/admin/workspace', site.secretKey, {
      method: 'PUT',
      ...json({
        rules: [hero('live-one', { priority: 2 }), hero('draft-two', { status: 'draft' })],
      }),
    })
    expect(saved.status).toBe(200)
    const workspace = (await saved.json()) as Workspace
    expect(workspace).toMatchObject({
      liveVersion: 1,
      hasChanges: true,
      diff: {
        added: ['draft-two'],
        removed: [],
        changed: [{ id: 'live-one', fields: ['priority'] }],
      },
    })
    expect(workspace.rules.map((r) => r.displayStatus)).toEqual(['live', 'draft'])
    // Not live yet.
    expect(await countRows('rulesets', site.siteId)).toBe(1)

    const published = await adminFetch('/v1/admin/workspace/publish', site.secretKey, {
      method: 'POST',
      headers: { 'x-stammis-user': 'Maria' },
      ...json({ note: 'Raise priority' }),
    })
    expect(await published.json()).toMatchObject({ version: 2 })
    const live = (await (await adminFetch('/v1/admin/rules', site.secretKey)).json()) as Ruleset
    expect(live).toMatchObject({ version: 2, publishedBy: 'Maria', note: 'Raise priority' })
    const after = (await (
      await adminFetch('/v1/admin/workspace', site.secretKey)
    ).json()) as Workspace
    expect(after).toMatchObject({ liveVersion: 2, hasChanges: false })
  })

  it('rejects an invalid working copy and keeps the previous one', async () => {
    const site = await createTestSite()
    await adminFetch('/v1/admin/workspace', site.secretKey, {
      method: 'PUT',
      ...json({ rules: [hero('good')] }),
    })
    const bad = await adminFetch('/v1/admin/workspace', site.secretKey, {
      method: 'PUT',
      ...json({ rules: [hero('good'), hero('bad', { holdoutPercent: 90 })] }),
    })
    expect(bad.status).toBe(400)
    const error = ((await bad.json()) as ErrorJson & { error: { issues: { path: string }[] } })
      .error
    expect(error.issues[0]?.path).toBe('rules.1.holdoutPercent')
    const workspace = (await (
      await adminFetch('/v1/admin/workspace', site.secretKey)
    ).json()) as Workspace
    expect(workspace.rules.map((r) => r.id)).toEqual(['good'])
  })

  it('reports warnings of the working copy', async () => {
    const site = await createTestSite()
    const response = await adminFetch('/v1/admin/workspace', site.secretKey, {
      method: 'PUT',
      ...json({
        rules: [
          hero('first-order', {
            when: { segments: ['shopper'] },
            offer: { kind: 'percent', value: 15 },
          }),
          hero('back', {
            when: { segments: ['returning', 'repeat'] },
            offer: { kind: 'percent', value: 5 },
          }),
        ],
      }),
    })
    const workspace = (await response.json()) as Workspace
    expect(workspace.warnings.map((w) => w.code)).toEqual([
      'new_visitors_favoured',
      'new_visitors_favoured',
    ])
  })
})

describe('/v1/admin/rules versions and rollback', () => {
  it('keeps every version with its diff and rolls back in one call', async () => {
    const site = await createTestSite()
    await publishRules(site, [hero('one')])
    await publishRules(site, [hero('one', { priority: 5 }), hero('two')])
    expect(await heroRuleFor(site, 'x')).toBe('one')
    await publishRules(site, [hero('two', { priority: 9 })])
    expect(await heroRuleFor(site, 'x')).toBe('two')

    const { versions } = (await (
      await adminFetch('/v1/admin/rules/versions', site.secretKey)
    ).json()) as { versions: VersionSummary[] }
    expect(versions.map((v) => [v.version, v.ruleCount, v.diff])).toEqual([
      [3, 1, { added: [], removed: ['one'], changed: [{ id: 'two', fields: ['priority'] }] }],
      [2, 2, { added: ['two'], removed: [], changed: [{ id: 'one', fields: ['priority'] }] }],
      [1, 1, { added: ['one'], removed: [], changed: [] }],
    ])

    const rollback = await adminFetch('/v1/admin/rules/rollback', site.secretKey, {
      method: 'POST',
      headers: { 'x-stammis-user': 'Ana' },
      ...json({ version: 1 }),
    })
    expect(await rollback.json()).toMatchObject({ version: 4, rolledBackTo: 1 })
    expect(await heroRuleFor(site, 'x')).toBe('one')
    const v4 = (await (
      await adminFetch('/v1/admin/rules/versions/4', site.secretKey)
    ).json()) as Ruleset
    expect(v4).toMatchObject({ version: 4, publishedBy: 'Ana', note: 'Rollback to version 1' })
  })

  it('404 for a version that does not exist, and nothing published', async () => {
    const site = await createTestSite()
    await publishRules(site, [hero('one')])
    const response = await adminFetch('/v1/admin/rules/rollback', site.secretKey, {
      method: 'POST',
      ...json({ version: 7 }),
    })
    expect(response.status).toBe(404)
    expect(((await response.json()) as ErrorJson).error.code).toBe('version_not_found')
    expect(await countRows('rulesets', site.siteId)).toBe(1)
    expect((await adminFetch('/v1/admin/rules/versions/0', site.secretKey)).status).toBe(400)
  })

  it('checks a set without publishing: diff against live and warnings', async () => {
    const site = await createTestSite()
    await publishRules(site, [hero('one')])
    const response = await adminFetch('/v1/admin/rules/check', site.secretKey, {
      method: 'POST',
      ...json({ rules: [hero('one'), hero('two')] }),
    })
    expect(await response.json()).toMatchObject({
      liveVersion: 1,
      diff: { added: ['two'] },
      warnings: [{ code: 'priority_tie' }, { code: 'shadowed' }],
    })
    expect(await countRows('rulesets', site.siteId)).toBe(1)
  })
})
