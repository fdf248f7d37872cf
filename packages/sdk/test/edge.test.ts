// Pages the Stammis edge personalized load edge.js. The edge fills slots before the page arrives
// (marking them `data-stammis-filled="<ruleId>"`) and reads and sets first-party cookies: the
// visitor id (`stm_v`), the visit (`stm_s`, a session cookie) and the profile token (`stm_p`).
// edge.js never asks for or re-renders a filled slot, fills the rest with one decide, never hides
// slots, takes the ids the edge set, and mirrors the visit and token into those cookies.
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { BUNDLE, openPage, sdkReady, until } from './harness'
import { useBrowser } from './setup'

const env = useBrowser()
const treat = (value: string) => ({
  ruleId: 'r-' + value,
  variant: 'treatment',
  content: { type: 'text', value },
  offer: null,
})
/** What the edge sends: hero filled with rule hero-returning, banner left for the browser. */
const PARTLY_FILLED = `
  <h1 data-stammis-slot="hero" data-stammis-filled="hero-returning">Welcome back (edge)</h1>
  <div data-stammis-slot="banner">Default banner</div>
  <div data-stammis-slot="promo" data-stammis-filled="">Default promo, kept by the edge</div>`

const recordSlotEvents = (page: Page) =>
  page.addInitScript(() => {
    ;(window as any).slotEvents = []
    addEventListener('stammis:slot', (e: any) => (window as any).slotEvents.push(e.detail))
  })
const slotEvents = (page: Page) => page.evaluate(() => (window as any).slotEvents)

describe('edge-filled slots (edge.js)', () => {
  it('asks decide only for the slots the edge left, once, and never re-renders the filled ones', async () => {
    const { browser, api } = env
    // The API would answer differently for the filled slots: they must not change.
    api.state.decisions = {
      hero: treat('Hero from decide'),
      banner: treat('Banner from decide'),
      promo: treat('Promo from decide'),
    }
    const ctx = await browser.newContext()
    const page = await ctx.newPage()
    await recordSlotEvents(page)
    await page.goto(api.page('/partly', { body: PARTLY_FILLED, bundle: 'edge' }))
    await page.waitForFunction(() => (window as any).slotEvents.length == 3)
    expect(api.decides().map((d) => d.body.slots)).toEqual([['banner']])
    expect(await page.textContent('h1')).toBe('Welcome back (edge)')
    expect(await page.textContent('[data-stammis-slot=promo]')).toBe(
      'Default promo, kept by the edge',
    )
    expect(await page.textContent('[data-stammis-slot=banner]')).toBe('Banner from decide')
    const events = await slotEvents(page)
    expect(events).toContainEqual({ slot: 'hero', decision: null, filled: 'hero-returning' })
    expect(events).toContainEqual({ slot: 'promo', decision: null, filled: '' })
    expect(events.find((e: any) => e.slot == 'banner').decision.ruleId).toBe('r-Banner from decide')

    // refresh() (an SPA's new view): again only the unfilled slot.
    await page.evaluate(() => (window as any).stammis.refresh())
    expect(api.decides().map((d) => d.body.slots)).toEqual([['banner'], ['banner']])
    expect(await page.textContent('h1')).toBe('Welcome back (edge)')
    // Tracking goes on as usual.
    await until(() => api.events().some((e) => e.type == 'pageview'), 'page view')
    await ctx.close()
  })

  it('sends no decide at all when the edge filled every slot, and still emits the slot events', async () => {
    const { browser, api } = env
    const ctx = await browser.newContext()
    const page = await ctx.newPage()
    await recordSlotEvents(page)
    await page.goto(
      api.page('/all', {
        bundle: 'edge',
        body: '<h1 data-stammis-slot="hero" data-stammis-filled="r1">Edge hero</h1>',
      }),
    )
    await sdkReady(page)
    await page.waitForFunction(() => (window as any).slotEvents.length == 1)
    await until(() => api.events().some((e) => e.type == 'pageview'), 'page view')
    await page.waitForTimeout(300)
    expect(api.decides()).toEqual([])
    expect(await slotEvents(page)).toEqual([{ slot: 'hero', decision: null, filled: 'r1' }])
    await ctx.close()
  })

  it('never hides slots, even with data-anti-flicker: the edge filled what it could', async () => {
    const { browser, api } = env
    api.state.mode = 'slow'
    api.state.delayMs = 1000
    api.state.decisions = { banner: treat('Late banner') }
    const ctx = await browser.newContext()
    const { page } = await openPage(
      ctx,
      api.page('/no-hiding', {
        bundle: 'edge',
        body: PARTLY_FILLED,
        attrs: 'data-anti-flicker="2000" data-timeout="3000" data-edge',
      }),
    )
    await sdkReady(page)
    await until(() => api.decides().length, 'decide in flight')
    const visibility = () =>
      page.evaluate(() =>
        [...document.querySelectorAll('[data-stammis-slot]')].map(
          (el) => getComputedStyle(el).visibility,
        ),
      )
    expect(await visibility()).toEqual(['visible', 'visible', 'visible'])
    await page.waitForTimeout(300)
    expect(await visibility()).toEqual(['visible', 'visible', 'visible'])
    await page.waitForFunction(
      () => document.querySelector('[data-stammis-slot=banner]')!.textContent == 'Late banner',
    )
    await ctx.close()
  })
})

