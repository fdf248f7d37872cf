import { env } from 'cloudflare:test'
import type { Ruleset } from '@stammis/contract'
import { describe, expect, it } from 'vitest'
import { countRows, publishRules } from '../../../test/helpers'
import { findLatestRuleset } from '../../rules/queries'
import { ruleFields, savedRules, signedInAdmin } from '../../../test/admin-helpers'

/** The messages shown in a field's block of the editor. */
function fieldErrors(html: string, field: string): string[] {
  const block =
    new RegExp(`data-field="${field.replace(/\./g, '\\.')}">([\\s\\S]*?)</div>`).exec(html)?.[1] ??
    ''
  return [...block.matchAll(/<p class="error"[^>]*>([^<]*)<\/p>/g)].map((match) => match[1]!)
}

describe('rule editor', () => {
  it('creates a rule in the working copy; nothing goes live until publish', async () => {
    const { site, post, page } = await signedInAdmin()
    const response = await post(
      '/admin/rules',
      ruleFields({ 'offer.kind': 'percent', 'offer.value': '12', 'offer.code': 'BACK12' }),
    )
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/admin?done=saved')
    expect(await savedRules(site)).toEqual([
      {
        id: 'welcome-back',
        slot: 'hero',
        priority: 20,
        status: 'live',
        when: { segments: ['returning'] },
        content: { type: 'text', value: 'Welcome back!' },
        offer: { kind: 'percent', value: 12, code: 'BACK12' },
        holdoutPercent: 0,
      },
    ])
    expect(await countRows('rulesets', site.siteId)).toBe(0)

    const list = await page('/admin?done=saved')
    expect(list.html).toContain('Saved. Nothing is live until you publish.')
    expect(list.html).toContain('data-rule="welcome-back"')
    expect(list.html).toContain('12% off · code BACK12')
    expect(list.html).toContain('Unpublished changes')
    expect(list.html).toMatch(/added <strong>welcome-back<\/strong>/)
  })

  it('covers every field of the rule model, times in the shop time zone', async () => {
    const { site, post, page } = await signedInAdmin()
    const response = await post(
      '/admin/rules',
      ruleFields({
        'when.segments': ['returning', 'repeat'],
        'when.lapsed': 'true',
        'when.minOrders': '1',
        'when.maxOrders': '5',
        'when.minRevenue': '10.5',
        'when.maxRevenue': '1000',
        'when.minVisits': '2',
        'when.urlPattern': '/sale*',
        'when.referrerPattern': '*google.*',
        'content.type': 'json',
        'content.value': '{"headline": "Hi"}',
        'offer.kind': 'amount',
        'offer.value': '5',
        'offer.uniqueCodes': 'on',
        'offer.uniqueCodes.prefix': 'VIP',
        'offer.uniqueCodes.validDays': '30',
        'offer.expiresAt': '2031-01-31T23:59',
        holdoutPercent: '10',
        startsAt: '2030-12-01T09:00',
        endsAt: '2030-12-24T18:30',
        status: 'draft',
      }),
    )
    expect(response.status).toBe(303)
    const [rule] = (await savedRules(site))!
    expect(rule).toEqual({
      id: 'welcome-back',
      slot: 'hero',
      priority: 20,
      status: 'draft',
      when: {
        segments: ['returning', 'repeat'],
        lapsed: true,
        minOrders: 1,
        maxOrders: 5,
        minRevenue: 10.5,
        maxRevenue: 1000,
        minVisits: 2,
        urlPattern: '/sale*',
        referrerPattern: '*google.*',
      },
      content: { type: 'json', value: { headline: 'Hi' } },
      offer: {
        kind: 'amount',
        value: 5,
        uniqueCodes: { prefix: 'VIP', validDays: 30 },
        expiresAt: '2031-01-31T23:59:00.000Z',
      },
      holdoutPercent: 10,
      startsAt: '2030-12-01T09:00:00.000Z',
      endsAt: '2030-12-24T18:30:00.000Z',
    })
    // And the editor shows it back as it was typed.
    const editor = await page('/admin/rules/welcome-back')
    expect(editor.html).toContain('value="2030-12-24T18:30"')
    expect(editor.html).toContain('value="VIP"')
    expect(editor.html).toMatch(/value="repeat" checked/)
  })

  const invalid: [string, Record<string, string | string[]>, string, string][] = [
    ['holdout above 50', { holdoutPercent: '80' }, 'holdoutPercent', '50'],
    ['a number field with text', { 'when.minOrders': 'two' }, 'when.minOrders', 'Enter a number.'],
    ['a bad id', { id: 'welcome back!' }, 'id', 'may only contain letters'],
    ['no slot', { slot: '' }, 'slot', 'Required.'],
    [
      'a percent offer over 100',
      { 'offer.kind': 'percent', 'offer.value': '150' },
      'offer.value',
      'at most 100',
    ],
    [
      'neither content nor offer',
      { 'content.type': '' },
      'content.type',
      'needs content, an offer, or both',
    ],
    [
      'invalid JSON content',
      { 'content.type': 'json', 'content.value': '{nope' },
      'content.value',
      'not valid JSON',
    ],
    [
      'an end before the start',
      { startsAt: '2030-12-02T00:00', endsAt: '2030-12-01T00:00' },
      'endsAt',
      'after startsAt',
    ],
    [
      'static and unique codes together',
      {
        'offer.kind': 'percent',
        'offer.value': '5',
        'offer.code': 'X',
        'offer.uniqueCodes': 'on',
        'offer.uniqueCodes.prefix': 'A',
        'offer.uniqueCodes.validDays': '3',
      },
      'offer.uniqueCodes',
      'not both',
    ],
    [
      'a lowercase code prefix',
      {
        'offer.kind': 'percent',
        'offer.value': '5',
        'offer.uniqueCodes': 'on',
        'offer.uniqueCodes.prefix': 'vip',
        'offer.uniqueCodes.validDays': '3',
      },
      'offer.uniqueCodes.prefix',
      'capital letters',
    ],
    ['a P(alive) above 1', { 'when.pAlive.max': '1.5' }, 'when.pAlive.max', 'At most 1'],
    [
      'a percentile range upside down',
      { 'when.clvPercentile.min': '90', 'when.clvPercentile.max': '10' },
      'when.clvPercentile.max',
      'at least min',
    ],
    [
      'max orders below min orders',
      { 'when.minOrders': '3', 'when.maxOrders': '1' },
      'when.maxOrders',
      'at least minOrders',
    ],
  ]
  it.each(invalid)(
    'shows %s next to the field and saves nothing',
    async (_name, fields, field, message) => {
      const { site, post } = await signedInAdmin()
      const response = await post('/admin/rules', ruleFields(fields))
      expect(response.status).toBe(422)
      const html = await response.text()
      expect(html).toContain('nothing was saved')
      expect(fieldErrors(html, field).join(' ')).toContain(message)
      expect(await savedRules(site)).toBeNull()
    },
  )

  it('edits prediction conditions and shows them back', async () => {
    const { site, post, page } = await signedInAdmin()
    const response = await post(
      '/admin/rules',
      ruleFields({
        'when.pAlive.max': '0.4',
        'when.clvPercentile.min': '90',
        'when.daysSinceLastPurchase.min': '30',
        'when.dueForReorder': 'true',
      }),
    )
    expect(response.status).toBe(303)
    expect((await savedRules(site))?.[0]?.when).toEqual({
      segments: ['returning'],
      pAlive: { max: 0.4 },
      clvPercentile: { min: 90 },
      daysSinceLastPurchase: { min: 30 },
      dueForReorder: true,
    })
    const editor = await page('/admin/rules/welcome-back')
    expect(editor.html).toMatch(/name="when\.pAlive\.max" value="0\.4"/)
    expect(editor.html).toMatch(/name="when\.clvPercentile\.min" value="90"/)
    expect(editor.html).toMatch(/<option value="true" selected[^>]*>Only when due to reorder/)
  })

  it('keeps what was typed when it shows errors, escaped', async () => {
    const { post } = await signedInAdmin()
    const response = await post(
      '/admin/rules',
      ruleFields({ holdoutPercent: '80', 'content.value': '"><script>alert(1)</script>' }),
    )
    const html = await response.text()
    expect(html).not.toContain('<script>alert(1)')
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
  })

  it('refuses an id another rule has', async () => {
    const { site, post } = await signedInAdmin()
    await post('/admin/rules', ruleFields())
    const response = await post('/admin/rules', ruleFields({ 'when.segments': ['repeat'] }))
    expect(response.status).toBe(422)
    expect(fieldErrors(await response.text(), 'id')).toEqual(['Another rule already has this id.'])
    expect(await savedRules(site)).toHaveLength(1)
  })

  it('edits and renames a rule in place', async () => {
    const { site, post } = await signedInAdmin()
    await post('/admin/rules', ruleFields())
    await post('/admin/rules', ruleFields({ id: 'second', slot: 'banner' }))
    const response = await post(
      '/admin/rules/welcome-back',
      ruleFields({ id: 'hello-again', 'content.value': 'Hello again' }),
    )
    expect(response.status).toBe(303)
    const rules = (await savedRules(site))!
    expect(rules.map((rule) => rule.id)).toEqual(['hello-again', 'second'])
    expect(rules[0]!.content).toEqual({ type: 'text', value: 'Hello again' })
  })

  it('duplicates a rule as a draft with a free id', async () => {
    const { post, page } = await signedInAdmin()
    await post('/admin/rules', ruleFields())
    const copy = await page('/admin/rules/new?from=welcome-back')
    expect(copy.status).toBe(200)
    expect(copy.html).toContain('value="welcome-back-copy"')
    expect(copy.html).toMatch(/<option value="draft" selected/)
    expect(copy.html).toContain('Welcome back!')
  })

  it('pauses, resumes and deletes', async () => {
    const { site, post } = await signedInAdmin()
    await post('/admin/rules', ruleFields())
    expect(
      (await post('/admin/rules/welcome-back/status', { status: 'paused' })).headers.get(
        'location',
      ),
    ).toBe('/admin?done=paused')
    expect((await savedRules(site))![0]!.status).toBe('paused')
    await post('/admin/rules/welcome-back/status', { status: 'live' })
    expect((await savedRules(site))![0]!.status).toBe('live')
    expect((await post('/admin/rules/welcome-back/delete')).headers.get('location')).toBe(
      '/admin?done=deleted',
    )
    expect(await savedRules(site)).toEqual([])
  })

  it('answers 404 for an unknown rule', async () => {
    const { page, post } = await signedInAdmin()
    expect((await page('/admin/rules/nope')).status).toBe(404)
    expect((await post('/admin/rules/nope/delete')).status).toBe(404)
  })
})

