// The edge in front of a real origin (test/edge/origin-server.mjs over HTTP): what it personalizes,
// what it passes through untouched, its cookies, the shared cache and the first-party API.
import { createExecutionContext, env, SELF, waitOnExecutionContext } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import worker from '../../src/index'
import { EDGE_DECISION_WAIT_MS } from '../../src/edge/handler'
import { clearSiteDirectory } from '../../src/sites/directory'
import { countRows, eventId, eventually, postJson } from '../helpers'
import { CHROME_UA, createEdgeSite, edgeFetch, setCookies } from './helpers'

const hitsOf = async (key: string): Promise<number> =>
  ((await (await fetch(`${env.EDGE_TEST_ORIGIN}/__hits?key=${key}`)).json()) as { hits: number })
    .hits

describe('the edge: personalized pages', () => {
  it('fills slots for a new visitor, marks them, injects edge.js and sets the visitor and visit', async () => {
    const site = await createEdgeSite()
    const response = await edgeFetch(site.host, '/page')
    expect(response.status).toBe(200)
    expect(response.headers.get('cache-control')).toBe('private, no-store')
    const html = await response.text()
    expect(html).toContain(
      '<h1 data-stammis-slot="hero" data-stammis-filled="hero-shopper">Welcome, new shopper</h1>',
    )
    expect(html).toContain(
      '<p data-stammis-slot="banner" data-stammis-filled="banner-all"><strong>Fresh</strong> beans</p>',
    )
    // No rule for this slot: left as it is, marked so the SDK does not ask again.
    expect(html).toContain(
      '<div data-stammis-slot="unused" data-stammis-filled="">Default unused</div>',
    )
    expect(html).toContain(
      `<script async src="/__stammis/edge.js" data-site="${site.publicKey}" data-endpoint="/__stammis" data-edge></script></body>`,
    )
    const cookies = setCookies(response)
    expect(cookies.get('stm_v')).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(cookies.get('stm_s')).toMatch(/^[A-Za-z0-9_-]{22}$/)
    const raw = response.headers.getSetCookie().join('\n')
    expect(raw).toContain(
      'stm_v=' + cookies.get('stm_v') + '; Max-Age=30000000; Path=/; SameSite=Lax; Secure',
    )
    expect(raw).toMatch(/stm_s=[^;]+; Path=\/; SameSite=Lax; Secure/)
    // The exposures of the slots the page showed (hero and banner), after the response.
    await eventually(async () => (await countRows('exposures', site.siteId)) === 2)
    expect(await countRows('exposures', site.siteId)).toBe(2)
  })

  it('a returning visitor gets the returning content in the first HTML, and keeps their ids', async () => {
    const site = await createEdgeSite()
    const stored = await postJson('/v1/events', {
      site: site.publicKey,
      visitorId: 'edge-visitor',
      visitId: 'visit-1',
      events: [
        { id: eventId(), type: 'visit', url: `https://${site.host}/` },
        { id: eventId(), type: 'purchase', orderId: 'A-1', revenue: 20, currency: 'USD' },
      ],
    })
    expect(stored.status).toBe(200)
    // Same visit: the purchase does not count yet.
    const sameVisit = await edgeFetch(site.host, '/page', {
      headers: { cookie: `stm_v=edge-visitor; stm_s=visit-1.${Date.now()}` },
    })
    expect(await sameVisit.text()).toContain('Welcome, new shopper')
    expect(setCookies(sameVisit).size).toBe(0)
    // An idle visit is over: a new one starts, and the earlier purchase counts.
    const nextVisit = await edgeFetch(site.host, '/page', {
      headers: { cookie: `stm_v=edge-visitor; stm_s=visit-1.${Date.now() - 31 * 60_000}` },
    })
    expect(await nextVisit.text()).toContain(
      'data-stammis-filled="hero-returning">Welcome back</h1>',
    )
    const cookies = setCookies(nextVisit)
    expect(cookies.has('stm_v')).toBe(false)
    expect(cookies.get('stm_s')).not.toBe('visit-1')
  })

  it('turns the page’s own Stammis script tag into the first-party edge.js, once', async () => {
    const site = await createEdgeSite()
    const html = await (await edgeFetch(site.host, '/with-script')).text()
    expect(html).toContain(
      `<script async src="/__stammis/edge.js" data-site="${site.publicKey}" data-consent="required" data-endpoint="/__stammis" data-edge=""></script></head>`,
    )
    expect(html.match(/edge\.js/g)).toHaveLength(1)
    expect(html).not.toContain('s.js')
    expect(html).not.toContain('data-anti-flicker')
  })

  it('a site without live rules leaves every slot to its default', async () => {
    const site = await createEdgeSite({ rules: [] })
    const html = await (await edgeFetch(site.host, '/page')).text()
    expect(html).toContain('<h1 data-stammis-slot="hero" data-stammis-filled="">Default hero</h1>')
  })
})

