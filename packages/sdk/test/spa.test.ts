// SPA: pushState and popstate send a page view and refresh slots, once per new URL.
import { describe, expect, it } from 'vitest'
import { openPage, sdkReady, until } from './harness'
import { useBrowser } from './setup'

const env = useBrowser()

describe('spa', () => {
  it('sends a page view and refreshes slots on pushState and popstate, not on replaceState', async () => {
    const { browser, api } = env
    const ctx = await browser.newContext()
    const { page, errors } = await openPage(
      ctx,
      api.page('/app', { body: '<h1 data-stammis-slot="hero">Default</h1>' }),
    )
    await sdkReady(page)
    await until(() => api.decides().length == 1, 'first decide')
    api.state.decisions = {
      hero: {
        ruleId: 'r',
        variant: 'treatment',
        content: { type: 'text', value: 'Route 2' },
        offer: null,
      },
    }
    await page.evaluate(() => history.pushState({}, '', '/app/products'))
    await until(() => api.decides().length == 2, 'decide after pushState')
    await page.waitForFunction(() => document.querySelector('h1')!.textContent == 'Route 2')
    await page.evaluate(() => history.replaceState({ x: 1 }, '')) // same URL
    // replaceState rewrites the current entry (a redirect, a filter in the query): not a new page.
    await page.evaluate(() => history.replaceState({}, '', '/app/products?sort=price'))
    await page.waitForTimeout(200)
    expect(api.decides()).toHaveLength(2)
    await page.evaluate(() => history.back())
    await until(() => api.decides().length == 3, 'decide after popstate')
    const views = api
      .events()
      .filter((e) => e.type == 'pageview')
      .map((e) => new URL(e.url).pathname)
    expect(views).toEqual(['/app', '/app/products', '/app'])
    expect(errors).toEqual([])
    await ctx.close()
  })

  it('leaves history alone with data-spa="off"', async () => {
    const { browser, api } = env
    const ctx = await browser.newContext()
    const { page } = await openPage(ctx, api.page('/nospa', { attrs: 'data-spa="off"' }))
    await sdkReady(page)
    await page.evaluate(() => history.pushState({}, '', '/nospa/2'))
    await page.waitForTimeout(200)
    expect(api.events().filter((e) => e.type == 'pageview')).toHaveLength(1)
    expect(await page.evaluate(() => history.pushState.toString())).toContain('[native code]')
    await ctx.close()
  })
})
