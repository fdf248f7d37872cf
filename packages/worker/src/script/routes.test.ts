import { SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { PREVIEW_ETAG, PREVIEW_SOURCE, SCRIPT_ETAG, SCRIPT_SOURCE } from './bundle.generated'

describe.each([
  ['/s.js', SCRIPT_SOURCE, SCRIPT_ETAG],
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

describe('the two bundles', () => {
  it('differ: s.js imports preview.js on preview links, and only preview.js has preview mode', () => {
    expect(SCRIPT_ETAG).not.toBe(PREVIEW_ETAG)
    expect(SCRIPT_SOURCE).toContain('/preview.js')
    // preview.js is an ES module exporting the starter that s.js calls.
    expect(PREVIEW_SOURCE).toMatch(/export\s*\{[^}]*\bas s\b[^}]*\}/)
  })
})
