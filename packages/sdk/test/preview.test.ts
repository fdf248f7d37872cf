// Shareable preview links: ?stammis_preview=TOKEN makes decide answer as a forced segment, for the
// whole tab, and the page stores and sends no events, so a preview is never counted. A token
// counts only once the worker confirms it (see abuse-junk-preview.test.ts for one it refuses).
import { describe, expect, it } from 'vitest'
import { openPage, sdkReady, until } from './harness'
import { useBrowser } from './setup'

const env = useBrowser()
const BODY = '<h1 data-stammis-slot="hero">Default</h1>'

describe('preview links', () => {
  it('confirms the token, passes it to every decide of the tab, and stores and sends no events', async () => {
    const { browser, api } = env
    api.state.decisions = {
      hero: {
        ruleId: 'r',
        variant: 'treatment',
        content: { type: 'text', value: 'Previewed' },
        offer: null,
      },
    }
    const ctx = await browser.newContext()
    const { page } = await openPage(
      ctx,
      api.page('/p', { body: BODY }) + '?stammis_preview=tok.sig',
    )
    await sdkReady(page)
    await page.waitForFunction(() => document.querySelector('h1')!.textContent == 'Previewed')
    // The first decide is the check; the slots' decide waits for its answer.
    expect(api.decides().map((d) => d.body.preview)).toEqual(['tok.sig', 'tok.sig'])
    expect(await page.evaluate(() => sessionStorage.getItem('stm_p'))).toBe('tok.sig')

    // The next page of the same tab has no token in its URL, and is still a preview.
    await page.goto(api.page('/p2', { body: BODY }))
    await sdkReady(page)
    await until(() => api.decides().length == 4, "the second page's check and decide")
    expect(api.decides().every((d) => d.body.preview == 'tok.sig')).toBe(true)
    await page.evaluate(() =>
      (window as any).stammis.purchase({ orderId: 'P-1', revenue: 5, currency: 'USD' }),
    )
    await page.waitForTimeout(300)
    expect(api.events()).toEqual([])
    // Nothing of the preview is stored: no outbox, no visitor id.
    expect(
      await page.evaluate(() => [
        localStorage.getItem('stm_q'),
        localStorage.getItem('stm_v'),
        document.cookie,
      ]),
    ).toEqual([null, null, ''])
    await ctx.close()
  })

  it('sends no preview field on a normal page', async () => {
    const { browser, api } = env
    const ctx = await browser.newContext()
    const { page } = await openPage(ctx, api.page('/n', { body: BODY }))
    await sdkReady(page)
    await until(() => api.decides().length, 'decide sent')
    expect('preview' in api.decides()[0]!.body).toBe(false)
    await ctx.close()
  })

  it('sends no check before consent: the token is dropped and nothing at all is sent', async () => {
    const { browser, api } = env
    const ctx = await browser.newContext()
    const { page } = await openPage(
      ctx,
      api.page('/c', { body: BODY, attrs: 'data-consent="required"' }) + '?stammis_preview=tok.sig',
    )
    await sdkReady(page)
    await page.waitForTimeout(300)
    expect(api.requests).toEqual([])
    expect(await page.evaluate(() => sessionStorage.getItem('stm_p'))).toBeNull()
    // Consent then makes it a normal page: tracked, real content.
    await page.evaluate(() => (window as any).stammis.consent(true))
    await until(() => api.events().some((e) => e.type == 'pageview'), 'page view after consent')
    await until(() => api.decides().length == 1, 'one decide')
    expect('preview' in api.decides()[0]!.body).toBe(false)
    await ctx.close()
  })

  it('leaves preview mode when the worker no longer accepts the token (expired), and tracks again', async () => {
    const { browser, api } = env
    const ctx = await browser.newContext()
    const { page } = await openPage(
      ctx,
      api.page('/e', { body: BODY }) + '?stammis_preview=tok.sig',
    )
    await sdkReady(page)
    await until(() => api.decides().length == 2, 'check and decide')
    expect(api.events()).toEqual([])
    api.state.previewToken = 'another.token'
    await page.goto(api.page('/e2', { body: BODY }))
    await sdkReady(page)
    await until(
      () => api.events().some((e) => e.type == 'pageview'),
      'page view once the token is refused',
    )
    expect(await page.evaluate(() => sessionStorage.getItem('stm_p'))).toBeNull()
    await ctx.close()
  })

  it('lives in preview.js, which only preview links load', async () => {
    const { browser, api } = env
    const ctx = await browser.newContext()
    const scripts: string[] = []
    ctx.on(
      'request',
      (r) => r.resourceType() == 'script' && scripts.push(new URL(r.url()).pathname),
    )
    const { page } = await openPage(ctx, api.page('/plain', { body: BODY }))
    await sdkReady(page)
    await until(() => api.decides().length, 'decide sent')
    expect(scripts).toEqual(['/s.js'])
    await page.goto(api.page('/with-token', { body: BODY }) + '?stammis_preview=tok.sig')
    await sdkReady(page)
    await until(() => api.decides().length == 3, 'the check and the decide')
    expect(scripts).toEqual(['/s.js', '/s.js', '/preview.js'])
    await ctx.close()
  })

  it('leaves the page as it is, with no error, when preview.js cannot load', async () => {
    const { browser, api } = env
    const ctx = await browser.newContext()
    await ctx.route('**/preview.js', (route) => route.abort())
    const { page, errors } = await openPage(ctx)
    const rejections: string[] = []
    await page.exposeFunction('reportRejection', (reason: string) => rejections.push(reason))
    await page.addInitScript(() =>
      addEventListener('unhandledrejection', (e) =>
        (window as any).reportRejection(String(e.reason)),
      ),
    )
    await page.goto(api.page('/no-chunk', { body: BODY }) + '?stammis_preview=tok.sig')
    await page.waitForTimeout(500)
    expect(await page.textContent('h1')).toBe('Default')
    expect(api.requests).toEqual([])
    expect(errors).toEqual([])
    expect(rejections).toEqual([])
    await ctx.close()
  })
})
