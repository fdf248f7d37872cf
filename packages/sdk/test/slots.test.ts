// Slots: text by default, HTML only for type html, JSON handed over in an event, defaults kept on
// null / control / errors / timeouts, anti-flicker never longer than its limit.
import { describe, expect, it } from 'vitest'
import { openPage, sdkReady, until } from './harness'
import { useBrowser } from './setup'

const env = useBrowser()
const BODY = `
  <h1 data-stammis-slot="hero">Default hero</h1>
  <div data-stammis-slot="banner"><b>Default banner</b></div>
  <div data-stammis-slot="promo">Default promo</div>
  <div data-stammis-slot="cfg">Default cfg</div>
  <div data-stammis-slot="hero" id="hero2">Second hero</div>`
const treat = (content: unknown) => ({ ruleId: 'r', variant: 'treatment', content, offer: null })

describe('slots', () => {
  it('fills text as text, html as parsed markup, never renders json, keeps defaults', async () => {
    const { browser, api } = env
    api.state.decisions = {
      hero: treat({ type: 'text', value: '<i>Welcome back</i>' }),
      banner: treat({ type: 'html', value: '<strong>Members</strong>' }),
      promo: { ruleId: 'p', variant: 'control', content: null, offer: null },
      cfg: treat({ type: 'json', value: { color: 'red' } }),
    }
    const ctx = await browser.newContext()
    const page = await ctx.newPage()
    await page.addInitScript(() => {
      ;(window as any).slotEvents = []
      addEventListener('stammis:slot', (e: any) => (window as any).slotEvents.push(e.detail))
    })
    await page.goto(api.page('/slots', { body: BODY }))
    await page.waitForFunction(() => (window as any).slotEvents.length == 5)
    expect(await page.textContent('h1')).toBe('<i>Welcome back</i>')
    expect(await page.locator('h1 i').count()).toBe(0)
    expect(await page.textContent('#hero2')).toBe('<i>Welcome back</i>')
    expect(await page.innerHTML('[data-stammis-slot=banner]')).toBe('<strong>Members</strong>')
    expect(await page.textContent('[data-stammis-slot=promo]')).toBe('Default promo')
    expect(await page.textContent('[data-stammis-slot=cfg]')).toBe('Default cfg')
    const events = await page.evaluate(() => (window as any).slotEvents)
    expect(events.find((e: any) => e.slot == 'cfg').decision.content.value).toEqual({
      color: 'red',
    })
    expect(api.decides()).toHaveLength(1)
    expect(api.decides()[0]!.body.slots).toEqual(['hero', 'banner', 'promo', 'cfg'])

    // A later null decision puts the default back (SPA refresh).
    api.state.decisions = {}
    await page.evaluate(() => (window as any).stammis.refresh())
    expect(await page.textContent('h1')).toBe('Default hero')
    expect(await page.innerHTML('[data-stammis-slot=banner]')).toBe('<b>Default banner</b>')
    await ctx.close()
  })

  it('keeps defaults and raises no page error when the API is down', async () => {
    const { browser, api } = env
    api.state.mode = 'down'
    const ctx = await browser.newContext()
    const { page, errors } = await openPage(ctx, api.page('/down', { body: BODY }))
    await sdkReady(page)
    expect(await page.evaluate(() => (window as any).stammis.getOffer('hero'))).toBeNull()
    expect(await page.textContent('h1')).toBe('Default hero')
    expect(errors).toEqual([])
    await ctx.close()
  })

  it('gives up after data-timeout on a slow API and never applies the late answer', async () => {
    const { browser, api } = env
    api.state.mode = 'slow'
    api.state.delayMs = 1500
    api.state.decisions = { hero: treat({ type: 'text', value: 'Too late' }) }
    const ctx = await browser.newContext()
    const { page, errors } = await openPage(
      ctx,
      api.page('/slow', { body: BODY, attrs: 'data-timeout="300" data-anti-flicker' }),
    )
    await sdkReady(page)
    await until(() => api.decides().length, 'decide')
    await page.waitForTimeout(2000)
    expect(await page.textContent('h1')).toBe('Default hero')
    expect(
      await page.evaluate(() => getComputedStyle(document.querySelector('h1')!).visibility),
    ).toBe('visible')
    expect(errors).toEqual([])
    await ctx.close()
  })

  it('anti-flicker hides slots until the decision, at most the given ms', async () => {
    const { browser, api } = env
    api.state.mode = 'slow'
    api.state.delayMs = 1200
    api.state.decisions = { hero: treat({ type: 'text', value: 'Personal' }) }
    const ctx = await browser.newContext()
    const { page } = await openPage(
      ctx,
      api.page('/flicker', { body: BODY, attrs: 'data-anti-flicker="400" data-timeout="3000"' }),
    )
    await sdkReady(page)
    const vis = () => page.evaluate(() => document.querySelector('h1')!.style.visibility)
    expect(await vis()).toBe('hidden')
    await page.waitForTimeout(600)
    expect(await vis()).toBe('') // shown again at 400 ms even though the API is still thinking
    await page.waitForFunction(() => document.querySelector('h1')!.textContent == 'Personal')
    await ctx.close()
  })

  it('getOffer and getDecisions return decisions with offers', async () => {
    const { browser, api } = env
    api.state.decisions = {
      hero: {
        ruleId: 'h',
        variant: 'treatment',
        content: null,
        offer: { kind: 'percent', value: 10, code: 'T10' },
      },
    }
    const ctx = await browser.newContext()
    const { page } = await openPage(
      ctx,
      api.page('/offer', { attrs: 'data-slots="off"', body: BODY }),
    )
    await sdkReady(page)
    const [offer, all] = await page.evaluate(async () => {
      const s = (window as any).stammis
      return [await s.getOffer('hero'), await s.getDecisions(['hero', 'banner'])]
    })
    expect(offer.offer).toEqual({ kind: 'percent', value: 10, code: 'T10' })
    expect(all).toEqual({ hero: offer, banner: null })
    expect(api.decides().map((d) => d.body.slots)).toEqual([['hero'], ['hero', 'banner']])
    await ctx.close()
  })
})
