// Attack: inject headers or cookie attributes through the edge's cookies. The edge reads the
// visitor id, visit and profile token from cookies a visitor controls and writes cookies back; a
// value carrying ";", CR/LF, a Domain attribute or an over-long string must never be reflected into
// Set-Cookie, must not break the page (a thrown Headers error would be a 500), and must not be taken
// as an id.
import { describe, expect, it } from 'vitest'
import { countRows, eventually } from '../helpers'
import { createEdgeSite, edgeFetch, setCookies } from '../edge/helpers'

const ID = /^[A-Za-z0-9_-]{1,64}$/

describe('abuse: cookie values built to inject headers', () => {
  it('never reflects a bad cookie value and serves the page with fresh ids', async () => {
    const site = await createEdgeSite()
    const attacks = [
      'stm_v=abc%0d%0aSet-Cookie:%20admin=1; stm_s=x%0d%0aLocation:%20https://evil.example',
      'stm_v="evil; Domain=example.com"; stm_s=s1.notatime; stm_p=<script>',
      `stm_v=${'a'.repeat(65)}; stm_s=${'b'.repeat(300)}`,
      'stm_v=ok_id; Domain=evil.example; stm_s=..',
    ]
    for (const cookie of attacks) {
      const response = await edgeFetch(site.host, '/page', { headers: { cookie } })
      expect(response.status, cookie).toBe(200)
      expect(await response.text(), cookie).toContain('Welcome, new shopper')
      const raw = response.headers.getSetCookie().join('\n')
      expect(raw, cookie).not.toMatch(/evil|admin=|Location|script|%0d/i)
      const set = setCookies(response)
      expect(set.get('stm_s'), cookie).toMatch(ID)
      const visitorId = set.get('stm_v') ?? 'ok_id'
      expect(visitorId, cookie).toMatch(ID)
    }
  })

  it('takes a well-formed visitor id from its cookie (and records the exposure under it)', async () => {
    const site = await createEdgeSite()
    const response = await edgeFetch(site.host, '/page', {
      headers: { cookie: 'stm_v=visitor_from_cookie' },
    })
    expect(await response.text()).toContain('Welcome, new shopper')
    expect(setCookies(response).has('stm_v')).toBe(false)
    await eventually(async () => (await countRows('exposures', site.siteId)) > 0)
    expect(await countRows('exposures', site.siteId)).toBeGreaterThan(0)
  })
})
