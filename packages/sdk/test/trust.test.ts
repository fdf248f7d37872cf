// Issue 9 in the browser: identify carries the shop server's signature, the visitor cookie is
// Secure on https pages, and html content is parsed inert in a template, never innerHTML on the
// live slot, with the slot's own nodes put back afterwards.
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { BUNDLE, openPage, sdkReady, until } from './harness'
import { useBrowser } from './setup'

const env = useBrowser()
const SIGNATURE = 'a'.repeat(64)
const treat = (content: unknown) => ({ ruleId: 'r', variant: 'treatment', content, offer: null })

describe('identify with a signature', () => {
  it('sends the signature on the identify event, from the API and from push, and none without one', async () => {
    const { browser, api } = env
    const ctx = await browser.newContext()
    const { page } = await openPage(
      ctx,
      api.page('/sig', {
        head: `stammis.push(['identify', 'cus-1', { signature: '${SIGNATURE}' }])`,
      }),
    )
    await sdkReady(page)
    await page.evaluate(
      (s) => (window as any).stammis.identify(42, { signature: s.replace(/a/g, 'b') }),
      SIGNATURE,
    )
    await page.evaluate(() => (window as any).stammis.identify('cus-3'))
    await until(
      () => api.events().filter((e) => e.type == 'identify').length == 3,
      'three identify events',
    )
    const identifies = api
      .events()
      .filter((e) => e.type == 'identify')
      .map(({ customerId, signature }) => ({ customerId, signature }))
    expect(identifies).toEqual([
      { customerId: 'cus-1', signature: SIGNATURE },
      { customerId: '42', signature: 'b'.repeat(64) },
      { customerId: 'cus-3', signature: undefined },
    ])
    expect(
      api
        .events()
        .filter((e) => e.type == 'identify')
        .every((e) => 'signature' in e == (e.customerId != 'cus-3')),
    ).toBe(true)
    await ctx.close()
  })
})

describe('the visitor cookie', () => {
  it('is Secure on an https page and not on an http one', async () => {
    const { browser, api } = env
    const ctx = await browser.newContext({ ignoreHTTPSErrors: true })
    // An https page served by Chromium's request interception (no certificate needed), with the
    // script from the same https origin and the API on the mock server.
    const bundle = readFileSync(
      join(dirname(fileURLToPath(import.meta.url)), '../dist', BUNDLE),
      'utf8',
    )
    await ctx.route('https://shop.test/**', (route) =>
      route.request().url().endsWith('/s.js')
        ? route.fulfill({ contentType: 'text/javascript', body: bundle })
        : route.fulfill({
            contentType: 'text/html',
            body: `<!doctype html><script>window.stammis = []</script><script src="/s.js" data-site="pk_test" data-endpoint="${api.api}" data-slots="off"></script>`,
          }),
    )
    const { page } = await openPage(ctx, 'https://shop.test/')
    await sdkReady(page)
    const secure = (await ctx.cookies('https://shop.test/')).find((c) => c.name == 'stm_v')
    expect(secure).toMatchObject({ secure: true, path: '/' })
    expect(secure!.value).toMatch(/^\d+$/)

    const { page: plain } = await openPage(ctx, api.page('/plain'))
    await sdkReady(plain)
    const insecure = (await ctx.cookies(api.site)).find((c) => c.name == 'stm_v')
    expect(insecure).toMatchObject({ secure: false })
    await ctx.close()
  })
})

describe('html content', () => {
  it('is parsed in a template and moved in: never innerHTML on a live element, scripts never run', async () => {
    const { browser, api } = env
    api.state.decisions = {
      hero: treat({ type: 'html', value: '<b>Members</b><script>window.ran = true</script>' }),
    }
    const ctx = await browser.newContext()
    const page = await ctx.newPage()
    await page.addInitScript(() => {
      // Records every innerHTML write on an element that is in the document.
      const w = window as any
      w.liveInnerHtml = []
      const setter = Object.getOwnPropertyDescriptor(Element.prototype, 'innerHTML')!.set!
      Object.defineProperty(Element.prototype, 'innerHTML', {
        set(value: string) {
          if (this.isConnected) w.liveInnerHtml.push(value)
          setter.call(this, value)
        },
      })
    })
    await page.goto(
      api.page('/tpl', { body: '<div data-stammis-slot="hero"><a id="own">Default</a></div>' }),
    )
    await page.waitForFunction(
      () => document.querySelector('[data-stammis-slot=hero] b')?.textContent == 'Members',
    )
    expect(await page.evaluate(() => (window as any).liveInnerHtml)).toEqual([])
    expect(await page.evaluate(() => (window as any).ran)).toBeUndefined()
    await ctx.close()
  })

  it("puts the slot's own nodes back on a later null decision, listeners and all", async () => {
    const { browser, api } = env
    api.state.decisions = { hero: treat({ type: 'text', value: 'Personal' }) }
    // A slow answer, so the page's own button is there to hold on to before it is replaced.
    api.state.mode = 'slow'
    api.state.delayMs = 800
    const ctx = await browser.newContext()
    const { page } = await openPage(
      ctx,
      api.page('/own', {
        body: '<div data-stammis-slot="hero"><button id="own">Default</button></div>',
      }),
    )
    await page.evaluate(() => {
      const w = window as any
      w.ownButton = document.getElementById('own')
      w.ownButton.addEventListener('click', () => (w.clicked = true))
    })
    await page.waitForFunction(
      () => document.querySelector('[data-stammis-slot=hero]')!.textContent == 'Personal',
    )
    api.state.mode = 'ok'
    api.state.decisions = {}
    await page.evaluate(() => (window as any).stammis.refresh())
    expect(
      await page.evaluate(() => document.getElementById('own') === (window as any).ownButton),
    ).toBe(true)
    await page.click('#own')
    expect(await page.evaluate(() => (window as any).clicked)).toBe(true)
    await ctx.close()
  })
})
