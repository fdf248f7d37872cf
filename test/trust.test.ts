// End-to-end trust boundary: marketer HTML full of script vectors, published through the real
// worker, reaches the demo shop in Chromium harmless; a junk preview link changes nothing, a real
// one previews without being counted. Real worker (wrangler dev), real SDK, real browser.
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launchChromium } from './browser'
// @ts-expect-error plain ESM helpers without types
import { startShop } from '../examples/server.mjs'
// @ts-expect-error plain ESM helpers without types
import { freePort, startLocalWorker } from '../scripts/local-worker.mjs'

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

const admin = (method: string, path: string, body?: unknown) =>
  fetch(worker.url + path, {
    method,
    headers: { authorization: 'Bearer sk_demo', 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })

/** Every way the vectors below could have run sets window.pwned. */
const VECTORS = [
  '<strong>Welcome back</strong>',
  '<img src="/nope.png" onerror="window.pwned = \'img onerror\'">',
  '<svg onload="window.pwned = \'svg onload\'"></svg>',
  '<script>window.pwned = "script"</script>',
  '<iframe srcdoc="<script>parent.pwned = \'iframe\'</script>"></iframe>',
  '<a id="pay" href="javascript:window.pwned = \'javascript link\'">Pay</a>',
  '<details open ontoggle="window.pwned = \'ontoggle\'"><summary>More</summary></details>',
  '<noscript><p title="</noscript><img src=/x onerror=window.pwned=\'noscript\'>"></noscript>',
  '<form action="https://evil.example"><input name="card"><button>Pay now</button></form>',
].join('')

const slotHtml = (page: Page) =>
  page.evaluate(() => document.querySelector('[data-stammis-slot=hero]')!.innerHTML)

describe('marketer HTML in the shop', () => {
  it('shows the harmless part and runs none of the script vectors', async () => {
    const response = await admin('PUT', '/v1/admin/rules', {
      rules: [
        {
          id: 'hero-html',
          slot: 'hero',
          priority: 100,
          status: 'live',
          content: { type: 'html', value: VECTORS },
        },
      ],
    })
    expect(response.status).toBe(200)
    expect(((await response.json()) as { sanitizedRuleIds: string[] }).sanitizedRuleIds).toEqual([
      'hero-html',
    ])

    const ctx = await browser.newContext()
    const page = await ctx.newPage()
    const errors: string[] = []
    page.on('pageerror', (e) => errors.push(String(e)))
    await page.goto(shop.url + '/')
    await page.waitForFunction(
      () =>
        document.querySelector('[data-stammis-slot=hero] strong')?.textContent === 'Welcome back',
    )
    // Images have had their chance to fail, frames to load.
    await page.waitForTimeout(500)
    await page.click('[data-stammis-slot=hero] a').catch(() => {})
    await page.waitForTimeout(200)
    expect(
      await page.evaluate(() => (window as unknown as { pwned?: string }).pwned),
    ).toBeUndefined()
    const dom = await page.evaluate(() => {
      const slot = document.querySelector('[data-stammis-slot=hero]')!
      const elements = [...slot.querySelectorAll('*')]
      return {
        tags: [...new Set(elements.map((element) => element.tagName.toLowerCase()))].sort(),
        handlers: elements.flatMap((element) =>
          element.getAttributeNames().filter((name) => name.startsWith('on') || name === 'id'),
        ),
        hrefs: elements
          .map((element) => element.getAttribute('href'))
          .filter((href) => href !== null),
      }
    })
    // Only harmless elements are left: no script, iframe, svg, form, input, button, noscript.
    expect(dom.tags).toEqual(['a', 'details', 'img', 'strong', 'summary'])
    expect(dom.handlers).toEqual([])
    expect(dom.hrefs).toEqual([])
    expect(await slotHtml(page)).toContain('Pay now')
    expect(errors).toEqual([])
    await ctx.close()
  })
})

describe('preview links in the shop', () => {
  const visitsOf = async (page: Page) => {
    const ids = await page.evaluate(() => ({
      visitorId: localStorage.getItem('stm_v'),
      visitId: 'probe',
    }))
    if (!ids.visitorId) return null
    const r = await fetch(worker.url + '/v1/decide', {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: shop.url },
      body: JSON.stringify({ site: 'pk_demo', ...ids, slots: ['hero'] }),
    })
    return ((await r.json()) as { profile: { visits: number } }).profile.visits
  }

  it('a junk token changes nothing: real content, tracked', async () => {
    const publish = await admin('PUT', '/v1/admin/rules', {
      rules: [
        {
          id: 'hero-new',
          slot: 'hero',
          status: 'live',
          when: { segments: ['shopper'] },
          content: { type: 'text', value: 'Hello, new visitor' },
        },
        {
          id: 'hero-repeat',
          slot: 'hero',
          status: 'live',
          when: { segments: ['repeat'] },
          content: { type: 'text', value: 'Hello, regular' },
        },
      ],
    })
    expect(publish.status).toBe(200)
    const ctx = await browser.newContext()
    const page = await ctx.newPage()
    const events = page.waitForResponse((r) => r.url().endsWith('/v1/events') && r.status() === 200)
    await page.goto(shop.url + '/?stammis_preview=junk.token')
    await events
    await page.waitForFunction(
      () =>
        document.querySelector('[data-stammis-slot=hero]')?.textContent === 'Hello, new visitor',
    )
    expect(await page.evaluate(() => sessionStorage.getItem('stm_p'))).toBeNull()
    // The visit was recorded (the probe is a visit that starts now: 1 recorded + 1).
    expect(await visitsOf(page)).toBe(2)
    await ctx.close()
  })

  it('a real link previews as its segment and records nothing', async () => {
    const link = await admin('POST', '/v1/admin/preview-links', {
      segment: 'repeat',
      url: shop.url + '/',
    })
    expect(link.status).toBe(200)
    const { url } = (await link.json()) as { url: string }
    const ctx = await browser.newContext()
    const page = await ctx.newPage()
    let eventCalls = 0
    page.on('request', (request) => request.url().endsWith('/v1/events') && eventCalls++)
    await page.goto(url)
    await page.waitForFunction(
      () => document.querySelector('[data-stammis-slot=hero]')?.textContent === 'Hello, regular',
    )
    await page.goto(shop.url + '/product.html?sku=mug')
    await page.waitForTimeout(500)
    expect(eventCalls).toBe(0)
    expect(
      await page.evaluate(() => [localStorage.getItem('stm_v'), localStorage.getItem('stm_q')]),
    ).toEqual([null, null])
    await ctx.close()
  })
})
