import { SELF } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { SCRIPT_ETAG, SCRIPT_SOURCE } from './bundle.generated'

describe('GET /s.js', () => {
  it('serves the SDK bundle with cache headers', async () => {
    const response = await SELF.fetch('https://worker.test/s.js')
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toBe('application/javascript; charset=utf-8')
    expect(response.headers.get('cache-control')).toContain('max-age=300')
    expect(response.headers.get('etag')).toBe(SCRIPT_ETAG)
    const body = await response.text()
    expect(body).toBe(SCRIPT_SOURCE)
    expect(body).toContain('decide')
  })

  it('answers 304 when the browser has the current version', async () => {
    const response = await SELF.fetch('https://worker.test/s.js', {
      headers: { 'if-none-match': SCRIPT_ETAG },
    })
    expect(response.status).toBe(304)
    expect(await response.text()).toBe('')
  })
})
