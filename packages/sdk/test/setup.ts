import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, beforeEach } from 'vitest'
import { launch, startMockApi, type MockApi } from './harness'

/** One Chromium and one mock API per test file; the API's state is reset before each test. */
export const useBrowser = () => {
  const env = {} as { browser: Browser; api: MockApi }
  beforeAll(async () => {
    ;[env.browser, env.api] = await Promise.all([launch(), startMockApi()])
  })
  afterAll(async () => {
    await env.browser?.close()
    await env.api?.close()
  })
  beforeEach(() => env.api.reset())
  return env
}
