// `pnpm bench`: starts the real worker with `wrangler dev` on a fresh local state, seeds it, then
// loads four routes from this (second) process with autocannon and compares decide and events
// against two reference routes: a trivial one (the runtime's ceiling) and a one-row D1 read (the
// floor for any answer that reads storage). Speed goals are reported, not asserted; errors and
// non-2xx answers are, so the bench cannot quietly measure error pages.
import { writeFileSync } from 'node:fs'
import os from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { startLocalWorker, freePort } from '../../../scripts/local-worker.mjs'
import { seedVisitors, SEED_VISITOR_IDS } from './seed.mjs'

const benchDir = dirname(fileURLToPath(import.meta.url))
const seconds = positiveInt('BENCH_SECONDS', 10)
const connections = positiveInt('BENCH_CONNECTIONS', 10)
const warmupSeconds = Math.min(2, seconds)
/** decide / read at or above this is the goal from issue 2 ("Speed"). */
const DECIDE_GOAL = 0.9

const decideBody = JSON.stringify({
  site: 'pk_demo',
  visitorId: 'bench-visitor',
  visitId: 'bench-visit',
  slots: ['hero', 'banner'],
  context: { url: 'http://localhost/' },
})

/** Unique event ids across warm-up and measured run, so no request is a duplicate. */
const runId = Date.now().toString(36)
let eventCounter = 0

/** One fresh page view per request, spread over the seeded visitors, each in a "load" visit. */
function nextEventsBody() {
  const n = eventCounter++
  const visitorId = SEED_VISITOR_IDS[n % SEED_VISITOR_IDS.length]
  return JSON.stringify({
    site: 'pk_demo',
    visitorId,
    visitId: `${visitorId}-load`,
    events: [
      { id: `load-${runId}-${n}`, type: 'pageview', url: `http://localhost/products/${n % 50}` },
    ],
  })
}

/**
 * The routes in the order they are loaded. `check` validates one answer before the load, so a
 * route that "works" but answers the wrong thing fails the bench.
 */
const routes = [
  { name: 'noop', path: '/__bench/noop', body: () => '{}', check: (b) => b.ok === true },
  {
    name: 'read',
    path: '/__bench/read',
    body: () => '{}',
    check: (b) => b.row?.visitor_id === 'bench-visitor',
  },
  {
    name: 'decide',
    path: '/v1/decide',
    body: () => decideBody,
    check: (b) =>
      b.profile?.segment === 'repeat' && 'hero' in (b.decisions ?? {}) && 'banner' in b.decisions,
  },
  {
    name: 'events',
    path: '/v1/events',
    body: nextEventsBody,
    check: (b) => b.accepted === 1 && b.duplicates === 0,
  },
]

const loadBefore = os.loadavg()

async function main() {
  const port = await freePort()
  console.log(
    `bench: starting the worker on port ${port} (wrangler dev --log-level warn, fresh local state)`,
  )
  // BENCH_WORKER_LOGS=on shows wrangler's output (warnings and errors only), e.g. to see why a route answered 500.
  // One visitor and one site get ~300 requests a second here, far over the real limits (120 a
  // minute, 1,000 per 10 s): raise them so the limiters are still called (and their cost measured)
  // but never refuse.
  const rateLimits = { RATE_LIMIT_VISITOR: 1e9, RATE_LIMIT_SITE: 1e9 }
  const worker = await startLocalWorker({
    port,
    vars: { BENCH_ROUTES: 'on' },
    rateLimits,
    quiet: process.env.BENCH_WORKER_LOGS !== 'on',
  })
  const stopOnSignal = async () => {
    await worker.stop()
    process.exit(130)
  }
  process.once('SIGINT', stopOnSignal)
  process.once('SIGTERM', stopOnSignal)
  try {
    const seeded = await seedVisitors(worker.url)
    console.log(
      `bench: seeded ${seeded.visitors} visitors, ${seeded.visits} visits, ${seeded.orders} orders`,
    )
    console.log(
      `bench: ${seconds} s per route (+${warmupSeconds} s warm-up), ${connections} connections\n`,
    )

    const results = []
    for (const route of routes) {
      await preflight(worker.url, route)
      await load(worker.url, route, warmupSeconds) // warm-up: JIT, caches, connections; discarded
      const result = await load(worker.url, route, seconds)
      results.push(result)
      console.log(
        `  ${route.name.padEnd(7)} ${result.requestsPerSecond.toFixed(0).padStart(6)} req/s`,
      )
    }

    const report = buildReport(results)
    printReport(report)
    writeFileSync(join(benchDir, 'last-run.json'), JSON.stringify(report, null, 2) + '\n')
    console.log(`\nbench: written to ${join('packages/worker/bench', 'last-run.json')}`)

    const failed = results.filter((r) => r.errors + r.timeouts + r.non2xx > 0)
    if (failed.length > 0) {
      console.error(
        `bench: FAILED, errors or non-2xx answers on: ${failed.map((r) => r.route).join(', ')}`,
      )
      process.exitCode = 1
    }
  } finally {
    await worker.stop()
  }
}

