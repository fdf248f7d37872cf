// Attack: an admin session (a stolen cookie, or a colleague who has left) outlives a secret-key
// rotation and keeps its full power for up to 12 hours. Rotation must end every session at once.
import { describe, expect, it } from 'vitest'
import { adminFetch, createTestSession, createTestSite, type ErrorJson } from '../helpers'
import { SELF } from 'cloudflare:test'

describe('abuse: an admin session after the secret key is rotated', () => {
  it('is ended at once, on the API and in the admin app', async () => {
    const site = await createTestSite()
    const stolen = await createTestSession(site, 'Former colleague')
    const asSession = (path: string, init: RequestInit = {}) =>
      SELF.fetch(`https://worker.test${path}`, {
        ...init,
        headers: {
          cookie: stolen.cookie,
          'x-csrf-token': stolen.csrfToken,
          'content-type': 'application/json',
        },
      })
    expect((await asSession('/v1/admin/rules')).status).toBe(200)

    const rotated = await adminFetch('/v1/admin/site/rotate-secret', site.secretKey, {
      method: 'POST',
      body: '{}',
    })
    expect(rotated.status).toBe(200)

    for (const [method, path, body] of [
      ['GET', '/v1/admin/rules', undefined],
      ['PUT', '/v1/admin/rules', JSON.stringify({ rules: [] })],
    ] as const) {
      const response = await asSession(path, { method, body })
      expect(response.status, `${method} ${path}`).toBe(401)
      expect(((await response.json()) as ErrorJson).error.code).toBe('session_expired')
    }
    // The admin app sends the holder of the cookie back to the sign-in page.
    const page = await SELF.fetch('https://worker.test/admin', {
      headers: { cookie: stolen.cookie },
      redirect: 'manual',
    })
    expect(page.status).toBe(303)
    expect(page.headers.get('location')).toMatch(/^\/admin\/sign-in/)
  })
})