describe('rules list, warnings and publish', () => {
  it('groups by slot, highest priority first, with status badges', async () => {
    const { post, page } = await signedInAdmin()
    await post('/admin/rules', ruleFields({ id: 'low', priority: '1' }))
    await post('/admin/rules', ruleFields({ id: 'high', priority: '50', status: 'paused' }))
    await post(
      '/admin/rules',
      ruleFields({ id: 'later', priority: '5', startsAt: '2099-01-01T00:00' }),
    )
    await post(
      '/admin/rules',
      ruleFields({
        id: 'over',
        priority: '7',
        startsAt: '2001-01-01T00:00',
        endsAt: '2002-01-01T00:00',
      }),
    )
    await post('/admin/rules', ruleFields({ id: 'banner-rule', slot: 'banner', status: 'draft' }))
    const { html } = await page('/admin')
    const order = [...html.matchAll(/data-rule="([^"]+)"/g)].map((match) => match[1])
    expect(order).toEqual(['banner-rule', 'high', 'over', 'later', 'low'])
    for (const status of ['draft', 'paused', 'scheduled', 'ended', 'live'])
      expect(html).toContain(`class="badge ${status}"`)
  })

  it('shows the fairness warning prominently', async () => {
    const { post, page } = await signedInAdmin()
    await post(
      '/admin/rules',
      ruleFields({
        id: 'first-order',
        'when.segments': ['shopper'],
        'offer.kind': 'percent',
        'offer.value': '15',
      }),
    )
    await post(
      '/admin/rules',
      ruleFields({
        id: 'thanks',
        'when.segments': ['returning', 'repeat'],
        priority: '5',
        'offer.kind': 'percent',
        'offer.value': '10',
      }),
    )
    const { html } = await page('/admin')
    expect(html).toContain('data-code="new_visitors_favoured"')
    expect(html).toContain('New visitors get a better offer than your customers')
  })

  it("keeps a coded offer's opt-out of verified purchases, and warns about it on the list and in the editor", async () => {
    const { site, post, page } = await signedInAdmin()
    const loose = ruleFields({
      id: 'loose-code',
      'when.segments': ['repeat'],
      'offer.kind': 'percent',
      'offer.value': '10',
      'offer.code': 'LOOSE',
      'offer.requiresVerified': 'false',
    })
    expect((await post('/admin/rules', loose)).status).toBe(303)
    expect((await savedRules(site))![0]!.offer).toEqual({
      kind: 'percent',
      value: 10,
      code: 'LOOSE',
      requiresVerified: false,
    })
    const list = await page('/admin')
    expect(list.html).toContain('data-code="unverified_coded_offer"')
    expect(list.html).toContain('Anyone can take this code with faked purchases')
    const editor = await page('/admin/rules/loose-code')
    expect(editor.html).toContain('data-code="unverified_coded_offer"')
    expect(editor.html).toMatch(/<option value="false" selected/)

    // Back to the default: the key is left out, and the warning goes.
    expect(
      (await post('/admin/rules/loose-code', { ...loose, 'offer.requiresVerified': '' })).status,
    ).toBe(303)
    expect((await savedRules(site))![0]!.offer).toEqual({
      kind: 'percent',
      value: 10,
      code: 'LOOSE',
    })
    expect((await page('/admin')).html).not.toContain('unverified_coded_offer')
  })

  it('publishes the working copy with who and a note, then shows it in versions', async () => {
    const { site, post, page } = await signedInAdmin()
    await post('/admin/rules', ruleFields())
    const response = await post('/admin/publish', { note: 'Winter <b>sale</b>' })
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/admin?done=published&v=1')
    const live = (await findLatestRuleset(env.DB, site.siteId)) as Ruleset
    expect(live).toMatchObject({ version: 1, publishedBy: 'Maria', note: 'Winter <b>sale</b>' })
    expect(live.rules.map((rule) => rule.id)).toEqual(['welcome-back'])
    expect((await page('/admin')).html).toContain('Everything is published (live: version 1)')

    const versions = await page('/admin/versions')
    expect(versions.html).toContain('Winter &lt;b&gt;sale&lt;/b&gt;')
    expect(versions.html).toContain('Maria')
    // Nothing left to publish: a second publish creates no version.
    expect((await post('/admin/publish')).headers.get('location')).toBe('/admin?done=unchanged')
    expect(await countRows('rulesets', site.siteId)).toBe(1)
  })

  it('discards unpublished changes', async () => {
    const { site, post } = await signedInAdmin()
    await publishRules(site, [
      {
        id: 'live-rule',
        slot: 'hero',
        priority: 1,
        status: 'live',
        content: { type: 'text', value: 'Hi' },
      },
    ])
    await post('/admin/rules/live-rule/delete')
    expect(await savedRules(site)).toEqual([])
    await post('/admin/discard')
    expect((await savedRules(site))!.map((rule) => rule.id)).toEqual(['live-rule'])
  })

  it('never renders rule content as HTML in the list', async () => {
    const { post, page } = await signedInAdmin()
    await post(
      '/admin/rules',
      ruleFields({ 'content.type': 'html', 'content.value': '<img class="marker" src="/x.png">' }),
    )
    const { html } = await page('/admin')
    expect(html).not.toContain('<img class="marker"')
    expect(html).toContain('&lt;img class=&quot;marker&quot; src=&quot;/x.png&quot;&gt;')
  })

  it('cleans html content when the editor saves it, and says so', async () => {
    const { site, post, page } = await signedInAdmin()
    const response = await post(
      '/admin/rules',
      ruleFields({
        'content.type': 'html',
        'content.value': '<b>Hi</b><img src=x onerror=alert(1)>',
      }),
    )
    expect(response.headers.get('location')).toBe('/admin?done=saved-cleaned')
    expect((await savedRules(site))![0]!.content).toEqual({
      type: 'html',
      value: '<b>Hi</b><img src="x">',
    })
    expect((await page('/admin?done=saved-cleaned')).html).toContain('Saved, with its HTML cleaned')
    // Clean html is saved as typed, with the plain notice.
    const clean = await post(
      '/admin/rules/welcome-back',
      ruleFields({ 'content.type': 'html', 'content.value': '<b>Hi</b>' }),
    )
    expect(clean.headers.get('location')).toBe('/admin?done=saved')
  })

  it('warns in the editor when the site allows scripts, and only then', async () => {
    const { site, page } = await signedInAdmin()
    const banner = 'data-warning="scripts-allowed"'
    expect((await page('/admin/rules/new')).html).not.toContain(banner)
    await env.DB.prepare('UPDATE sites SET allow_scripts = 1 WHERE id = ?1').bind(site.siteId).run()
    const { html } = await page('/admin/rules/new')
    expect(html).toContain(banner)
    expect(html).toContain('Scripts are allowed on this site.')
  })
})

