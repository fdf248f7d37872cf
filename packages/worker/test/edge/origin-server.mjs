// A real shop origin for the edge tests: node:http on 127.0.0.1, started by vitest.config.ts
// (the tests run inside workerd, which fetches it over real HTTP like a deployed edge would).
// Each path is one behaviour a shop's origin can have; `?id=` keeps tests' counters apart.
import { createServer } from 'node:http'

/** The page every personalizable test uses: two slots with their defaults. */
export const PAGE = (title = 'Shop') =>
  `<!doctype html><html><head><title>${title}</title></head><body>` +
  '<h1 data-stammis-slot="hero">Default hero</h1>' +
  '<p data-stammis-slot="banner">Default banner</p>' +
  '<div data-stammis-slot="unused">Default unused</div>' +
  '</body></html>'

const HTML = { 'content-type': 'text/html; charset=utf-8' }

/**
 * Starts the origin and returns its base URL.
 * @example const { url, close } = await startEdgeOrigin()
 */
export async function startEdgeOrigin() {
  /** Requests seen per `id` query value (or per path), for the cache tests. */
  const hits = new Map()
  /** Streams waiting for the test to release their second half, by id. */
  const gates = new Map()

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://origin.test')
    const key = url.searchParams.get('id') ?? url.pathname
    hits.set(key, (hits.get(key) ?? 0) + 1)
    const path = url.pathname

    if (path === '/__hits') {
      res.writeHead(200, { 'content-type': 'application/json' })
      return res.end(JSON.stringify({ hits: hits.get(url.searchParams.get('key')) ?? 0 }))
    }
    if (path.startsWith('/__release/')) {
      gates.get(path.slice('/__release/'.length))?.()
      res.writeHead(204)
      return res.end()
    }
    if (path === '/page') {
      res.writeHead(200, { ...HTML, 'cache-control': 'no-store' })
      return res.end(PAGE())
    }
    if (path === '/cacheable') {
      res.writeHead(200, { ...HTML, 'cache-control': 'public, max-age=60' })
      return res.end(PAGE(`hit ${hits.get(key)}`))
    }
    if (path === '/private') {
      res.writeHead(200, { ...HTML, 'cache-control': 'private, max-age=60' })
      return res.end(PAGE(`hit ${hits.get(key)}`))
    }
    if (path === '/origin-cookie') {
      res.writeHead(200, { ...HTML, 'cache-control': 'public, max-age=60', 'set-cookie': 'cart=1' })
      return res.end(PAGE())
    }
    if (path === '/with-script') {
      // A shop already on the script tag: the edge turns its tag into edge.js, its options kept
      // (and drops a second).
      res.writeHead(200, HTML)
      return res.end(
        '<html><head><script async src="https://stammis.example/s.js" data-site="pk_other" data-consent="required" data-anti-flicker></script>' +
          '<script async src="https://stammis.example/s.js" data-site="pk_other"></script></head>' +
          '<body><h1 data-stammis-slot="hero">Default hero</h1></body></html>',
      )
    }
    if (path === '/json') {
      res.writeHead(200, { 'content-type': 'application/json' })
      return res.end('{"data-stammis-slot":"hero"}')
    }
    if (path === '/redirect') {
      res.writeHead(302, { location: '/page', ...HTML })
      return res.end('<p data-stammis-slot="hero">Default hero</p>')
    }
    if (path === '/down') {
      res.writeHead(503, { ...HTML, 'retry-after': '7' })
      return res.end('<h1 data-stammis-slot="hero">The shop is down</h1>')
    }
    if (path === '/echo') {
      // What the origin received, as an HTML page with a slot (so the edge rewrites it).
      res.writeHead(200, HTML)
      const seen = { method: req.method, path: req.url, headers: req.headers }
      return res.end(
        `<h1 data-stammis-slot="hero">x</h1><pre id="seen">${escape(JSON.stringify(seen))}</pre>`,
      )
    }
    if (path === '/post') {
      let body = ''
      req.on('data', (chunk) => (body += chunk))
      req.on('end', () => {
        res.writeHead(200, HTML)
        res.end(`<h1 data-stammis-slot="hero">posted ${escape(body)}</h1>`)
      })
      return
    }
    if (path.startsWith('/gated/')) {
      // First half (with a slot) now, the rest only when the test releases it: an edge that
      // buffers the page would never answer.
      const id = path.slice('/gated/'.length)
      res.writeHead(200, HTML)
      res.write(
        '<!doctype html><html><head></head><body><h1 data-stammis-slot="hero">Default hero</h1>' +
          ' '.repeat(8192) +
          '<p>first half</p>',
      )
      gates.set(id, () => {
        gates.delete(id)
        res.end('<p>second half</p></body></html>')
      })
      return
    }
    if (path === '/huge') {
      // About `mb` MB of HTML, written as the socket drains.
      const total = Number(url.searchParams.get('mb') ?? 20) * 1024 * 1024
      const chunk = '<p class="row">' + 'x'.repeat(1000) + '</p>\n'
      res.writeHead(200, HTML)
      res.write(
        '<!doctype html><html><head></head><body><h1 data-stammis-slot="hero">Default hero</h1>',
      )
      let sent = 0
      const pump = () => {
        while (sent < total) {
          sent += chunk.length
          if (!res.write(chunk)) return res.once('drain', pump)
        }
        res.end('</body></html>')
      }
      return pump()
    }
    if (path === '/injection') {
      res.writeHead(200, HTML)
      return res.end(
        '<html><head></head><body>' +
          `<h1 data-stammis-slot='hero" onmouseover="alert(1)'>Bad name</h1>` +
          '<h2 data-stammis-slot="HERO">Upper case</h2>' +
          '<h3 data-stammis-slot="hero">Default hero</h3>' +
          '</body></html>',
      )
    }
    res.writeHead(404, { 'content-type': 'text/plain' })
    res.end(`origin saw ${req.url}`)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  server.unref()
  const { port } = server.address()
  return { url: `http://127.0.0.1:${port}`, close: () => server.close() }
}

function escape(text) {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
}
