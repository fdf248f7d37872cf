// The ESM build (dist/index.js) in a real page: init + named functions.
import { describe, expect, it } from 'vitest'
import { openPage, until } from './harness'
import { useBrowser } from './setup'

const env = useBrowser()

describe('esm package', () => {
  it('init() starts tracking and the named exports work; calls before init throw', async () => {
    const { browser, api } = env
    api.state.decisions = {
      hero: {
        ruleId: 'r',
        variant: 'treatment',
        content: { type: 'text', value: 'Hi' },
        offer: null,
      },
    }
    const url = api.raw(
      '/esm',
      `<!doctype html><h1 data-stammis-slot="hero">Default</h1><script type="module">
        import * as s from '${api.api}/index.js'
        try { s.track('x') } catch (e) { window.before = e.message }
        const client = s.init({ site: 'pk_test', endpoint: '${api.api}' })
        window.same = s.init({ site: 'pk_test', endpoint: '${api.api}' }) === client
        window.offer = await s.getOffer('hero')
        await s.purchase({ orderId: 'E-1', revenue: 1, currency: 'USD' })
        window.done = true
      </script>`,
    )
    const ctx = await browser.newContext()
    const { page, errors } = await openPage(ctx, url)
    await page.waitForFunction(() => (window as any).done)
    const r = await page.evaluate(() => ({
      before: (window as any).before,
      same: (window as any).same,
      offer: (window as any).offer,
    }))
    expect(r.before).toMatch(/call init/)
    expect(r.same).toBe(true)
    expect(r.offer.content.value).toBe('Hi')
    await until(() => api.events().some((e) => e.type == 'purchase'), 'purchase')
    await page.waitForFunction(() => document.querySelector('h1')!.textContent == 'Hi')
    expect(errors).toEqual([])
    await ctx.close()
  })

  it('on a page the edge personalized (edge: true), skips filled slots and never hides', async () => {
    const { browser, api } = env
    api.state.mode = 'slow'
    api.state.delayMs = 800
    api.state.decisions = {
      hero: {
        ruleId: 'h',
        variant: 'treatment',
        content: { type: 'text', value: 'No' },
        offer: null,
      },
      banner: {
        ruleId: 'b',
        variant: 'treatment',
        content: { type: 'text', value: 'Banner' },
        offer: null,
      },
    }
    const page = (edge: boolean) =>
      api.raw(
        `/esm-edge-${edge}`,
        `<!doctype html><h1 data-stammis-slot="hero" data-stammis-filled="r1">Edge hero</h1>
        <div data-stammis-slot="banner">Default</div><script type="module">
          import { init } from '${api.api}/index.js'
          init({ site: 'pk_test', endpoint: '${api.api}', antiFlicker: 2000, timeout: 3000, edge: ${edge} })
        </script>`,
      )
    const visibility = (p: import('playwright-core').Page) =>
      p.evaluate(() =>
        [...document.querySelectorAll<HTMLElement>('[data-stammis-slot]')].map(
          (el) => el.style.visibility,
        ),
      )
    const ctx = await browser.newContext()
    const { page: edgePage } = await openPage(ctx, page(true))
    await until(() => api.decides().length, 'decide in flight')
    expect(await visibility(edgePage)).toEqual(['', ''])
    await edgePage.waitForFunction(() => document.querySelector('div')!.textContent == 'Banner')
    expect(await edgePage.textContent('h1')).toBe('Edge hero')
    expect(api.decides().map((d) => d.body.slots)).toEqual([['banner']])

    // Without `edge`, anti-flicker hides the slots it decides, never the filled one.
    const { page: plainPage } = await openPage(ctx, page(false))
    await until(() => api.decides().length == 2, 'second decide in flight')
    expect(await visibility(plainPage)).toEqual(['', 'hidden'])
    await plainPage.waitForFunction(() => document.querySelector('div')!.textContent == 'Banner')
    expect(await visibility(plainPage)).toEqual(['', ''])
    await ctx.close()
  })
})
