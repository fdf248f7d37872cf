/**
 * Test harness: one node:http server playing both the host site (pages on http://localhost:PORT)
 * and a scripted Stammis API (on http://127.0.0.1:PORT, so every SDK call is cross-origin, as in
 * production), plus headless Debian Chromium driven by playwright-core.
 * STAMMIS_BUNDLE=min runs everything against the minified dist/s.js; otherwise dist/s.dev.js.
 */
import { readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core'

const dist = join(dirname(fileURLToPath(import.meta.url)), '../dist')
const isMin = process.env.STAMMIS_BUNDLE === 'min'
export const BUNDLE = isMin ? 's.js' : 's.dev.js'
/** What the worker serves at `/s.js`, `/preview.js` (the chunk s.js imports on preview links), `/index.js`. */
const served: Record<string, string> = {
  '/s.js': BUNDLE,
  '/edge.js': isMin ? 'edge.js' : 'edge.dev.js',
  '/preview.js': isMin ? 'preview.js' : 'preview.dev.js',
  '/index.js': 'index.js',
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
]

export const launch = (): Promise<Browser> =>
  chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  })

export type Recorded = { method: string; path: string; contentType: string; body: any }
/**
 * `rateLimited429` answers like the worker's rate limiter: 429, refused before the site's allowed
 * origins are known, so without CORS headers (the browser cannot read it).
 */
export type Mode = 'ok' | 'down' | 'error500' | 'error400' | 'rateLimited429' | 'slow' | 'hang'

export const profileOf = (segment = 'shopper', orders = 0, visitorId = 'v') => ({
  visitorId,
  segment,
  visits: 1,
  orders,
  purchaseVisits: 0,
  revenue: 0,
  lastPurchaseAt: null,
  lapsed: false,
})

export type MockApi = Awaited<ReturnType<typeof startMockApi>>

