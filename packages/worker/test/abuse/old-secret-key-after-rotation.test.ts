// Attack: a leaked secret key keeps working after the shop rotates it. Whoever holds the old key
// can publish HTML that runs on checkout pages, so rotation must end the old key at once.
import { describe, expect, it } from 'vitest'
import { adminFetch, createTestSite, type ErrorJson } from '../helpers'

describe('abuse: the old secret key after a rotation', () => {
  it('is refused at once, while the new key (shown once) works', async () => {
    const site = await createTestSite()
    const rotated = await adminFetch('/v1/admin/site/rotate-secret', site.secretKey, {
      method: 'POST',
      body: '{}',
    })
    expect(rotated.status).toBe(200)
    const { secretKey } = (await rotated.json()) as { secretKey: string }
    expect(secretKey).toMatch(/^sk_[A-Za-z0-9]{40}$/)
    expect(secretKey).not.toBe(site.secretKey)

    // The attacker's copy of the old key: every admin route now answers 401.
    for (const [method, path, body] of [
      ['GET', '/v1/admin/rules', undefined],
      ['PUT', '/v1/admin/rules', JSON.stringify({ rules: [] })],
      ['POST', '/v1/admin/site/rotate-secret', '{}'],
    ] as const) {
      const response = await adminFetch(path, site.secretKey, { method, body })
      expect(response.status, `${method} ${path}`).toBe(401)
      expect(((await response.json()) as ErrorJson).error.code).toBe('invalid_api_key')
    }
    expect((await adminFetch('/v1/admin/rules', secretKey)).status).toBe(200)
  })
})