describe('a preview link on an edge page', () => {
  it('hands over to preview.js, which also leaves the filled slots alone and never hides', async () => {
    const { browser, api } = env
    api.state.decisions = { hero: treat('Previewed hero'), banner: treat('Previewed banner') }
    const ctx = await browser.newContext()
    // Records any slot the page ever hides.
    await ctx.addInitScript(() => {
      const w = window as any
      w.everHidden = []
      new MutationObserver((changes) =>
        changes.forEach((c) => {
          const el = c.target as HTMLElement
          if (el.style.visibility == 'hidden') w.everHidden.push(el.dataset.stammisSlot)
        }),
      ).observe(document, { attributes: true, attributeFilter: ['style'], subtree: true })
    })
    const { page } = await openPage(
      ctx,
      api.page('/preview-edge', {
        bundle: 'edge',
        body: PARTLY_FILLED,
        attrs: 'data-anti-flicker="2000" data-edge',
      }) + '?stammis_preview=tok.sig',
    )
    await sdkReady(page)
    await page.waitForFunction(
      () => document.querySelector('[data-stammis-slot=banner]')!.textContent == 'Previewed banner',
    )
    // The token check, then one decide for the slot the edge left.
    expect(api.decides().map((d) => [d.body.preview, d.body.slots])).toEqual([
      ['tok.sig', ['p']],
      ['tok.sig', ['banner']],
    ])
    expect(await page.textContent('h1')).toBe('Welcome back (edge)')
    expect(await page.evaluate(() => (window as any).everHidden)).toEqual([])
    expect(api.events()).toEqual([])
    await ctx.close()
  })
})