describe('versions and rollback', () => {
  it('rolls back to an earlier version as a new version, by who clicked', async () => {
    const { site, post, page } = await signedInAdmin()
    await publishRules(site, [
      {
        id: 'one',
        slot: 'hero',
        priority: 1,
        status: 'live',
        content: { type: 'text', value: 'One' },
      },
    ])
    await publishRules(site, [
      {
        id: 'two',
        slot: 'hero',
        priority: 1,
        status: 'live',
        content: { type: 'text', value: 'Two' },
      },
    ])
    const before = await page('/admin/versions')
    expect(before.html).toContain('action="/admin/versions/1/rollback"')
    expect(before.html).not.toContain('action="/admin/versions/2/rollback"')

    const response = await post('/admin/versions/1/rollback')
    expect(response.status).toBe(303)
    expect(response.headers.get('location')).toBe('/admin/versions?done=rolled-back&v=1')
    const live = (await findLatestRuleset(env.DB, site.siteId)) as Ruleset
    expect(live).toMatchObject({ version: 3, publishedBy: 'Maria', note: 'Rollback to version 1' })
    expect(live.rules.map((rule) => rule.id)).toEqual(['one'])
    const after = await page('/admin/versions?done=rolled-back&v=1')
    expect(after.html).toContain('Rolled back: the rules of version 1 are live again')
  })

  it('shows an error page for an unknown version and publishes nothing', async () => {
    const { site, post } = await signedInAdmin()
    await publishRules(site, [
      {
        id: 'one',
        slot: 'hero',
        priority: 1,
        status: 'live',
        content: { type: 'text', value: 'One' },
      },
    ])
    const response = await post('/admin/versions/9/rollback')
    expect(response.status).toBe(404)
    expect(await response.text()).toContain('no published version 9')
    expect(await countRows('rulesets', site.siteId)).toBe(1)
  })
})

