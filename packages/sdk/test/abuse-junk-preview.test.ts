// Attack: a link to the shop with a junk `?stammis_preview=` (anyone can append one to any URL, in
// an ad, an email, a forum post) switches the SDK to preview mode for the whole tab: nothing is
// tracked, purchases included, and the page never shows the visitor's real content. A preview must
// start only once the worker has confirmed its token.
import { describe, expect, it } from 'vitest'
import { openPage, sdkReady, until } from './harness'
import { useBrowser } from './setup'

const env = useBrowser()
const BODY = '<h1 data-stammis-slot="hero">Default</h1>'

describe('abuse: a junk ?stammis_preview= parameter', () => {
  it('changes nothing: events are sent, no preview is stored, the real decision shows', async () => {
    const { browser, api } = env
    api.state.decisions = {
      hero: {
        ruleId: 'r',
        variant: 'treatment',
        content: { type: 'text', value: 'Real content' },
        offer: null,
      },
    }
    const ctx = await browser.newContext()
    const { page, errors } = await openPage(
      ctx,
      api.page('/junk', { body: BODY }) + '?stammis_preview=junk',
    )
    await sdkReady(page)
    await until(
      () => api.events().some((e) => e.type == 'pageview'),
      'page view sent despite the junk preview token',
    )
    await page.waitForFunction(() => document.querySelector('h1')!.textContent == 'Real content')
    expect(await page.evaluate(() => sessionStorage.getItem('stm_p'))).toBeNull()
    await page.evaluate(() =>
      (window as any).stammis.purchase({ orderId: 'J-1', revenue: 5, currency: 'USD' }),
    )
    await until(() => api.events().some((e) => e.type == 'purchase'), 'purchase sent')

    // The next page of the tab is a normal page: no preview token in any call.
    await page.goto(api.page('/junk2', { body: BODY }))
    await sdkReady(page)
    await until(
      () => api.events().filter((e) => e.type == 'pageview').length == 2,
      'second page view',
    )
    await page.waitForFunction(() => document.querySelector('h1')!.textContent == 'Real content')
    expect(api.decides().filter((d) => d.body.preview == null).length).toBeGreaterThanOrEqual(2)
    expect(
      api
        .decides()
        .filter((d) => d.body.preview != null)
        .every((d) => d.body.preview == 'junk'),
    ).toBe(true)
    expect(errors).toEqual([])
    await ctx.close()
  })
})