describe('the edge: what passes through unchanged', () => {
  it('redirects, origin errors, JSON and pages for bots are the origin’s own answers', async () => {
    const site = await createEdgeSite()
    const redirect = await edgeFetch(site.host, '/redirect')
    expect(redirect.status).toBe(302)
    expect(redirect.headers.get('location')).toBe('/page')
    expect(await redirect.text()).toBe('<p data-stammis-slot="hero">Default hero</p>')

    const down = await edgeFetch(site.host, '/down')
    expect(down.status).toBe(503)
    expect(down.headers.get('retry-after')).toBe('7')
    expect(await down.text()).toBe('<h1 data-stammis-slot="hero">The shop is down</h1>')

    const json = await edgeFetch(site.host, '/json')
    expect(await json.text()).toBe('{"data-stammis-slot":"hero"}')

    const bot = await edgeFetch(site.host, '/page', {
      headers: {
        'user-agent': 'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
      },
    })
    const botHtml = await bot.text()
    expect(botHtml).toContain('<h1 data-stammis-slot="hero">Default hero</h1>')
    expect(botHtml).not.toContain('edge.js')
    expect(bot.headers.getSetCookie()).toEqual([])
  })

  it('POST and HEAD go to the origin as they are, body streamed', async () => {
    const site = await createEdgeSite()
    const post = await edgeFetch(site.host, '/post', { method: 'POST', body: 'qty=2' })
    expect(await post.text()).toBe('<h1 data-stammis-slot="hero">posted qty=2</h1>')
    const head = await edgeFetch(site.host, '/page', { method: 'HEAD' })
    expect(head.status).toBe(200)
    expect(head.headers.getSetCookie()).toEqual([])
    expect(head.headers.get('cache-control')).toBe('no-store')
  })

  it('forwards the shop’s cookies and the public host, never the edge hostname as Host', async () => {
    const site = await createEdgeSite()
    const html = await (
      await edgeFetch(site.host, '/echo?x=1', { headers: { cookie: 'cart=3' } })
    ).text()
    const seen = JSON.parse(
      html
        .slice(html.indexOf('<pre id="seen">') + 15, html.indexOf('</pre>'))
        .replace(/&quot;/g, '"'),
    ) as { path: string; headers: Record<string, string> }
    expect(seen.path).toBe('/echo?x=1')
    expect(seen.headers['cookie']).toBe('cart=3')
    expect(seen.headers['x-forwarded-host']).toBe(site.host)
    expect(seen.headers['x-forwarded-proto']).toBe('https')
    expect(seen.headers['host']).toBe(new URL(env.EDGE_TEST_ORIGIN).host)
  })

  it('an unreachable origin is a 502, not cached', async () => {
    const site = await createEdgeSite({ origin: 'http://127.0.0.1:9' })
    const response = await edgeFetch(site.host, '/page')
    expect(response.status).toBe(502)
    expect(response.headers.get('cache-control')).toBe('no-store')
    expect(await response.text()).toContain("the shop's origin server did not answer")
  })
})

