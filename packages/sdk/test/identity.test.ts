// Identity: visitor id in cookie + localStorage (each restores the other); visit id in
// sessionStorage with a 30-minute idle rollover and a `visit` event per visit.
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

const stored = (page: import('playwright-core').Page) =>
  page.evaluate(() => ({
    cookie: document.cookie.match(/stm_v=([^;]*)/)?.[1],
    local: localStorage.getItem('stm_v'),
    session: sessionStorage.getItem('stm_s'),
  }))

describe('identity', () => {
  it('keeps the visitor id in a cookie and localStorage, each restoring the other', async () => {
    const ctx = await browser.newContext()
    const url = api.page('/id')
    const { page } = await openPage(ctx, url)
    await sdkReady(page)
    const first = await stored(page)
    expect(first.cookie).toMatch(/^\d{4,40}$/)
    expect(first.local).toBe(first.cookie)

    await ctx.clearCookies()
    await page.reload()
    await sdkReady(page)
    expect((await stored(page)).cookie).toBe(first.cookie)

    await page.evaluate(() => localStorage.removeItem('stm_v'))
    await page.reload()
    await sdkReady(page)
    expect((await stored(page)).local).toBe(first.cookie)
    await until(() => api.events().length >= 4, 'events')
    expect(new Set(api.requests.map((r) => r.body.visitorId))).toEqual(new Set([first.cookie]))
    await ctx.close()
  })

  it('starts one visit per browser session, with url and referrer', async () => {
    const ctx = await browser.newContext()
    const url = api.page('/visit')
    const { page } = await openPage(ctx)
    await page.goto(url, { referer: 'https://search.example/q' })
    await sdkReady(page)
    await page.reload()
    await sdkReady(page)
    await until(
      () => api.events().filter((e) => e.type == 'pageview').length == 2,
      'two page views',
    )
    const visits = api.events().filter((e) => e.type == 'visit')
    expect(visits).toHaveLength(1)
    expect(visits[0]).toMatchObject({ url, referrer: 'https://search.example/q' })
    const visitIds = new Set(api.requests.map((r) => r.body.visitId))
    expect(visitIds.size).toBe(1)

    // Same cookies and localStorage, new sessionStorage: a new visit with the same visitor.
    const ctx2 = await browser.newContext({ storageState: await ctx.storageState() })
    const { page: page2 } = await openPage(ctx2, url)
    await sdkReady(page2)
    await until(() => api.events().filter((e) => e.type == 'visit').length == 2, 'second visit')
    const last = api.requests.at(-1)!.body
    expect(visitIds.has(last.visitId)).toBe(false)
    expect(last.visitorId).toBe(api.requests[0]!.body.visitorId)
    await ctx.close()
    await ctx2.close()
  })

  it('rolls over to a new visit after 30 minutes without activity', async () => {
    const ctx = await browser.newContext()
    const { page } = await openPage(ctx, api.page('/idle'))
    await sdkReady(page)
    const before = (await stored(page)).session!
    const [id] = before.split('.')
    // 31 minutes ago
    await page.evaluate(
      (id) => sessionStorage.setItem('stm_s', id + '.' + (Date.now() - 31 * 60e3)),
      id,
    )
    await page.reload()
    await sdkReady(page)
    await until(() => api.events().filter((e) => e.type == 'visit').length == 2, 'second visit')
    expect((await stored(page)).session!.split('.')[0]).not.toBe(id)
    // 29 minutes ago: same visit
    const now = (await stored(page)).session!.split('.')[0]
    await page.evaluate(
      (id) => sessionStorage.setItem('stm_s', id + '.' + (Date.now() - 29 * 60e3)),
      now,
    )
    await page.reload()
    await sdkReady(page)
    await page.waitForTimeout(200)
    expect(api.events().filter((e) => e.type == 'visit')).toHaveLength(2)
    await ctx.close()
  })
})

describe('a second customer on a shared computer', () => {
  it('switches to the visitor id the worker assigns, and keeps it', async () => {
    api.reset()
    const ctx = await browser.newContext()
    const { page } = await openPage(ctx, api.page('/shared'))
    await sdkReady(page)
    await until(() => api.events().length >= 2, 'first events')
    const before = await page.evaluate(() => document.cookie)
    api.state.switchVisitorTo = 'bobs-fresh-id'
    await page.evaluate(() => (window as any).stammis.identify('bob'))
    await until(() => api.events().some((e) => e.type == 'identify'), 'identify sent')
    await page.waitForFunction(() => document.cookie.includes('stm_v=bobs-fresh-id'))
    expect(before).not.toContain('bobs-fresh-id')
    api.state.switchVisitorTo = undefined
    await page.evaluate(() => (window as any).stammis.track('after-switch'))
    await until(
      () =>
        api.requests.some((r) =>
          r.body?.events?.some((e: { name?: string }) => e.name == 'after-switch'),
        ),
      'tracked after',
    )
    const last = api.requests.filter((r) => r.path == '/v1/events').at(-1)!
    expect(last.body.visitorId).toBe('bobs-fresh-id')
    expect(await page.evaluate(() => localStorage.getItem('stm_v'))).toBe('bobs-fresh-id')
    await ctx.close()
  })
})
