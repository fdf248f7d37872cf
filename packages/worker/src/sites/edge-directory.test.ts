import { env } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { adminFetch, createTestSite } from '../../test/helpers'
import {
  EDGE_DIRECTORY_TTL_MS,
  edgeHostname,
  edgeSiteFor,
  forgetEdgeHostnames,
} from './edge-directory'

const failingDb = {
  prepare() {
    throw new Error('D1 is unreachable')
  },
} as unknown as D1Database

describe('the edge directory', () => {
  it('keys hostnames as browsers send them: lower case, no trailing dot, the port kept', () => {
    expect(edgeHostname(new URL('https://Shop.Example./x'))).toBe('shop.example')
    expect(edgeHostname(new URL('http://127.0.0.1:8789/'))).toBe('127.0.0.1:8789')
    expect(edgeHostname(new URL('https://shop.example:443/'))).toBe('shop.example')
  })

  it('caches answers for its TTL, positive and negative, and keeps an expired one when D1 fails', async () => {
    const site = await createTestSite()
    const host = `dir-${Date.now().toString(36)}.example`
    await adminFetch('/v1/admin/site', site.secretKey, {
      method: 'PATCH',
      body: JSON.stringify({ edge: { origin: 'https://o.example', hostnames: [host] } }),
    })
    const now = Date.now()
    forgetEdgeHostnames([host, 'nobody.example'])
    expect((await edgeSiteFor(env.DB, host, now))?.siteId).toBe(site.siteId)
    expect(await edgeSiteFor(env.DB, 'nobody.example', now)).toBeNull()
    // Within the TTL no read at all (a failing database is never asked).
    expect((await edgeSiteFor(failingDb, host, now + EDGE_DIRECTORY_TTL_MS - 1))?.siteId).toBe(
      site.siteId,
    )
    expect(await edgeSiteFor(failingDb, 'nobody.example', now + 1)).toBeNull()
    // Past it, D1 is asked; when it fails, the last answer stands; an unknown hostname fails.
    expect((await edgeSiteFor(failingDb, host, now + EDGE_DIRECTORY_TTL_MS + 1))?.siteId).toBe(
      site.siteId,
    )
    await expect(edgeSiteFor(failingDb, 'never-seen.example', now)).rejects.toThrow('unreachable')
    expect(await edgeSiteFor(env.DB, 'x'.repeat(300), now)).toBeNull()
  })
})
