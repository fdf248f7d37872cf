// Transport: write-ahead outbox in localStorage, retry on the next page with the same ids,
// 4xx dropped, purchases in their own batch, sendBeacon when the page is hidden.
import { describe, expect, it } from 'vitest'
import { openPage, sdkReady, until } from './harness'
import { useBrowser } from './setup'

const env = useBrowser()

describe('transport', () => {
  it('keeps failed events and retries them on the next page with the same ids', async () => {
    const { browser, api } = env
    api.state.eventsMode = 'error500'
    const ctx = await browser.newContext()
    const { page } = await openPage(ctx, api.page('/retry'))
    await sdkReady(page)
    await page.evaluate(() =>
      (window as any).stammis.purchase({ orderId: 'A-1', revenue: 59.9, currency: 'usd' }),
    )
    const outbox = await page.evaluate(() => JSON.parse(localStorage.getItem('stm_q') || '[]'))
    const ids = outbox.flatMap((b: any) => b.events.map((e: any) => e.id))
    expect(outbox.flatMap((b: any) => b.events.map((e: any) => e.type))).toEqual([
      'visit',
      'pageview',
      'purchase',
    ])

    api.state.eventsMode = undefined
    const sent = api.events().length
    await page.reload()
    await sdkReady(page)
    await until(
      () =>
        ids.every((id: string) =>
          api
            .events()
            .slice(sent)
            .some((e) => e.id == id),
        ),
      'retried ids',
    )
    const purchase = api
      .events()
      .find((e) => e.type == 'purchase' && api.events().indexOf(e) >= sent)
    expect(purchase).toMatchObject({ orderId: 'A-1', revenue: 59.9, currency: 'USD' })
    await until(() => page.evaluate(() => localStorage.getItem('stm_q') == null), 'empty outbox')
    await ctx.close()
  })

  it('keeps a batch refused by the rate limiter (429 without CORS) and sends it on a later page', async () => {
    const { browser, api } = env
    api.state.eventsMode = 'rateLimited429'
    const ctx = await browser.newContext()
    const { page } = await openPage(ctx, api.page('/limited'))
    await sdkReady(page)
    const sent = api.events().length
    await page.evaluate(() => (window as any).stammis.track('limited', { n: 1 }))
    await until(
      () =>
        api
          .events()
          .slice(sent)
          .some((e) => e.type == 'track'),
      'refused attempt',
    )
    const outbox = await page.evaluate(() => JSON.parse(localStorage.getItem('stm_q') || '[]'))
    const ids = outbox.flatMap((b: any) => b.events.map((e: any) => e.id))
    expect(outbox.flatMap((b: any) => b.events.map((e: any) => e.type))).toContain('track')

    api.state.eventsMode = undefined
    const before = api.events().length
    await page.reload()
    await sdkReady(page)
    await until(
      () =>
        ids.every((id: string) =>
          api
            .events()
            .slice(before)
            .some((e) => e.id == id),
        ),
      'retried ids',
    )
    await until(() => page.evaluate(() => localStorage.getItem('stm_q') == null), 'empty outbox')
    await ctx.close()
  })

  it('drops a batch the API refuses with 4xx instead of retrying forever', async () => {
    const { browser, api } = env
    api.state.eventsMode = 'error400'
    const ctx = await browser.newContext()
    const { page } = await openPage(ctx, api.page('/drop'))
    await sdkReady(page)
    await until(() => api.events().length >= 2, 'first attempt')
    await page.waitForTimeout(100)
    expect(await page.evaluate(() => localStorage.getItem('stm_q'))).toBeNull()
    await ctx.close()
  })

  it('sends a purchase in a batch of its own, and profile() waits for it', async () => {
    const { browser, api } = env
    const ctx = await browser.newContext()
    const { page } = await openPage(ctx, api.page('/batch'))
    await sdkReady(page)
    const profile = await page.evaluate(async () => {
      const s = (window as any).stammis
      s.track('a')
      s.purchase({ orderId: 'B-1', revenue: 10, currency: 'EUR' })
      s.track('b')
      return s.profile()
    })
    expect(profile).toMatchObject({ segment: 'shopper' })
    const batches = api.requests
      .filter((r) => r.path == '/v1/events')
      .map((r) => r.body.events.map((e: any) => e.type))
    const withPurchase = batches.find((b) => b.includes('purchase'))
    expect(withPurchase).toEqual(['purchase'])
    await ctx.close()
  })

  it('hands waiting batches to sendBeacon when the page is hidden', async () => {
    const { browser, api } = env
    const ctx = await browser.newContext()
    const { page } = await openPage(ctx, api.page('/beacon'))
    await sdkReady(page)
    await until(() => api.events().length >= 2, 'first batch')
    api.state.eventsMode = 'hang' // the next batch stays in flight
    await page.evaluate(() => void (window as any).stammis.track('in-flight'))
    await until(() => api.requests.length >= 2, 'in-flight request')
    await page.evaluate(() => void (window as any).stammis.track('waiting'))
    await page.evaluate(() => {
      // What a browser sets when the tab is hidden.
      Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true })
      Object.defineProperty(document, 'hidden', { value: true, configurable: true })
      document.dispatchEvent(new Event('visibilitychange'))
    })
    await until(() => api.events().some((e) => e.name == 'waiting'), 'beaconed event')
    await ctx.close()
  })
})