describe('the cookies the edge reads and sets (edge.js)', () => {
  it('takes the visitor id, the new visit and the token the edge set, and announces the visit', async () => {
    const { browser, api } = env
    const ctx = await browser.newContext()
    const url = api.page('/adopt', { bundle: 'edge', body: PARTLY_FILLED })
    // A stale copy in storage loses to the cookies.
    await ctx.addInitScript(() => {
      if (!sessionStorage.getItem('seeded')) {
        sessionStorage.setItem('seeded', '1')
        localStorage.setItem('stm_v', 'stale-visitor')
        sessionStorage.setItem('stm_s', 'stale-visit.' + Date.now())
        localStorage.setItem('stm_p', 'stale-token')
      }
    })
    // The edge's first response: a new visitor, a visit it started (a bare id), its token.
    await ctx.addCookies(
      [
        ['stm_v', 'edge-visitor'],
        ['stm_s', 'edge-visit'],
        ['stm_p', 'edge-token.mac'],
      ].map(([name, value]) => ({ name: name!, value: value!, url: api.site })),
    )
    const { page } = await openPage(ctx, url)
    await sdkReady(page)
    await until(() => api.events().some((e) => e.type == 'pageview'), 'page view')
    await until(() => api.decides().length, 'decide')
    const batch = api.requests.find((r) => r.path == '/v1/events')!.body
    expect(batch).toMatchObject({ visitorId: 'edge-visitor', visitId: 'edge-visit' })
    expect(batch.events.map((e: { type: string }) => e.type)).toEqual(['visit', 'pageview'])
    expect(api.decides()[0]!.body).toMatchObject({
      visitorId: 'edge-visitor',
      visitId: 'edge-visit',
      profileToken: 'edge-token.mac',
    })
    // The visit cookie now carries its activity time; storage follows the cookies.
    const cookies = Object.fromEntries((await ctx.cookies(api.site)).map((c) => [c.name, c.value]))
    expect(cookies.stm_s).toMatch(/^edge-visit\.\d{13}$/)
    expect(
      await page.evaluate(() => [localStorage.getItem('stm_v'), localStorage.getItem('stm_p')]),
    ).toEqual(['edge-visitor', 'edge-token.mac'])

    // The next page continues that visit: no second visit event.
    await page.reload()
    await sdkReady(page)
    await until(() => api.events().filter((e) => e.type == 'pageview').length == 2, 'page view 2')
    expect(api.events().filter((e) => e.type == 'visit')).toHaveLength(1)
    expect(new Set(api.requests.map((r) => r.body.visitId))).toEqual(new Set(['edge-visit']))
    await ctx.close()
  })

  it('starts a new visit when the visit cookie is idle for 30 minutes', async () => {
    const { browser, api } = env
    const ctx = await browser.newContext()
    await ctx.addCookies([
      { name: 'stm_s', value: 'old-visit.' + (Date.now() - 31 * 60e3), url: api.site },
    ])
    const { page } = await openPage(ctx, api.page('/idle', { bundle: 'edge' }))
    await sdkReady(page)
    await until(() => api.events().some((e) => e.type == 'visit'), 'visit event')
    expect(api.requests[0]!.body.visitId).not.toBe('old-visit')
    await ctx.close()
  })

  it('mirrors the visit (session cookie) and the token (kept like stm_v), Secure on https', async () => {
    const { browser, api } = env
    api.state.issueTokens = true
    const ctx = await browser.newContext({ ignoreHTTPSErrors: true })
    // An https shop served by Chromium's request interception, as the edge serves it: the page,
    // edge.js and the API on the shop's own origin (the API forwarded to the mock).
    const bundle = readFileSync(
      join(dirname(fileURLToPath(import.meta.url)), '../dist', BUNDLE.replace(/^s\./, 'edge.')),
      'utf8',
    )
    await ctx.route('https://shop.test/**', async (route) => {
      const { pathname } = new URL(route.request().url())
      if (pathname.startsWith('/v1/'))
        return route.fulfill({ response: await route.fetch({ url: api.api + pathname }) })
      if (pathname == '/edge.js')
        return route.fulfill({ contentType: 'text/javascript', body: bundle })
      return route.fulfill({
        contentType: 'text/html',
        body: `<!doctype html><script>window.stammis = []</script><script src="/edge.js" data-site="pk_test" data-slots="off"></script>`,
      })
    })
    const { page } = await openPage(ctx, 'https://shop.test/')
    await sdkReady(page)
    await until(() => api.tokens.length, 'a token')
    await page.waitForFunction(() => localStorage.getItem('stm_p'))
    const https = Object.fromEntries(
      (await ctx.cookies('https://shop.test/')).map((c) => [c.name, c]),
    )
    expect(https.stm_p).toMatchObject({ value: api.tokens.at(-1), secure: true, path: '/' })
    expect(https.stm_s).toMatchObject({ secure: true, path: '/', expires: -1 })
    expect(https.stm_s!.value).toMatch(/^\d+\.\d{13}$/)
    // The token lives as long as the visitor id (about a year); the visit only for the session.
    expect(Math.abs(https.stm_p!.expires - https.stm_v!.expires)).toBeLessThan(5)
    expect(https.stm_v!.expires - Date.now() / 1000).toBeGreaterThan(300 * 86400)

    const { page: plain } = await openPage(ctx, api.page('/plain', { bundle: 'edge' }))
    await sdkReady(plain)
    await until(() => api.tokens.length > 1, 'a token on http')
    await plain.waitForFunction(() => document.cookie.includes('stm_p='))
    const http = (await ctx.cookies(api.site)).filter((c) => c.name.startsWith('stm_'))
    expect(http.map((c) => [c.name, c.secure]).sort()).toEqual([
      ['stm_p', false],
      ['stm_s', false],
      ['stm_v', false],
    ])
    await ctx.close()
  })
})

describe('s.js (pages without the edge)', () => {
  it('keeps the visit and the token in storage only: the only cookie is the visitor id', async () => {
    const { browser, api } = env
    api.state.issueTokens = true
    const ctx = await browser.newContext()
    const { page } = await openPage(ctx, api.page('/plain-s', { body: PARTLY_FILLED }))
    await sdkReady(page)
    await until(() => api.tokens.length >= 2, 'tokens')
    await page.waitForFunction(() => localStorage.getItem('stm_p'))
    expect((await ctx.cookies(api.site)).map((c) => c.name)).toEqual(['stm_v'])
    expect(await page.evaluate(() => sessionStorage.getItem('stm_s'))).toMatch(/^\d+\.\d{13}$/)
    await ctx.close()
  })
})
