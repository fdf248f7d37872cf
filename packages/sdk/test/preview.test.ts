// Shareable preview links: ?stammis_preview=TOKEN makes decide answer as a forced segment, for the
// whole tab, and the page sends no events, so a preview is never counted.
import { describe, expect, it } from 'vitest'
import { openPage, sdkReady, until } from './harness'
import { useBrowser } from './setup'

const env = useBrowser()

describe('preview links', () => {
  it('passes the token to decide on every page of the tab and sends no events', async () => {
    const { browser, api } = env
    const ctx = await browser.newContext()
    const { page } = await openPage(ctx, api.page('/p', { body: '<h1 data-stammis-slot="hero">Default</h1>' }) + '?stammis_preview=tok.sig')
    await sdkReady(page)
    await until(() => api.decides().length, 'decide sent')
    expect(api.decides()[0]!.body.preview).toBe('tok.sig')

    // The next page of the same tab has no token in its URL, and is still a preview.
    await page.goto(api.page('/p2', { body: '<h1 data-stammis-slot="hero">Default</h1>' }))
    await sdkReady(page)
    await until(() => api.decides().length == 2, 'second decide')
    expect(api.decides()[1]!.body.preview).toBe('tok.sig')
    await page.evaluate(() => (window as any).stammis.purchase({ orderId: 'P-1', revenue: 5, currency: 'USD' }))
    await page.waitForTimeout(300)
    expect(api.events()).toEqual([])
    await ctx.close()
  })

  it('sends no preview field on a normal page', async () => {
    const { browser, api } = env
    const ctx = await browser.newContext()
    const { page } = await openPage(ctx, api.page('/n', { body: '<h1 data-stammis-slot="hero">Default</h1>' }))
    await sdkReady(page)
    await until(() => api.decides().length, 'decide sent')
    expect('preview' in api.decides()[0]!.body).toBe(false)
    await ctx.close()
  })
})
