import { env, SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { adminFetch, createTestSite, type ErrorJson } from '../../test/helpers'
import { edgeSiteFor } from './edge-directory'

const patchEdge = (secretKey: string, edge: unknown) =>
  adminFetch('/v1/admin/site', secretKey, { method: 'PATCH', body: JSON.stringify({ edge }) })

describe('PATCH /v1/admin/site edge', () => {
  it('stores the origin and hostnames, shows them in GET, and turns off with null', async () => {
    const site = await createTestSite()
    const edge = {
      origin: 'https://origin.shop-a.example',
      hostnames: ['shop-a.example', 'www.shop-a.example'],
    }
    const patched = await patchEdge(site.secretKey, edge)
    expect(patched.status).toBe(200)
    expect(((await patched.json()) as { edge: unknown }).edge).toEqual(edge)
    const shown = (await (await adminFetch('/v1/admin/site', site.secretKey)).json()) as {
      edge: unknown
    }
    expect(shown.edge).toEqual({ ...edge, hostnames: [...edge.hostnames].sort() })
    expect(await edgeSiteFor(env.DB, 'www.shop-a.example')).toEqual({
      siteId: site.siteId,
      publicKey: site.publicKey,
      origin: edge.origin,
    })

    expect((await patchEdge(site.secretKey, null)).status).toBe(200)
    const off = (await (await adminFetch('/v1/admin/site', site.secretKey)).json()) as {
      edge: unknown
    }
    expect(off.edge).toBeNull()
    // This isolate forgot the hostname at once: it is the API's again.
    expect(await edgeSiteFor(env.DB, 'www.shop-a.example')).toBeNull()
    const page = await SELF.fetch('https://www.shop-a.example/')
    expect(((await page.json()) as { name: string }).name).toBe('stammis')
  })

  it('refuses a hostname another site has with 409 hostname_taken, changing nothing', async () => {
    const first = await createTestSite()
    const second = await createTestSite()
    await patchEdge(first.secretKey, {
      origin: 'https://o.shop-b.example',
      hostnames: ['shop-b.example'],
    })
    const refused = await adminFetch('/v1/admin/site', second.secretKey, {
      method: 'PATCH',
      body: JSON.stringify({
        lapseDays: 30,
        edge: { origin: 'https://o.other.example', hostnames: ['other.example', 'shop-b.example'] },
      }),
    })
    expect(refused.status).toBe(409)
    const body = (await refused.json()) as ErrorJson
    expect(body.error.code).toBe('hostname_taken')
    expect(body.error.message).toContain('shop-b.example')
    const after = (await (await adminFetch('/v1/admin/site', second.secretKey)).json()) as {
      edge: unknown
      lapseDays: number
    }
    expect(after.edge).toBeNull()
    expect(after.lapseDays).toBe(90)
    expect((await edgeSiteFor(env.DB, 'shop-b.example'))?.siteId).toBe(first.siteId)
  })

  it('refuses origins that are not https or local http, and malformed hostnames', async () => {
    const site = await createTestSite()
    const bad = [
      { origin: 'http://shop.example', hostnames: ['shop.example'] },
      { origin: 'https://shop.example/path', hostnames: ['shop.example'] },
      { origin: 'https://user:pw@shop.example', hostnames: ['shop.example'] },
      { origin: 'ftp://shop.example', hostnames: ['shop.example'] },
      { origin: 'http://127.0.0.1:3000', hostnames: ['127.0.0.1:3000'] },
      { origin: 'https://o.example', hostnames: ['Shop.Example'] },
      { origin: 'https://o.example', hostnames: ['shop.example/x'] },
      { origin: 'https://o.example', hostnames: [] },
      { origin: 'https://o.example', hostnames: ['a.example', 'a.example'] },
      {
        origin: 'https://o.example',
        hostnames: Array.from({ length: 11 }, (_, i) => `h${i}.example`),
      },
    ]
    for (const edge of bad) {
      const response = await patchEdge(site.secretKey, edge)
      expect(response.status, JSON.stringify(edge)).toBe(400)
      expect(((await response.json()) as ErrorJson).error.code).toBe('invalid_request')
    }
    const local = await patchEdge(site.secretKey, {
      origin: 'http://localhost:3000',
      hostnames: ['127.0.0.1:8789'],
    })
    expect(local.status).toBe(200)
  })
})
