// Segment changes: `stammis:segment` on window and on('segment', cb), once per change.
import { describe, expect, it } from 'vitest'
import { openPage, sdkReady } from './harness'
import { useBrowser } from './setup'

const env = useBrowser()

describe('segment event', () => {
  it('fires when the segment differs from the last one seen in this browser', async () => {
    const { browser, api } = env
    const ctx = await browser.newContext()
    await ctx.addInitScript(() => {
      ;(window as any).seen = []
      addEventListener('stammis:segment', (e: any) =>
        (window as any).seen.push([e.detail.previous, e.detail.segment]),
      )
    })
    const { page } = await openPage(ctx, api.page('/seg'))
    await sdkReady(page)
    await page.evaluate(() => (window as any).stammis.profile())
    expect(await page.evaluate(() => (window as any).seen)).toEqual([[null, 'shopper']])

    api.state.segment = 'returning'
    const viaOn = await page.evaluate(
      () =>
        new Promise((resolve) => {
          ;(window as any).stammis.on('segment', resolve)
          ;(window as any).stammis.track('x')
        }),
    )
    expect(viaOn).toMatchObject({
      previous: 'shopper',
      segment: 'returning',
      profile: { segment: 'returning' },
    })
    await page.reload()
    await sdkReady(page)
    await page.evaluate(() => (window as any).stammis.profile())
    expect(await page.evaluate(() => (window as any).seen)).toEqual([])
    await ctx.close()
  })
})
