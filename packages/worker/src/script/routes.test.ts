import { SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import {
  EDGE_SCRIPT_ETAG,
  EDGE_SCRIPT_SOURCE,
  PREVIEW_ETAG,
  PREVIEW_SOURCE,
  SCRIPT_ETAG,
  SCRIPT_SOURCE,
} from './bundle.generated'

describe.each([
  ['/s.js', SCRIPT_SOURCE, SCRIPT_ETAG],
  ['/edge.js', EDGE_SCRIPT_SOURCE, EDGE_SCRIPT_ETAG],
  ['/preview.js', PREVIEW_SOURCE, PREVIEW_ETAG],
])('GET %s', (path, source, etag) => {
  it('serves the SDK bundle with cache headers, to any origin', async () => {
    const response = await SELF.fetch('https://worker.test' + path, {
      headers: { origin: 'https://shop.example' },
    })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/javascript; charset=utf-8')
    expect(response.headers.get('cache-control')).toContain('max-age=300')
    expect(response.headers.get('access-control-allow-origin')).toBe('*')
    expect(response.headers.get('etag')).toBe(etag)
    const body = await response.text()
    expect(body).toBe(source)
    expect(body).toContain('decide')
  })

  it('answers 304 when the browser has the current version', async () => {
    const response = await SELF.fetch('https://worker.test' + path, {
      headers: { 'if-none-match': etag },
    })
    expect(response.status).toBe(304)
    expect(await response.text()).toBe('')
  })
})

describe('the three bundles', () => {
  it('differ: the script tags import preview.js on preview links, which has preview mode', () => {
    expect(new Set([SCRIPT_ETAG, EDGE_SCRIPT_ETAG, PREVIEW_ETAG]).size).toBe(3)
    expect(SCRIPT_SOURCE).toContain('/preview.js')
    expect(EDGE_SCRIPT_SOURCE).toContain('/preview.js')
    // Only the edge's bundle knows the slots the edge filled.
    expect(EDGE_SCRIPT_SOURCE).toContain('stammisFilled')
    expect(SCRIPT_SOURCE).not.toContain('stammisFilled')
    // preview.js is an ES module exporting the starter that s.js calls.
    expect(PREVIEW_SOURCE).toMatch(/export\s*\{[^}]*\bas s\b[^}]*\}/)
  })
})
