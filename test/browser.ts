import { chromium, type Browser, type Page, type Response } from 'playwright-core'
import { expect } from 'vitest'

/**
 * Headless Chromium announces itself as "HeadlessChrome", which the worker rightly filters as a
 * bot (nothing tracked, nothing counted). The end-to-end tests play a real shopper, so they launch
 * it with the user agent of ordinary desktop Chrome.
 */
export const BROWSER_USER_AGENT =
  '--user-agent=Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36'

/**
 * Debian's Chromium, headless, with the flags this machine needs (no sandbox as root, no
 * background networking: the network is closed) and a desktop Chrome user agent.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      BROWSER_USER_AGENT,
    ],
  })
}

/**
 * Buys one grinder through the demo shop's own pages (product, cart, checkout, pay) at `base` (the
 * shop, or the shop through the edge); resolves with the worker's answer to the purchase event,
 * once the thank-you page is shown; the answer must be a 200.
 * @example await buyGrinder(page, shop.url)
 */
export async function buyGrinder(page: Page, base: string): Promise<Response> {
  await page.goto(base + '/product.html?sku=grinder')
  await page.click('#add')
  await page.waitForURL('**/cart.html')
  await page.click('#checkout')
  await page.waitForURL('**/checkout.html')
  const answered = page.waitForResponse(
    (r) => r.url().endsWith('/v1/events') && (r.request().postData() ?? '').includes('"purchase"'),
  )
  await page.click('#pay')
  await page.waitForURL('**/thank-you.html*')
  const response = await answered
  expect(response.status()).toBe(200)
  return response
}
