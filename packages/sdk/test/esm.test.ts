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
})
