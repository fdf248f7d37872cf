// The Stammis edge locally, in front of any origin: writes a site's edge config (hostname
// 127.0.0.1:<port> → site, the origin) into the local D1 through wrangler, and forwards the port
// to the local worker byte for byte (a TCP forward), so the Host header stays 127.0.0.1:<port>
// and the worker does the edge work exactly as it does on a shop's route in production.
// Used by `pnpm stammis edge` and `pnpm dev`.
import { connect, createServer } from 'node:net'
import { executeLocalSql } from './local-worker.mjs'

const LOCAL_ORIGIN = /^http:\/\/(127\.0\.0\.1|localhost)(:[0-9]{1,5})?$/
const HTTPS_ORIGIN = /^https:\/\/[a-z0-9.-]+(:[0-9]{1,5})?$/
const SITE = /^(pk|site)_[A-Za-z0-9_-]{1,64}$/

/**
 * Points `hostname` at the site (public key or id) with `origin`, in the local D1 of `persistTo`.
 * The hostname is taken from any other local site. Resolves with the site's id, name and key;
 * rejects when no site has that key.
 * @example await writeEdgeConfig({ persistTo, site: 'pk_demo', origin: 'http://127.0.0.1:3000', hostname: '127.0.0.1:8789' })
 */
export async function writeEdgeConfig({ persistTo, site, origin, hostname }) {
  if (!SITE.test(site))
    throw new Error(`--site must be a public key (pk_...) or id (got "${site}")`)
  if (!LOCAL_ORIGIN.test(origin) && !HTTPS_ORIGIN.test(origin))
    throw new Error(
      `--origin must be http://127.0.0.1:PORT, http://localhost:PORT or an https origin, without a path (got "${origin}")`,
    )
  if (origin === `http://${hostname}`) throw new Error('the origin cannot be the edge itself')
  const match = `(public_key = '${site}' OR id = '${site}')`
  const sql = [
    `UPDATE sites SET edge_origin = '${origin}' WHERE ${match}`,
    `DELETE FROM site_hostnames WHERE hostname = '${hostname}'`,
    `INSERT INTO site_hostnames (hostname, site_id, created_at) SELECT '${hostname}', id, ${Date.now()} FROM sites WHERE ${match}`,
    `SELECT id, name, public_key FROM sites WHERE ${match}`,
  ].join('; ')
  const results = await executeLocalSql(persistTo, sql)
  const row = results[results.length - 1]?.results?.[0]
  if (!row) throw new Error(`no local site has the public key or id "${site}"`)
  return { id: row.id, name: row.name, publicKey: row.public_key }
}

/**
 * Forwards 127.0.0.1:`port` to the worker at `workerUrl`, connection by connection.
 * @example const forward = await forwardPort(8789, 'http://127.0.0.1:8787'); await forward.stop()
 */
export async function forwardPort(port, workerUrl) {
  const target = new URL(workerUrl)
  const sockets = new Set()
  const server = createServer((client) => {
    const upstream = connect(Number(target.port), target.hostname)
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
      socket.on('error', () => {
        client.destroy()
        upstream.destroy()
      })
    }
    client.pipe(upstream).pipe(client)
  })
  await new Promise((resolve, reject) =>
    server.once('error', reject).listen(port, '127.0.0.1', resolve),
  )
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    stop: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy()
        server.close(() => resolve())
      }),
  }
}

/**
 * The edge on 127.0.0.1:`port` for `site` in front of `origin`, served by the worker at
 * `workerUrl` (whose D1 state is `persistTo`).
 * @example const edge = await startLocalEdge({ workerUrl, persistTo, site: 'pk_demo', origin: shop.url, port: 8789 })
 */
export async function startLocalEdge({
  workerUrl,
  persistTo,
  site = 'pk_demo',
  origin,
  port = 8789,
}) {
  const hostname = `127.0.0.1:${port}`
  const written = await writeEdgeConfig({ persistTo, site, origin, hostname })
  const forward = await forwardPort(port, workerUrl)
  return { ...written, url: forward.url, stop: forward.stop }
}
