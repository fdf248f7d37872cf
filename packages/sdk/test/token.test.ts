// The signed profile token (issue 11): the SDK keeps the latest one of every events and decide
// answer for this visitor, sends it as `profileToken` in decide, replaces it with each answer,
// drops it when the browser moves to another visitor id and clears it when consent is withdrawn.
// s.js keeps it in localStorage; edge.js (pages the Stammis edge personalized) also in the
// first-party cookie `stm_p` the edge reads (see edge.test.ts for the cookies themselves).
import type { BrowserContext, Page } from 'playwright-core'
import { describe, expect, it } from 'vitest'
import { openPage, sdkReady, until, type MockApi } from './harness'
import { useBrowser } from './setup'

const env = useBrowser()
const BODY = '<h1 data-stammis-slot="hero">Default</h1>'

/** The token as the page stores it: localStorage, and the `stm_p` cookie (edge.js only). */
const storedToken = async (ctx: BrowserContext, page: Page, api: MockApi) => ({
  local: await page.evaluate(() => localStorage.getItem('stm_p')),
  cookie: (await ctx.cookies(api.site)).find((c) => c.name == 'stm_p')?.value ?? null,
})

/** Waits until every request sent so far has been answered with a token, then returns the last. */
const settled = async (api: MockApi) => {
  await until(
    () =>
      api.tokens.length ==
      api.requests.filter((r) => r.method == 'POST' && r.path.startsWith('/v1/')).length,
    'every answer',
  )
  return api.tokens.at(-1)!
}

describe.each(['s', 'edge'] as const)('the profile token in %s.js', (bundle) => {
  const isEdge = bundle == 'edge'

  it('keeps the latest token of every answer and sends it in the next decide', async () => {
    const { browser, api } = env
    api.state.issueTokens = true
    const ctx = await browser.newContext()
    const { page } = await openPage(ctx, api.page('/t', { body: BODY, bundle }))
    await sdkReady(page)
    await until(() => api.decides().length && api.events().length, 'first calls')
    const latest = await settled(api)
    await page.waitForFunction((t) => localStorage.getItem('stm_p') == t, latest)
    expect(await storedToken(ctx, page, api)).toEqual({
      local: latest,
      cookie: isEdge ? latest : null,
    })

    await page.evaluate(() => (window as any).stammis.getOffer('hero'))
    expect(api.decides().at(-1)!.body.profileToken).toBe(latest)
    // The decide answer's token replaced it.
    const replaced = await settled(api)
    expect(replaced).not.toBe(latest)
    expect((await storedToken(ctx, page, api)).local).toBe(replaced)

    // The next page starts with it: its first decide carries it.
    const before = api.decides().length
    await page.reload()
    await sdkReady(page)
    await until(() => api.decides().length > before, 'decide on the next page')
    expect(api.decides()[before]!.body.profileToken).toBe(replaced)
    await ctx.close()
  })

  it('sends no profileToken while it has none', async () => {
    const { browser, api } = env
    const ctx = await browser.newContext()
    const { page } = await openPage(ctx, api.page('/none', { body: BODY, bundle }))
    await sdkReady(page)
    await until(() => api.events().length, 'events answered')
    await page.evaluate(() => (window as any).stammis.getOffer('hero'))
    expect(api.decides().length).toBeGreaterThanOrEqual(2)
    expect(api.decides().every((d) => !('profileToken' in d.body))).toBe(true)
    expect(await storedToken(ctx, page, api)).toEqual({ local: null, cookie: null })
    await ctx.close()
  })

  it("takes the new visitor's token when another customer signs in, and drops the old one", async () => {
    const { browser, api } = env
    api.state.issueTokens = true
    const ctx = await browser.newContext()
    const { page } = await openPage(ctx, api.page('/switch', { bundle }))
    await sdkReady(page)
    await until(() => api.events().length, 'first events')
    const first = await settled(api)
    expect(first).not.toMatch(/-bob$/)

    // The worker moves the browser to a fresh visitor id, with a token for it.
    api.state.switchVisitorTo = 'bob'
    await page.evaluate(() => (window as any).stammis.identify('bob'))
    await until(() => api.tokens.some((t) => t.endsWith('-bob')), "bob's token")
    await page.waitForFunction(() => localStorage.getItem('stm_p')?.endsWith('-bob'))
    const bobs = (await storedToken(ctx, page, api)).local!
    if (isEdge) expect((await storedToken(ctx, page, api)).cookie).toBe(bobs)
    await page.evaluate(() => (window as any).stammis.getOffer('hero'))
    expect(api.decides().at(-1)!.body).toMatchObject({ visitorId: 'bob', profileToken: bobs })

    // Moved again by an answer without a token: bob's token is not the new visitor's, so it goes.
    api.state.issueTokens = false
    api.state.switchVisitorTo = 'carol'
    await page.evaluate(() => (window as any).stammis.identify('carol'))
    await page.waitForFunction(() => localStorage.getItem('stm_v') == 'carol')
    expect(await storedToken(ctx, page, api)).toEqual({ local: null, cookie: null })
    await page.evaluate(() => (window as any).stammis.getOffer('hero'))
    expect(api.decides().at(-1)!.body.visitorId).toBe('carol')
    expect('profileToken' in api.decides().at(-1)!.body).toBe(false)
    await ctx.close()
  })

  it('keeps its token when an answer for the same visitor has none', async () => {
    const { browser, api } = env
    api.state.issueTokens = true
    const ctx = await browser.newContext()
    const { page } = await openPage(ctx, api.page('/keep', { bundle }))
    await sdkReady(page)
    await until(() => api.events().length, 'first events')
    const token = await settled(api)
    api.state.issueTokens = false
    await page.evaluate(() => (window as any).stammis.track('no-token-in-answer'))
    await until(
      () => api.events().some((e) => e.name == 'no-token-in-answer'),
      'the answer without a token',
    )
    await page.evaluate(() => (window as any).stammis.profile())
    expect((await storedToken(ctx, page, api)).local).toBe(token)
    await page.evaluate(() => (window as any).stammis.getOffer('hero'))
    expect(api.decides().at(-1)!.body.profileToken).toBe(token)
    await ctx.close()
  })

  it('is stored only with consent, and cleared when consent is withdrawn', async () => {
    const { browser, api } = env
    api.state.issueTokens = true
    const ctx = await browser.newContext()
    const { page } = await openPage(
      ctx,
      api.page('/consent', { body: BODY, bundle, attrs: 'data-consent="required"' }),
    )
    await sdkReady(page)
    await page.waitForTimeout(300)
    expect(api.requests).toEqual([])
    expect(await storedToken(ctx, page, api)).toEqual({ local: null, cookie: null })

    await page.evaluate(() => (window as any).stammis.consent(true))
    await until(() => api.events().length && api.decides().length, 'calls after consent')
    const token = await settled(api)
    await page.waitForFunction((t) => localStorage.getItem('stm_p') == t, token)

    await page.evaluate(() => (window as any).stammis.consent(false))
    expect(await storedToken(ctx, page, api)).toEqual({ local: null, cookie: null })
    // Consent again: a fresh start, without the old token.
    const before = api.decides().length
    await page.evaluate(() => (window as any).stammis.consent(true))
    await until(() => api.decides().length > before, 'decide after consent again')
    expect(api.decides()[before]!.body.profileToken).toBeUndefined()
    await ctx.close()
  })
})