export const startMockApi = async () => {
  const pages = new Map<string, string>()
  const requests: Recorded[] = []
  const state = {
    mode: 'ok' as Mode,
    /** Applies to /v1/events only when set; otherwise `mode` does. */
    eventsMode: undefined as Mode | undefined,
    delayMs: 3000,
    segment: 'shopper',
    decisions: {} as Record<string, unknown>,
    /** When set, events answers move the browser to this visitor id (a shared computer's second customer). */
    switchVisitorTo: undefined as string | undefined,
    /** The one preview token decide accepts (answering `preview: true`); any other gets 403 invalid_preview, as the worker does. */
    previewToken: 'tok.sig',
    /** When true, events and decide answers carry a fresh `profileToken` (as the worker will). */
    issueTokens: false,
  }
  /** Every profile token the API issued, in order: `tok-<n>-<visitorId>`. */
  const tokens: string[] = []
  const issue = (visitorId: string) => {
    if (!state.issueTokens) return {}
    tokens.push(`tok-${tokens.length + 1}-${visitorId}`)
    return { profileToken: tokens.at(-1) }
  }
  const hung: ServerResponse[] = []

  const cors = (res: ServerResponse) => {
    res.setHeader('Access-Control-Allow-Origin', '*')
    res.setHeader('Access-Control-Allow-Headers', '*')
  }
  const json = (res: ServerResponse, status: number, body: unknown) => {
    cors(res)
    res.writeHead(status, { 'Content-Type': 'application/json' })
    res.end(JSON.stringify(body))
  }

  const answer = (req: IncomingMessage, res: ServerResponse, path: string, body: any) => {
    const mode = path == '/v1/events' ? (state.eventsMode ?? state.mode) : state.mode
    if (mode == 'down') return req.socket.destroy()
    if (mode == 'hang') return void hung.push(res)
    if (mode == 'error500')
      return json(res, 500, { error: { code: 'internal_error', message: 'x' } })
    if (mode == 'error400')
      return json(res, 400, { error: { code: 'invalid_request', message: 'x' } })
    if (mode == 'rateLimited429') {
      res.writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': '60' })
      return void res.end(JSON.stringify({ error: { code: 'rate_limited', message: 'x' } }))
    }
    const reply = () => {
      if (path == '/v1/events') {
        const visitorId = state.switchVisitorTo ?? body.visitorId
        json(res, 200, {
          accepted: body.events.length,
          duplicates: 0,
          profile: profileOf(state.segment, 0, visitorId),
          ...issue(visitorId),
        })
      } else if (body.preview !== undefined && body.preview !== state.previewToken)
        json(res, 403, {
          error: {
            code: 'invalid_preview',
            message: 'This preview link is not valid; ask for a new one.',
          },
        })
      else
        json(res, 200, {
          ...(body.preview ? { preview: true } : issue(body.visitorId)),
          profile: profileOf(state.segment, 0, body.visitorId),
          decisions: Object.fromEntries(
            body.slots.map((s: string) => [s, state.decisions[s] ?? null]),
          ),
        })
    }
    mode == 'slow' ? setTimeout(reply, state.delayMs) : reply()
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://x')
    let raw = ''
    req.on('data', (c) => (raw += c))
    req.on('end', () => {
      if (url.pathname.startsWith('/v1/')) {
        let body: any = raw
        try {
          body = JSON.parse(raw)
        } catch {}
        requests.push({
          method: req.method!,
          path: url.pathname,
          contentType: req.headers['content-type'] ?? '',
          body,
        })
        if (req.method == 'OPTIONS') {
          cors(res)
          return void res.writeHead(204).end()
        }
        return answer(req, res, url.pathname, body)
      }
      const file = served[url.pathname]
      if (file) {
        cors(res)
        res.writeHead(200, { 'Content-Type': 'text/javascript' })
        return void res.end(readFileSync(join(dist, file)))
      }
      const html = pages.get(url.pathname)
      res.writeHead(html ? 200 : 404, { 'Content-Type': 'text/html' })
      res.end(html ?? 'not found')
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as AddressInfo).port
  // The site is served as localhost, the API as 127.0.0.1: two origins.
  const site = `http://localhost:${port}`
  const api = `http://127.0.0.1:${port}`

  return {
    state,
    requests,
    tokens,
    site,
    api,
    /** Events the API received, flattened, in arrival order. */
    events: () =>
      requests
        .filter((r) => r.path == '/v1/events' && r.method == 'POST')
        .flatMap((r) => r.body.events),
    decides: () => requests.filter((r) => r.path == '/v1/decide'),
    /**
     * Registers a page with the script tag. `attrs` are extra attributes on the tag, `head` runs
     * before it (the stub is always there), `body` is the page's markup, `bundle` the script
     * (`s.js`, or `edge.js` for a page the Stammis edge personalized).
     */
    page: (
      path: string,
      o: { attrs?: string; head?: string; body?: string; bundle?: 's' | 'edge' } = {},
    ) => {
      pages.set(
        path,
        `<!doctype html><html><head><meta charset="utf-8"><script>window.stammis = window.stammis || [];${o.head ?? ''}</script>
<script async src="${api}/${o.bundle ?? 's'}.js" data-site="pk_test" ${o.attrs ?? ''}></script></head>
<body>${o.body ?? ''}</body></html>`,
      )
      return site + path
    },
    raw: (path: string, html: string) => (pages.set(path, html), site + path),
    reset: () => {
      requests.length = 0
      Object.assign(state, {
        mode: 'ok',
        eventsMode: undefined,
        segment: 'shopper',
        decisions: {},
        switchVisitorTo: undefined,
        previewToken: 'tok.sig',
        issueTokens: false,
      })
      tokens.length = 0
      hung.splice(0).forEach((r) => r.destroy())
    },
    close: () =>
      new Promise<void>((r) => {
        hung.splice(0).forEach((x) => x.destroy())
        server.closeAllConnections()
        server.close(() => r())
      }),
  }
}

/** A page that records uncaught errors and unhandled rejections. */
export const openPage = async (context: BrowserContext, url?: string) => {
  const page = await context.newPage()
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(String(e)))
  if (url) await page.goto(url)
  return { page, errors }
}

/** Waits until `check` is truthy (polling), or fails with `what`. */
export const until = async <T>(check: () => T, what: string, ms = 5000): Promise<T> => {
  const end = Date.now() + ms
  for (;;) {
    const v = check()
    if (v) return v
    if (Date.now() > end) throw new Error('timed out waiting for ' + what)
    await new Promise((r) => setTimeout(r, 25))
  }
}

export const sdkReady = (page: Page) =>
  page.waitForFunction(() => !Array.isArray((window as any).stammis))
