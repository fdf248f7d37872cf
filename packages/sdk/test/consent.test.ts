// Consent: with data-consent="required" (or GPC when the site opts in) nothing is stored or sent
// until consent(true); consent(false) clears what was stored and keeps the page silent.
import type { Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { openPage, sdkReady, until } from './harness'
import { useBrowser } from './setup'

const env = useBrowser()
const storage = (page: Page) =>
  page.evaluate(() => ({
    cookie: document.cookie,
    local: Object.keys(localStorage).sort(),
    session: Object.keys(sessionStorage),
  }))

describe('consent', () => {
  it('stores and sends nothing before consent(true), then sends what was queued', async () => {
    const { browser, api } = env
    const ctx = await browser.newContext()
    const { page } = await openPage(
      ctx,
      api.page('/c', {
        attrs: 'data-consent="required"',
        body: '<h1 data-stammis-slot="hero">Default</h1>',
        head: `stammis.push(['track', 'early'])`,
      }),
    )
    await sdkReady(page)
    await page.evaluate(() =>
      (window as any).stammis.purchase({ orderId: 'C-1', revenue: 5, currency: 'USD' }),
    )
    expect(await page.evaluate(() => (window as any).stammis.getOffer('hero'))).toBeNull()
    await page.waitForTimeout(300)
    expect(api.requests).toEqual([])
    expect(await storage(page)).toEqual({ cookie: '', local: [], session: [] })

    await page.evaluate(() => (window as any).stammis.consent(true))
    await until(
      () => api.events().some((e) => e.type == 'purchase') && api.decides().length,
      'sent after consent',
    )
    expect(api.events().map((e) => e.type)).toEqual(['visit', 'pageview', 'track', 'purchase'])
    expect((await storage(page)).local).toContain('stm_v')

    // Granted consent is remembered on the next page.
    await page.reload()
    await sdkReady(page)
    await until(
      () => api.events().filter((e) => e.type == 'pageview').length == 2,
      'next page tracked',
    )
    await ctx.close()
  })

  it('consent(false) clears storage and silences this and later pages', async () => {
    const { browser, api } = env
    const ctx = await browser.newContext()
    const { page } = await openPage(ctx, api.page('/c2'))
    await sdkReady(page)
    await until(() => api.events().length >= 2, 'tracked')
    expect((await storage(page)).cookie).toContain('stm_v=')
    await page.evaluate(() => (window as any).stammis.consent(false))
    expect(await storage(page)).toEqual({ cookie: '', local: ['stm_c'], session: [] })
    const count = api.requests.length
    await page.evaluate(() => (window as any).stammis.track('after'))
    await page.reload()
    await sdkReady(page)
    await page.waitForTimeout(300)
    expect(api.requests.length).toBe(count)
    await ctx.close()
  })

  it('honours Global Privacy Control only when the site opts in', async () => {
    const { browser, api } = env
    const ctx = await browser.newContext()
    await ctx.addInitScript(() =>
      Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', { get: () => true }),
    )
    const { page } = await openPage(ctx, api.page('/gpc', { attrs: 'data-respect-gpc' }))
    await sdkReady(page)
    await page.waitForTimeout(300)
    expect(api.requests).toEqual([])
    await page.goto(api.page('/gpc-ignored'))
    await sdkReady(page)
    await until(() => api.events().length, 'tracked without opt-in')
    await ctx.close()
  })
})