describe('preview', () => {
  it('shows what a segment gets per slot from the working copy or live', async () => {
    const { site, post, page } = await signedInAdmin()
    await publishRules(site, [
      {
        id: 'live-one',
        slot: 'hero',
        priority: 1,
        status: 'live',
        when: { segments: ['returning'] },
        content: { type: 'text', value: 'Live hero' },
      },
    ])
    await post(
      '/admin/rules',
      ruleFields({ holdoutPercent: '20', 'offer.kind': 'free_shipping', 'offer.code': 'SHIP' }),
    )

    const workspace = await page('/admin/preview?segment=returning&source=workspace')
    expect(workspace.status).toBe(200)
    expect(workspace.html).toContain('data-rule="welcome-back"')
    expect(workspace.html).toContain('Welcome back!')
    expect(workspace.html).toContain('free shipping · code SHIP')
    expect(workspace.html).toContain('20% see the default')

    const live = await page('/admin/preview?segment=returning&source=live')
    expect(live.html).toContain('data-rule="live-one"')
    const shopper = await page('/admin/preview?segment=shopper&source=workspace')
    expect(shopper.html).toContain('no rule matches')
  })

  it('says whether a given visitor is held out', async () => {
    const { post, page } = await signedInAdmin()
    await post('/admin/rules', ruleFields({ holdoutPercent: '50' }))
    const answers = new Set<string>()
    for (let i = 0; i < 12; i++) {
      const { html } = await page(`/admin/preview?segment=returning&visitorId=visitor-${i}`)
      answers.add(
        html.includes('this visitor is held out')
          ? 'held out'
          : html.includes('this visitor sees the rule')
            ? 'sees'
            : '?',
      )
    }
    expect([...answers].sort()).toEqual(['held out', 'sees'])
  })

  it('renders HTML content only in a sandboxed frame', async () => {
    const { post, page } = await signedInAdmin()
    await post(
      '/admin/rules',
      ruleFields({ 'content.type': 'html', 'content.value': '<b class="hi">Hi</b>' }),
    )
    const { html } = await page('/admin/preview?segment=returning')
    expect(html).toContain(
      'sandbox="" title="HTML content" srcdoc="&lt;style&gt;body{margin:8px;font:15px/1.5 system-ui,sans-serif;color:#1f2430}&lt;/style&gt;&lt;b class=&quot;hi&quot;&gt;Hi&lt;/b&gt;"',
    )
    expect(html).not.toContain('<b class="hi"')
  })

  it('creates a signed, expiring preview link to the shop', async () => {
    const { post } = await signedInAdmin()
    const response = await post('/admin/preview/link', {
      segment: 'repeat',
      url: 'https://shop.example/',
      ttlMinutes: '60',
    })
    expect(response.status).toBe(200)
    const html = await response.text()
    expect(html).toMatch(/value="https:\/\/shop\.example\/\?stammis_preview=[^"]+"/)
    const bad = await post('/admin/preview/link', { segment: 'repeat', url: 'not a url' })
    expect(bad.status).toBe(400)
    expect(await bad.text()).toContain('Enter the full address of a shop page')
  })
})
