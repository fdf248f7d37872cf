// A local receiver for lifecycle-moment deliveries: a real Node HTTP server on 127.0.0.1 that the
// worker's queue consumer (inside workerd) POSTs to over the network. vitest.config.mts starts it
// and hands its URL to the tests as the binding MOMENTS_RECEIVER_URL. It verifies each delivery's
// signature the way docs/predictions.md tells a shop to (verifyStammisSignature below, written
// with node:crypto only, independent of the worker's own code).
//
// Each test uses a name of its own:
//   POST /config/<name>   {"secret": "...", "failures": 2, "status": 503}  the first 2 answer 503
//   POST /hooks/<name>    a delivery: recorded with `verified`, answered 204 (or the failure)
//   GET  /received/<name> every delivery recorded for the name, oldest first
import { createHmac, timingSafeEqual } from 'node:crypto'
import { createServer } from 'node:http'

/**
 * The receiving side of the signature (the same scheme as Stammis's inbound order webhook):
 * HMAC-SHA256 over `<Stammis-Timestamp>.<raw body>`, keyed with the destination's secret, sent as
 * `Stammis-Signature: v1=<hex>`; deliveries more than 5 minutes old are refused.
 */
export function verifyStammisSignature(secret, timestamp, signature, rawBody, nowMs = Date.now()) {
  if (!timestamp || !signature) return false
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > 300) return false
  const expected = `v1=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`
  const given = Buffer.from(signature)
  return given.length === expected.length && timingSafeEqual(given, Buffer.from(expected))
}

/** Starts the receiver on a free port of 127.0.0.1; resolves to its base URL. */
export async function startMomentsReceiver() {
  const configs = new Map()
  const received = new Map()
  const server = createServer(async (request, response) => {
    let body = ''
    for await (const chunk of request) body += chunk
    const [, kind, name] = new URL(request.url, 'http://x').pathname.split('/')
    if (request.method === 'POST' && kind === 'config') {
      configs.set(name, { failures: 0, status: 503, ...JSON.parse(body) })
      response.writeHead(204).end()
    } else if (request.method === 'POST' && kind === 'hooks') {
      const config = configs.get(name) ?? { secret: '', failures: 0, status: 503 }
      const header = (key) => request.headers[key] ?? null
      const list = received.get(name) ?? []
      list.push({
        headers: {
          timestamp: header('stammis-timestamp'),
          signature: header('stammis-signature'),
          idempotencyKey: header('stammis-idempotency-key'),
          contentType: header('content-type'),
        },
        body,
        verified: verifyStammisSignature(
          config.secret,
          header('stammis-timestamp'),
          header('stammis-signature'),
          body,
        ),
      })
      received.set(name, list)
      if (config.failures > 0) {
        config.failures--
        response.writeHead(config.status, { 'content-type': 'text/plain' }).end('try later')
      } else response.writeHead(204).end()
    } else if (request.method === 'GET' && kind === 'received') {
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end(JSON.stringify(received.get(name) ?? []))
    } else response.writeHead(404).end()
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  // The test run must not wait for this server to close.
  server.unref()
  return `http://127.0.0.1:${server.address().port}`
}
