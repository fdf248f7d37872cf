// End-to-end: headless Debian Chromium, the demo shop (examples/server.mjs) and the real local
// worker (scripts/local-worker.mjs: wrangler dev, D1 migrations, demo site, demo rules).
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { buyGrinder, launchChromium } from './browser'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
// @ts-expect-error plain ESM helpers without types
import { startShop } from '../examples/server.mjs'
// @ts-expect-error plain ESM helpers without types
import { freePort, startLocalWorker } from '../scripts/local-worker.mjs'

const HERO = {
  default: 'Good coffee, delivered.',
  shopper: 'New here? Free shipping on your first order.',
  returning: 'Welcome back! 10% off your second order.',
  repeat: "You're one of our regulars: 15% off everything, always.",
}
const BANNER = {
  shopper: 'Join 10,000 happy customers.',
  customers: "<strong>Members' picks</strong> are back in stock.",
}

let browser: Browser
let worker: { url: string; stop: () => Promise<void> }
let shop: { url: string; stop: () => Promise<void> }

beforeAll(async () => {
  worker = await startLocalWorker({ port: await freePort(), quiet: true })
  ;[shop, browser] = await Promise.all([
    startShop({ port: 0, workerUrl: worker.url }),
    launchChromium(),
  ])
})
afterAll(async () => {
  await browser?.close()
  await shop?.stop()
  await worker?.stop()
})

const open = async (context: BrowserContext, path: string) => {
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(String(e)))
  await page.goto(shop.url + path)
  return { page, errors }
}
const heroIs = (page: Page, text: string) =>
  page.waitForFunction(
    (t) => document.querySelector('[data-stammis-slot=hero]')?.textContent === t,
    text,
  )

/** Buys one grinder through the shop's own pages; the worker's answer to the purchase. */
const buy = async (page: Page) => (await buyGrinder(page, shop.url)).json()

/** The profile as the worker sees it, asked through /v1/decide with this page's own ids. */
const profileOf = async (page: Page) => {
  const ids = await page.evaluate(() => ({
    visitorId: localStorage.getItem('stm_v'),
    visitId: sessionStorage.getItem('stm_s')!.split('.')[0],
  }))
  const r = await fetch(worker.url + '/v1/decide', {
    method: 'POST',
    headers: { 'content-type': 'text/plain', origin: shop.url },
    body: JSON.stringify({ site: 'pk_demo', ...ids, slots: ['hero'], context: {} }),
  })
  return (await r.json()).profile
}

describe('demo shop against the real worker', () => {
  it('loads the script tag from the worker and fills hero and banner', async () => {
    const ctx = await browser.newContext()
    const { page, errors } = await open(ctx, '/')
    await heroIs(page, HERO.shopper)
    expect(await page.textContent('[data-stammis-slot=banner]')).toBe(BANNER.shopper)
    expect(errors).toEqual([])
    await ctx.close()
  })

  it('walks a visitor from shopper to returning to repeat, counting a reloaded order once', async () => {
    // Visit 1: shopper, buys, reloads the thank-you page.
    const ctx1 = await browser.newContext()
    const { page: p1, errors } = await open(ctx1, '/')
    await heroIs(p1, HERO.shopper)
    const first = await buy(p1)
    expect(first.accepted).toBeGreaterThan(0)
    const again = p1.waitForResponse(
      (r) =>
        r.url().endsWith('/v1/events') && (r.request().postData() ?? '').includes('"purchase"'),
    )
    await p1.reload()
    expect((await (await again).json()).duplicates).toBeGreaterThan(0)
    const afterReload = await profileOf(p1)
    expect(afterReload.orders).toBe(1)
    expect(afterReload.segment).toBe('shopper') // a purchase counts from the next visit on

    // Visit 2: a new browser session (same cookies + localStorage, fresh sessionStorage).
    const ctx2 = await browser.newContext({ storageState: await ctx1.storageState() })
    const { page: p2 } = await open(ctx2, '/')
    await heroIs(p2, HERO.returning)
    expect(await p2.innerHTML('[data-stammis-slot=banner]')).toBe(BANNER.customers)
    await buy(p2)

    // Visit 3: repeat customer.
    const ctx3 = await browser.newContext({ storageState: await ctx2.storageState() })
    const { page: p3 } = await open(ctx3, '/')
    await heroIs(p3, HERO.repeat)
    const profile = await profileOf(p3)
    expect(profile).toMatchObject({ segment: 'repeat', orders: 2, purchaseVisits: 2 })
    expect(errors).toEqual([])
    await Promise.all([ctx1.close(), ctx2.close(), ctx3.close()])
  })

  it('keeps defaults and raises no page error when the worker API is down', async () => {
    const ctx = await browser.newContext()
    await ctx.route('**/v1/**', (route) => route.abort('connectionrefused'))
    const { page, errors } = await open(ctx, '/')
    await page.waitForFunction(() => !Array.isArray((window as any).stammis))
    await page.waitForTimeout(1500)
    expect(await page.textContent('[data-stammis-slot=hero]')).toBe(HERO.default)
    expect(await page.isVisible('[data-stammis-slot=hero]')).toBe(true)
    // The shop itself still works.
    await page.click('a[href="/product.html?sku=mug"]')
    await page.click('#add')
    await page.waitForURL('**/cart.html')
    expect(errors).toEqual([])
    await ctx.close()
  })

  it('keeps defaults after the timeout when the worker is slow', async () => {
    const ctx = await browser.newContext()
    await ctx.route('**/v1/decide', async (route) => {
      await new Promise((r) => setTimeout(r, 3000))
      await route.continue().catch(() => {})
    })
    const { page, errors } = await open(ctx, '/')
    await page.waitForTimeout(3500)
    expect(await page.textContent('[data-stammis-slot=hero]')).toBe(HERO.default)
    expect(await page.isVisible('[data-stammis-slot=hero]')).toBe(true)
    expect(errors).toEqual([])
    await ctx.close()
  })

  it('sends nothing and stores nothing before consent, then personalizes', async () => {
    const ctx = await browser.newContext()
    const page = await ctx.newPage()
    const calls: string[] = []
    page.on('request', (r) => r.url().includes('/v1/') && calls.push(r.url()))
    await page.goto(shop.url + '/consent.html')
    await page.waitForFunction(() => !Array.isArray((window as any).stammis))
    await page.waitForTimeout(700)
    expect(calls).toEqual([])
    const stored = await page.evaluate(() => ({
      cookie: document.cookie,
      keys: Object.keys(localStorage).filter((k) => k.startsWith('stm_')),
    }))
    expect(stored).toEqual({ cookie: '', keys: [] })
    await page.click('#accept')
    await heroIs(page, HERO.shopper)
    expect(calls.some((u) => u.endsWith('/v1/events'))).toBe(true)
    await ctx.close()
  })
})
