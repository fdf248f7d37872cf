// Script-tag entry: data-* config, stub queue replay, wire format, never throwing into the page.
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { launch, openPage, sdkReady, startMockApi, until, type MockApi } from './harness'

let browser: Browser
let api: MockApi
beforeAll(async () => {
  ;[browser, api] = await Promise.all([launch(), startMockApi()])
})
afterAll(async () => {
  await browser?.close()
  await api?.close()
})
beforeEach(() => api.reset())

describe('script tag', () => {
  it('replays queued calls in order, then exposes the API on window.stammis', async () => {
    const url = api.page('/queue', {
      head: `stammis.push(['track', 'first', { n: 1 }]); stammis.push(['identify', 'cus_1']);
        stammis.push(function (s) { window.gotApi = typeof s.getOffer });`,
    })
    const ctx = await browser.newContext()
    const { page, errors } = await openPage(ctx, url)
    await sdkReady(page)
    await until(() => api.events().length >= 4, 'four events')
    expect(api.events().map((e) => e.type)).toEqual(['visit', 'pageview', 'track', 'identify'])
    expect(api.events()[2]).toMatchObject({ name: 'first', props: { n: 1 } })
    expect(await page.evaluate(() => (window as any).gotApi)).toBe('function')
    const methods = await page.evaluate(() => Object.keys((window as any).stammis).sort())
    expect(methods).toEqual(
      [
        'consent',
        'getDecisions',
        'getOffer',
        'identify',
        'on',
        'profile',
        'purchase',
        'push',
        'refresh',
        'track',
      ].sort(),
    )
    // push() keeps working after load.
    await page.evaluate(() => (window as any).stammis.push(['track', 'late']))
    await until(() => api.events().some((e) => e.name == 'late'), 'late track')
    expect(errors).toEqual([])
    await ctx.close()
  })

  it('sends text/plain with the contract body and never triggers a CORS preflight', async () => {
    const ctx = await browser.newContext()
    const { page } = await openPage(
      ctx,
      api.page('/wire', { body: '<p data-stammis-slot="hero">Default</p>' }),
    )
    await sdkReady(page)
    await until(() => api.decides().length && api.events().length, 'decide and events')
    expect(api.requests.some((r) => r.method == 'OPTIONS')).toBe(false)
    for (const r of api.requests) expect(r.contentType).toMatch(/^text\/plain/)
    const ev = api.requests.find((r) => r.path == '/v1/events')!.body
    expect(ev).toMatchObject({ site: 'pk_test' })
    expect(ev.visitorId).toMatch(/^[A-Za-z0-9_-]{1,64}$/)
    expect(ev.visitId).toMatch(/^[A-Za-z0-9_-]{1,64}$/)
    for (const e of ev.events) expect(e.id).toMatch(/^[A-Za-z0-9_-]{1,64}$/)
    const d = api.decides()[0]!.body
    expect(d).toMatchObject({
      site: 'pk_test',
      visitorId: ev.visitorId,
      visitId: ev.visitId,
      slots: ['hero'],
    })
    expect(d.context.url).toBe(page.url())
    await ctx.close()
  })

  it('uses data-endpoint when given', async () => {
    const ctx = await browser.newContext()
    const other = await startMockApi()
    try {
      const { page } = await openPage(
        ctx,
        api.page('/endpoint', { attrs: `data-endpoint="${other.api}/"` }),
      )
      await sdkReady(page)
      await until(() => other.events().length, 'events at the other endpoint')
      expect(api.events()).toEqual([])
    } finally {
      await other.close()
      await ctx.close()
    }
  })

  it('swallows misuse and bad data instead of throwing into the page', async () => {
    const ctx = await browser.newContext()
    const { page, errors } = await openPage(ctx, api.page('/misuse'))
    await sdkReady(page)
    const results = await page.evaluate(() => {
      const s = (window as any).stammis
      const cyclic: any = {}
      cyclic.self = cyclic
      return [
        s.purchase(null),
        s.track('cyclic', cyclic),
        s.nope?.(),
        s.push(['doesNotExist', 1]),
        s.push(null),
      ].map((r) => typeof r)
    })
    expect(results).toEqual(['undefined', 'undefined', 'undefined', 'undefined', 'undefined'])
    await page.evaluate(() => history.pushState({}, '', '/misuse#2'))
    await page.waitForTimeout(200)
    expect(errors).toEqual([])
    // The outbox is not poisoned: later events still go out.
    await page.evaluate(() => (window as any).stammis.track('after'))
    await until(() => api.events().some((e) => e.name == 'after'), 'track after misuse')
    await ctx.close()
  })

  it('does nothing (and throws nothing) without data-site', async () => {
    const ctx = await browser.newContext()
    const url = api.raw(
      '/nosite',
      `<!doctype html><script src="${api.api}/s.js"></script><p>ok</p>`,
    )
    const { page, errors } = await openPage(ctx, url)
    await page.waitForTimeout(300)
    expect(errors).toEqual([])
    expect(await page.textContent('p')).toBe('ok')
    await ctx.close()
  })
})