describe('the edge: the shared cache', () => {
  it('keeps one copy of a cacheable page and personalizes it per visitor', async () => {
    const site = await createEdgeSite()
    const id = crypto.randomUUID()
    const first = await edgeFetch(site.host, `/cacheable?id=${id}`)
    expect(await first.text()).toContain('Welcome, new shopper')
    await eventually(
      async () =>
        (await edgeFetch(site.host, `/cacheable?id=${id}`)).headers.has('set-cookie') &&
        (await hitsOf(id)) === 1,
    )
    const again = await edgeFetch(site.host, `/cacheable?id=${id}`, {
      headers: { cookie: 'stm_v=second-visitor' },
    })
    const html = await again.text()
    expect(html).toContain('<title>hit 1</title>')
    expect(html).toContain('Welcome, new shopper')
    expect(again.headers.get('cache-control')).toBe('private, no-store')
    expect(await hitsOf(id)).toBe(1)
  })

  it('never caches a private page or one that sets a cookie', async () => {
    const site = await createEdgeSite()
    const id = crypto.randomUUID()
    await (await edgeFetch(site.host, `/private?id=${id}`)).text()
    await (await edgeFetch(site.host, `/private?id=${id}`)).text()
    expect(await hitsOf(id)).toBe(2)
    const withCookie = await edgeFetch(site.host, '/origin-cookie')
    expect(withCookie.headers.getSetCookie().some((c) => c.startsWith('cart=1'))).toBe(true)
  })
})

describe('the edge: first-party API and SDK under /__stammis', () => {
  it('serves edge.js and answers decide for same-origin pages', async () => {
    const site = await createEdgeSite()
    const script = await edgeFetch(site.host, '/__stammis/edge.js', { headers: { accept: '*/*' } })
    expect(script.status).toBe(200)
    expect(script.headers.get('content-type')).toContain('javascript')
    const decide = await SELF.fetch(`https://${site.host}/__stammis/v1/decide`, {
      method: 'POST',
      headers: {
        'content-type': 'text/plain',
        origin: `https://${site.host}`,
        'user-agent': CHROME_UA,
      },
      body: JSON.stringify({
        site: site.publicKey,
        visitorId: 'v1',
        visitId: 's1',
        slots: ['hero'],
      }),
    })
    expect(decide.status).toBe(200)
    expect(
      ((await decide.json()) as { decisions: { hero: { ruleId: string } } }).decisions.hero.ruleId,
    ).toBe('hero-shopper')
  })

  it('sets the fresh profile token of an events answer as the stm_p cookie', async () => {
    const site = await createEdgeSite()
    const events = await SELF.fetch(`https://${site.host}/__stammis/v1/events`, {
      method: 'POST',
      headers: {
        'content-type': 'text/plain',
        origin: `https://${site.host}`,
        'user-agent': CHROME_UA,
      },
      body: JSON.stringify({
        site: site.publicKey,
        visitorId: 'buyer-1',
        visitId: 's1',
        events: [
          { id: eventId(), type: 'purchase', orderId: 'o-cookie', revenue: 20, currency: 'USD' },
        ],
      }),
    })
    expect(events.status).toBe(200)
    const { profileToken } = (await events.json()) as { profileToken: string }
    // The browser keeps it even if the page that sent the purchase is gone by then.
    expect(events.headers.getSetCookie()).toEqual([
      `stm_p=${profileToken}; Max-Age=30000000; Path=/; SameSite=Lax; Secure`,
    ])
  })

  it('a later page view decides from the stm_p token, without the ledger, and does not set it again', async () => {
    const site = await createEdgeSite()
    const events = await SELF.fetch(`https://${site.host}/__stammis/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', 'user-agent': CHROME_UA },
      body: JSON.stringify({
        site: site.publicKey,
        visitorId: 'token-buyer',
        visitId: 's1',
        events: [
          { id: eventId(), type: 'visit', url: `https://${site.host}/` },
          { id: eventId(), type: 'purchase', orderId: 'o-token', revenue: 20, currency: 'USD' },
        ],
      }),
    })
    const { profileToken } = (await events.json()) as { profileToken: string }
    // A page of the same visit: this isolate reads the site's live rules version from the ledger.
    const sameVisit = await edgeFetch(site.host, '/page', {
      headers: { cookie: `stm_v=token-buyer; stm_s=s1; stm_p=${profileToken}` },
    })
    expect(await sameVisit.text()).toContain('Welcome, new shopper')

    // The next visit, with every ledger call 2 s away: the token alone answers, within the wait.
    const slowLedger = { ...env, BENCH_STORAGE_DELAY_MS: '2000' }
    const ctx = createExecutionContext()
    const started = Date.now()
    const response = await worker.fetch(
      new Request(`https://${site.host}/page`, {
        headers: {
          accept: 'text/html',
          'user-agent': CHROME_UA,
          cookie: `stm_v=token-buyer; stm_s=s2; stm_p=${profileToken}`,
        },
      }),
      slowLedger,
      ctx,
    )
    const html = await response.text()
    expect(Date.now() - started).toBeLessThan(EDGE_DECISION_WAIT_MS)
    expect(html).toContain('data-stammis-filled="hero-returning">Welcome back</h1>')
    // The visitor, the visit and the token are the ones the browser already holds: no Set-Cookie.
    expect(response.headers.getSetCookie()).toEqual([])
    await waitOnExecutionContext(ctx)
  })

  it('answers 404 for anything else under the prefix, the admin API included', async () => {
    const site = await createEdgeSite()
    const admin = await edgeFetch(site.host, '/__stammis/v1/admin/site', {
      headers: { authorization: `Bearer ${site.secretKey}` },
    })
    expect(admin.status).toBe(404)
    expect(await admin.text()).toContain('not_found')
  })
})