/** Sends one request and checks status and body, so the load measures real answers. */
async function preflight(url, route) {
  const response = await fetch(url + route.path, {
    method: 'POST',
    headers: { 'content-type': 'text/plain' },
    body: route.body(),
  })
  const text = await response.text()
  let body
  try {
    body = JSON.parse(text)
  } catch {}
  if (!response.ok || !body || !route.check(body)) {
    throw new Error(
      `${route.path} answered ${response.status} ${text.slice(0, 300)}; expected a valid answer before loading it`,
    )
  }
}

/** Loads one route for `duration` seconds; latencies are kept at full precision (autocannon rounds to 1 ms). */
async function load(url, route, duration) {
  const latencies = []
  const instance = autocannon({
    url: url + route.path,
    connections,
    duration,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        setupRequest: (request) => ({ ...request, body: route.body() }),
      },
    ],
  })
  instance.on('response', (_client, statusCode, _bytes, responseTime) => {
    if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime)
  })
  const result = await instance
  latencies.sort((a, b) => a - b)
  return {
    route: route.name,
    path: route.path,
    requests: result.requests.total,
    requestsPerSecond: result.requests.total / result.duration,
    p50: percentile(latencies, 0.5),
    p99: percentile(latencies, 0.99),
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    statusCodes: Object.fromEntries(
      Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]),
    ),
  }
}

function buildReport(results) {
  const by = Object.fromEntries(results.map((r) => [r.route, r]))
  const ratio = (a, b) => round(by[a].requestsPerSecond / by[b].requestsPerSecond, 3)
  const decideOverRead = ratio('decide', 'read')
  return {
    date: new Date().toISOString(),
    machine: machineDescription(),
    // Other processes compete for the same cores: a load average near the core count before the
    // run means the figures are pessimistic.
    loadAverageBefore: loadBefore.map((value) => round(value, 2)),
    seconds,
    warmupSeconds,
    connections,
    routes: results.map((r) => ({
      ...r,
      requestsPerSecond: round(r.requestsPerSecond, 1),
      p50: round(r.p50, 2),
      p99: round(r.p99, 2),
    })),
    ratios: {
      decideOverRead: {
        value: decideOverRead,
        goal: DECIDE_GOAL,
        met: decideOverRead >= DECIDE_GOAL,
      },
      decideOverNoop: { value: ratio('decide', 'noop') },
      eventsOverRead: { value: ratio('events', 'read') },
    },
  }
}

function printReport(report) {
  const header = ['route', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors']
  const rows = report.routes.map((r) => [
    r.path,
    r.requestsPerSecond.toFixed(0),
    r.p50.toFixed(2),
    r.p99.toFixed(2),
    String(r.non2xx),
    String(r.errors + r.timeouts),
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)))
  const line = (cells) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ')
  console.log(
    `\n${report.machine} (load average before: ${report.loadAverageBefore.join(' ')}), ${report.connections} connections, ${report.seconds} s per route\n`,
  )
  console.log(line(header))
  for (const row of rows) console.log(line(row))
  const { decideOverRead, decideOverNoop, eventsOverRead } = report.ratios
  const verdict = decideOverRead.met ? 'goal met' : 'goal MISSED'
  console.log(
    `\ndecide / read   ${decideOverRead.value.toFixed(2)}  (goal >= ${decideOverRead.goal.toFixed(2)}: ${verdict})`,
  )
  console.log(`decide / noop   ${decideOverNoop.value.toFixed(2)}`)
  console.log(`events / read   ${eventsOverRead.value.toFixed(2)}`)
}

function percentile(sorted, q) {
  if (sorted.length === 0) return 0
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]
}

function round(value, digits) {
  const factor = 10 ** digits
  return Math.round(value * factor) / factor
}

function machineDescription() {
  return `Node ${process.version}, ${process.platform}/${process.arch}, ${availableCores()} cores`
}

function availableCores() {
  // availableParallelism honours CPU affinity (containers), unlike cpus().length.
  return typeof os.availableParallelism === 'function'
    ? os.availableParallelism()
    : os.cpus().length
}

function positiveInt(name, fallback) {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1) {
    console.error(`bench: ${name} must be a positive integer, got "${raw}"`)
    process.exit(2)
  }
  return value
}

/** A port nobody listens on right now, so the bench can run beside `pnpm dev` on 8787. */

main()
  // The edge scenario (bench/edge.mjs) runs after, on a worker of its own; BENCH_EDGE=off skips it.
  .then(
    () => process.env.BENCH_EDGE !== 'off' && import('./edge.mjs').then((m) => m.runEdgeBench()),
  )
  .catch((error) => {
    console.error(`bench: ${error.message}`)
    process.exitCode = 1
  })
