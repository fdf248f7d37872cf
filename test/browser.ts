import { chromium, type Browser } from 'playwright-core'

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