describe('the edge: no decision, no harm', () => {
  it('a decision that cannot be made leaves every slot unmarked, for the SDK to fill', async () => {
    const site = await createEdgeSite()
    expect(await (await edgeFetch(site.host, '/page')).text()).toContain('Welcome, new shopper')
    // The edge's hostname directory still knows the site for its 10 s, but decide (its key
    // directory forgotten, as another isolate's would be) no longer finds its key.
    await env.DB.prepare('UPDATE sites SET public_key = ?2 WHERE id = ?1')
      .bind(site.siteId, `${site.publicKey}_moved`)
      .run()
    clearSiteDirectory()
    const response = await edgeFetch(site.host, '/page')
    expect(response.status).toBe(200)
    const html = await response.text()
    expect(html).toContain('<h1 data-stammis-slot="hero">Default hero</h1>')
    expect(html).not.toContain('data-stammis-filled')
    expect(html).toContain('src="/__stammis/edge.js"')
  })

  it('a slow decision is not waited for: the page streams its defaults after the bounded wait', async () => {
    const site = await createEdgeSite()
    // The ledger call of this worker takes 2 s (the bench's simulated storage round trip), far
    // past the edge's bounded wait; the visitor is new, so no profile token can answer instead.
    const slowLedger = { ...env, BENCH_STORAGE_DELAY_MS: '2000' }
    const ctx = createExecutionContext()
    const started = Date.now()
    const response = await worker.fetch(
      new Request(`https://${site.host}/page`, {
        headers: { accept: 'text/html', 'user-agent': CHROME_UA },
      }),
      slowLedger,
      ctx,
    )
    const html = await response.text()
    const elapsed = Date.now() - started
    expect(response.status).toBe(200)
    expect(html).toContain('<h1 data-stammis-slot="hero">Default hero</h1>')
    expect(html).not.toContain('data-stammis-filled')
    expect(html).toContain('src="/__stammis/edge.js"')
    // Whole page in hand before the decision could have come: the wait (150 ms) bounded it.
    expect(EDGE_DECISION_WAIT_MS).toBeLessThan(2000)
    expect(elapsed).toBeLessThan(2000)
    // A new visitor still gets their ids; no token, as the decision was not in before the headers.
    const cookies = setCookies(response)
    expect(cookies.get('stm_v')).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(cookies.has('stm_p')).toBe(false)
    await waitOnExecutionContext(ctx)
    // Nothing was shown, so nothing is recorded as shown.
    expect(await countRows('exposures', site.siteId)).toBe(0)
  })
})
