// Site A's flood for the isolation scenario (bench/isolation.mjs), run in a process of its own:
// the parent sends { url, connections, seconds, rate, publicKey } and gets back the flood's
// figures (requests, requests/s, answers by status, errors), then the process exits.
import autocannon from 'autocannon'

let counter = 0
const runId = Date.now().toString(36)

/**
 * One of A's request bodies: the next of 5,000 visitors in its visit, plus what `rest(n)` adds (each
 * event id new, so never a duplicate).
 */
function floodBody(publicKey, rest) {
  const n = counter++
  const visitorId = `flood-${n % 5000}`
  return JSON.stringify({ site: publicKey, visitorId, visitId: `${visitorId}-v`, ...rest(n) })
}

const pageView = (n) => ({
  events: [{ id: `flood-${runId}-${n}`, type: 'pageview', url: 'http://localhost/' }],
})
const heroSlot = () => ({ slots: ['hero'] })

/** Events and decide in turn on every connection, `rate` requests a second over all of them. */
async function flood({ url, connections, seconds, rate, publicKey }) {
  const statuses = {}
  const instance = autocannon({
    url,
    connections,
    overallRate: rate,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        path: '/v1/events',
        headers: { 'content-type': 'text/plain' },
        setupRequest: (request) => ({ ...request, body: floodBody(publicKey, pageView) }),
      },
      {
        method: 'POST',
        path: '/v1/decide',
        headers: { 'content-type': 'text/plain' },
        setupRequest: (request) => ({ ...request, body: floodBody(publicKey, heroSlot) }),
      },
    ],
  })
  instance.on('response', (_client, status) => {
    statuses[status] = (statuses[status] ?? 0) + 1
  })
  const result = await instance
  return {
    requests: result.requests.total,
    requestsPerSecond: result.requests.total / result.duration,
    statuses,
    errors: result.errors + result.timeouts,
  }
}

process.once('message', async (options) => {
  process.send(await flood(options), () => process.exit(0))
})
