// Attack: make the worker proxy somewhere it should not. The edge picks the site and its origin
// from the request's Host, so an attacker tries (a) a Host that is not an edge hostname (a site
// without edge mode, or none), hoping for a proxy to wherever; (b) a path that rebases the origin
// URL (`//evil.example/`, `/@evil.example`) to reach another host from the worker (SSRF); and
// (c) a Host with a port, upper case or a trailing dot, hoping to slip past the hostname check.
import { env, SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { createTestSite } from '../helpers'
import { CHROME_UA, createEdgeSite, edgeFetch } from '../edge/helpers'

describe('abuse: a spoofed Host or a path that rebases the origin', () => {
  it('a Host that is no edge hostname is answered by the API, never proxied', async () => {
    await createTestSite() // a site without edge mode
    const response = await SELF.fetch('https://not-an-edge.test/page', {
      headers: { accept: 'text/html', 'user-agent': CHROME_UA },
    })
    const text = await response.text()
    expect(response.status).toBe(404)
    expect(text).toContain('not_found')
    expect(text).not.toContain('Default hero')
  })

  it('the edge hostname of one site proxies to that site’s origin and personalizes', async () => {
    const site = await createEdgeSite()
    const response = await edgeFetch(site.host, '/page')
    expect(response.status).toBe(200)
    const html = await response.text()
    expect(html).toContain('Welcome, new shopper')
  })

  it('a protocol-relative path stays on the configured origin (no SSRF)', async () => {
    const site = await createEdgeSite()
    for (const path of ['//evil.example/x', '/@evil.example/x', '/\\\\evil.example/x']) {
      const response = await edgeFetch(site.host, path)
      const text = await response.text()
      // The test origin answers unknown paths with 404 "origin saw <path>": the request reached it.
      expect(response.status, path).toBe(404)
      expect(text, path).toContain('origin saw /')
    }
  })

  it('a Host spelled with upper case or a trailing dot is the same hostname; another port is not', async () => {
    const site = await createEdgeSite()
    const upper = await edgeFetch(site.host.toUpperCase(), '/page')
    expect(await upper.text()).toContain('Welcome, new shopper')
    const dotted = await edgeFetch(`${site.host}.`, '/page')
    expect(await dotted.text()).toContain('Welcome, new shopper')
    const otherPort = await edgeFetch(`${site.host}:8443`, '/page')
    expect(otherPort.status).toBe(404)
    expect(await otherPort.text()).toContain('not_found')
  })

  it('the API is not reachable on an edge hostname except under /__stammis', async () => {
    const site = await createEdgeSite()
    const admin = await edgeFetch(site.host, '/v1/admin/site', {
      headers: { authorization: `Bearer ${site.secretKey}`, accept: 'application/json' },
    })
    // Proxied to the shop's origin (which has no such page), not answered by the admin API.
    expect(admin.status).toBe(404)
    expect(await admin.text()).toContain('origin saw /v1/admin/site')
    expect(env.EDGE_TEST_ORIGIN).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  })
})
