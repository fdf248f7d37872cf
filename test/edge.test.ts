// End-to-end: the demo shop through the Stammis edge (scripts/local-edge.mjs: the real local
// worker on the shop's own host, as `pnpm dev` serves it on 8789), in headless Chromium. A shopper,
// then the same browser as returning and repeat customer: each time the first HTML already holds
// the personalized hero (no default-content flash), and the page has no layout shift. The
// script-tag page (the shop straight, s.js) is measured beside it.
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buyGrinder, launchChromium } from './browser'
// @ts-expect-error plain ESM helpers without types
import { startShop } from '../examples/server.mjs'
// @ts-expect-error plain ESM helpers without types
import { startLocalEdge } from '../scripts/local-edge.mjs'
// @ts-expect-error plain ESM helpers without types
import { freePort, startLocalWorker } from '../scripts/local-worker.mjs'

const HERO = {
  default: 'Good coffee, delivered.',
  shopper: 'New here? Free shipping on your first order.',
  returning: 'Welcome back! 10% off your second order.',
  repeat: "You're one of our regulars: 15% off everything, always.",
}

let browser: Browser
let worker: { url: string; persistTo: string; stop: () => Promise<void> }
let shop: { url: string; stop: () => Promise<void> }
let edge: { url: string; stop: () => Promise<void> }

beforeAll(async () => {
  worker = await startLocalWorker({ port: await freePort(), quiet: true })
  ;[shop, browser] = await Promise.all([
    startShop({ port: 0, workerUrl: worker.url }),
    launchChromium(),
  ])
  edge = await startLocalEdge({
    workerUrl: worker.url,
    persistTo: worker.persistTo,
    origin: shop.url,
    port: await freePort(),
  })
})
afterAll(async () => {
  await browser?.close()
  await edge?.stop()
  await shop?.stop()
  await worker?.stop()
})

/**
 * Before any page script: sums layout shifts (CLS, as the PerformanceObserver reports them) and
 * records every text the hero slot ever shows, from the moment the parser creates it.
 */
const MEASURE = () => {
  const w = window as unknown as { cls: number; heroTexts: string[] }
  w.cls = 0
  w.heroTexts = []
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries() as unknown as {
      value: number
      hadRecentInput: boolean
    }[])
      if (!entry.hadRecentInput) w.cls += entry.value
  }).observe({ type: 'layout-shift', buffered: true })
  const note = () => {
    const hero = document.querySelector('[data-stammis-slot=hero]')
    const text = hero?.textContent ?? null
    if (text !== null && w.heroTexts[w.heroTexts.length - 1] !== text) w.heroTexts.push(text)
  }
  new MutationObserver(note).observe(document, {
    childList: true,
    subtree: true,
    characterData: true,
  })
}

type Measured = { html: string; cls: number; heroTexts: string[]; page: Page }

/** Opens `url` in `context` and measures it until the SDK has run and the page is quiet. */
async function measure(context: BrowserContext, url: string): Promise<Measured> {
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (error) => errors.push(String(error)))
  const response = await page.goto(url)
  const html = await response!.text()
  await page.waitForFunction(() => !Array.isArray((window as { stammis?: unknown }).stammis))
  await page.waitForLoadState('networkidle')
  await page.waitForTimeout(500)
  const { cls, heroTexts } = await page.evaluate(() => {
    const w = window as unknown as { cls: number; heroTexts: string[] }
    return { cls: w.cls, heroTexts: w.heroTexts }
  })
  expect(errors).toEqual([])
  return { html, cls, heroTexts, page }
}

/** The browser's state for its next visit: cookies and storage kept, the session cookie gone. */
async function nextVisit(context: BrowserContext): Promise<BrowserContext> {
  const state = await context.storageState()
  state.cookies = state.cookies.filter((cookie) => cookie.name !== 'stm_s')
  await context.close()
  const next = await browser.newContext({ storageState: state })
  await next.addInitScript(MEASURE)
  return next
}

const heroInHtml = (html: string, text: string) =>
  new RegExp(
    `data-stammis-slot="hero" data-stammis-filled="[^"]+">${text.replace(/[?.]/g, '\\$&')}<`,
  )

describe('the demo shop through the edge', () => {
  it('serves shopper, returning and repeat content in the first paint, with no layout shift', async () => {
    let context = await browser.newContext()
    await context.addInitScript(MEASURE)
    const shopper = await measure(context, edge.url + '/')
    expect(shopper.html).toMatch(heroInHtml(shopper.html, HERO.shopper))
    expect(shopper.html).toContain('src="/__stammis/edge.js"')
    expect(shopper.heroTexts).toEqual([HERO.shopper])
    expect(shopper.cls).toBe(0)
    await buyGrinder(shopper.page, edge.url)

    context = await nextVisit(context)
    const returning = await measure(context, edge.url + '/')
    expect(returning.html).toMatch(heroInHtml(returning.html, HERO.returning))
    expect(returning.heroTexts).toEqual([HERO.returning])
    expect(returning.cls).toBe(0)
    await buyGrinder(returning.page, edge.url)

    context = await nextVisit(context)
    const repeat = await measure(context, edge.url + '/')
    expect(repeat.html).toMatch(heroInHtml(repeat.html, HERO.repeat))
    expect(repeat.heroTexts).toEqual([HERO.repeat])
    expect(repeat.cls).toBe(0)
    await context.close()
    console.log(
      `edge page CLS: shopper ${shopper.cls}, returning ${returning.cls}, repeat ${repeat.cls}`,
    )
  })

  it('measures the script-tag page beside it (the same shop, s.js)', async () => {
    const edgeContext = await browser.newContext()
    await edgeContext.addInitScript(MEASURE)
    const throughEdge = await measure(edgeContext, edge.url + '/')
    const tagContext = await browser.newContext()
    await tagContext.addInitScript(MEASURE)
    const scriptTag = await measure(tagContext, shop.url + '/')
    // The script-tag page starts from the default and swaps it once the decision arrives.
    expect(scriptTag.html).toContain(`data-stammis-slot="hero">${HERO.default}<`)
    expect(scriptTag.heroTexts).toEqual([HERO.default, HERO.shopper])
    expect(throughEdge.heroTexts).toEqual([HERO.shopper])
    console.log(
      `CLS of the demo shop's home page: edge ${throughEdge.cls}, script tag ${scriptTag.cls}`,
    )
    await Promise.all([edgeContext.close(), tagContext.close()])
  })
})
